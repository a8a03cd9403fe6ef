import { expect } from "chai";
import {
  AbiCoder,
  concat,
  dataLength,
  dataSlice,
  getAddress,
  getBytes,
  keccak256,
  toBeHex,
  toBigInt,
  zeroPadValue,
} from "ethers";
import { network } from "hardhat";

import * as sdk from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/factories/contracts/IntentWallet__factory.js";
import type {
  IntentBatcher,
  IntentWallet,
  MockERC20,
  PackedIntentHarness,
  WalletFactory,
} from "../../typechain-types/index.js";
import { DOCS, codeBlocks, jsonBlocks, read, sectionTitled, tableRows } from "./markdown.js";
import { fromDecoded } from "../helpers/decodedIntent.js";

/*
 * Keeps the packed form of docs/intents.md true: the worked example's `relayPacked()` calldata
 * is what the SDK's `encodeRelayPacked` writes, the byte-by-byte table of section 13 takes it
 * apart field by field, the sizes and the batcher entry shown are right, the wallet's own decoder
 * reads it back to the same intent and ID, the malformed encodings the docs describe get the
 * offsets the docs say, and the calldata shown really relays on a wallet at the example's address.
 */

const { ethers, networkHelpers } = await network.create();

const ENCODINGS = sectionTitled(DOCS.intents, "The two encodings: `relay` and `relayPacked`");
const EXAMPLE = sectionTitled(DOCS.intents, "Worked example");
const MAX_UINT256 = 2n ** 256n - 1n;

/** The worked example's signed intent, read from its JSON block (which the SDK validates). */
function workedExample(): sdk.SerializableSignedIntent {
  const wire = jsonBlocks(EXAMPLE).find(
    (block) => (block as { version?: unknown }).version === sdk.SIGNED_INTENT_JSON_VERSION,
  );
  expect(wire, "the worked example's signed intent in JSON").to.not.equal(undefined);
  return sdk.parseSignedIntent(wire);
}

/** The `relayPacked()` calldata the worked example shows, in its own ```text block. */
function shownCalldata(): string {
  const found = codeBlocks(EXAMPLE, "text")
    .map((block) => block.trim())
    .filter((block) => block.startsWith(sdk.RELAY_PACKED_SELECTOR));
  expect(found, "one block of relayPacked calldata in the worked example").to.have.length(1);
  return found[0];
}

/** The rows of section 13's byte-by-byte table: offset, bytes (without spaces) and field. */
function byteTable(): Array<{ offset: number; bytes: string; field: string }> {
  return tableRows(ENCODINGS)
    .filter(([offset, bytes]) => /^\d+$/.test(offset ?? "") && /^`[0-9a-f ]+`$/.test(bytes ?? ""))
    .map(([offset, bytes, field]) => ({
      offset: Number(offset),
      bytes: `0x${bytes.replace(/[` ]/g, "")}`,
      field,
    }));
}

/** The value of a varint as the packed form writes it: a length byte, then that many bytes. */
function varintValue(bytes: string): bigint {
  const length = getBytes(bytes)[0];
  expect(
    dataLength(bytes),
    `the varint ${bytes} holds its length byte and ${length} bytes`,
  ).to.equal(1 + length);
  return length === 0 ? 0n : toBigInt(dataSlice(bytes, 1));
}

/** The calldata gas of `data` at 4 gas per zero byte and 16 per other byte, with thousands commas. */
function calldataGas(data: string): string {
  const bytes = getBytes(data);
  const zeros = bytes.filter((byte) => byte === 0).length;
  return (zeros * 4 + (bytes.length - zeros) * 16).toLocaleString("en-US");
}

describe("docs/intents.md: the packed form", function () {
  const signed = workedExample();
  const { intent, signature } = signed;
  const calldata = sdk.encodeRelayPacked({ intent, signature });

  it("shows the worked example's relayPacked() calldata exactly as encodeRelayPacked writes it", function () {
    expect(shownCalldata()).to.equal(calldata);
    expect(EXAMPLE).to.include(`(${dataLength(calldata)} bytes,`);
  });

  it("takes the calldata apart byte by byte: the table's rows follow each other and make it up", function () {
    const rows = byteTable();
    expect(rows.length).to.be.greaterThan(10);
    let offset = 0;
    for (const row of rows) {
      expect(row.offset, `the offset of ${row.field}`).to.equal(offset);
      offset += dataLength(row.bytes);
    }
    expect(concat(rows.map((row) => row.bytes))).to.equal(calldata);
  });

  it("labels every row of the table with the field its bytes encode", function () {
    const byField = new Map(byteTable().map((row) => [row.field, row.bytes]));
    const field = (name: string) => {
      const bytes = byField.get(name);
      expect(bytes, `a row for ${name}`).to.not.equal(undefined);
      return bytes!;
    };
    const [call] = intent.calls;
    const [dependency] = intent.dependencies;
    expect(intent.calls).to.have.length(1);
    expect(intent.dependencies).to.have.length(1);

    expect(field("selector")).to.equal(sdk.RELAY_PACKED_SELECTOR);
    expect(varintValue(field("`salt`"))).to.equal(intent.salt);
    expect(varintValue(field("`validAfter`"))).to.equal(intent.validAfter);
    expect(varintValue(field("`expiration`"))).to.equal(intent.expiration);
    expect(MAX_UINT256 - varintValue(field("`maxGasPrice`, inverted"))).to.equal(
      intent.maxGasPrice,
    );
    expect(varintValue(field("`minGasLimit`"))).to.equal(intent.minGasLimit);
    expect(varintValue(field("call count"))).to.equal(1n);
    expect(getAddress(field("`calls[0].to`"))).to.equal(call.to);
    expect(varintValue(field("`calls[0].value`"))).to.equal(call.value);
    expect(varintValue(field("`calls[0].data`'s length"))).to.equal(BigInt(dataLength(call.data)));
    expect(
      concat([
        field("`calls[0].data`, bytes 0–3"),
        field("`calls[0].data`, bytes 4–35"),
        field("`calls[0].data`, bytes 36–67"),
      ]),
    ).to.equal(call.data);
    expect(varintValue(field("dependency count"))).to.equal(1n);
    expect(getAddress(field("`dependencies[0].wallet`"))).to.equal(dependency.wallet);
    expect(field("`dependencies[0].id`")).to.equal(dependency.id);
    expect(
      concat([
        field("signature: kind"),
        field("signature: `r`"),
        field("signature: `s`"),
        field("signature: `v`"),
      ]),
    ).to.equal(signature);
  });

  it("gives the packed and the ABI form's sizes and calldata gas as they are", function () {
    const abi = IntentWallet__factory.createInterface().encodeFunctionData("relay", [
      intent,
      signature,
    ]);
    expect(ENCODINGS).to.include(`That is ${dataLength(calldata)} bytes of calldata.`);
    expect(ENCODINGS).to.include(`takes ${dataLength(abi)} bytes`);
    expect(ENCODINGS).to.include(`costs ${calldataGas(calldata)} gas against ${calldataGas(abi)}.`);
  });

  it("shows the worked example's batcher entry as encodeBatchEntries writes it", function () {
    const entries = sdk.encodeBatchEntries([{ wallet: signed.wallet, intent, signature }]);
    const payloadLength = dataLength(calldata) - 4;
    expect(entries).to.equal(
      concat([signed.wallet, toBeHex(payloadLength, 3), dataSlice(calldata, 4)]),
    );
    const walletHex = signed.wallet.toLowerCase().slice(2);
    const lengthHex = toBeHex(payloadLength, 3).slice(2);
    expect(ENCODINGS).to.include(`is the ${dataLength(entries)} bytes`);
    expect(ENCODINGS).to.include(
      `\`${walletHex}\` \`${lengthHex}\` (${payloadLength}, the payload's length)`,
    );
    expect(ENCODINGS).to.include(`${payloadLength} bytes from offset 4`);
  });

  describe("on-chain", function () {
    async function decoderFixture() {
      const deployer = (await ethers.getSigners())[5]; // leaves account #0's nonce alone
      const harness = (await ethers.deployContract(
        "PackedIntentHarness",
        deployer,
      )) as unknown as PackedIntentHarness;
      const implementation = (await ethers.deployContract(
        "IntentWallet",
        deployer,
      )) as unknown as IntentWallet;
      return { harness, implementation };
    }

    it("the wallet's decoder reads the calldata shown back to the worked example's intent, signature and ID", async function () {
      const { harness } = await networkHelpers.loadFixture(decoderFixture);
      const { chainId } = await ethers.provider.getNetwork();
      expect(chainId).to.equal(signed.chainId);

      const packed = dataSlice(shownCalldata(), 4);
      const [decoded, decodedSignature] = await harness.decode(packed);
      expect(fromDecoded(decoded)).to.deep.equal(intent);
      expect(decodedSignature).to.equal(signature);

      const [id, structHash] = await harness.decodeId(packed, signed.wallet, signed.epoch ?? 0n);
      expect(id).to.equal(signed.id);
      expect(structHash).to.equal(sdk.hashIntentStruct(intent));
    });

    it("relayPacked() refuses a field that does not fit with IntentMalformed at the offset the docs give", async function () {
      const { implementation } = await networkHelpers.loadFixture(decoderFixture);
      const to = await implementation.getAddress();
      const call = (data: string) => ethers.provider.call({ to, data });

      // "the salt is at 4": a length byte above 32.
      await expect(call(concat([sdk.RELAY_PACKED_SELECTOR, "0x21"])))
        .to.be.revertedWithCustomError(implementation, "IntentMalformed")
        .withArgs(4n);

      // A data length larger than the bytes left: the offset of the data's length varint.
      const lengthRow = byteTable().find((row) => row.field === "`calls[0].data`'s length")!;
      const cut = dataSlice(calldata, 0, lengthRow.offset + dataLength(lengthRow.bytes) + 10);
      await expect(call(cut))
        .to.be.revertedWithCustomError(implementation, "IntentMalformed")
        .withArgs(BigInt(lengthRow.offset));
    });

    it("relay() refuses an address word with high bytes set with IntentMalformed at that word's offset", async function () {
      const { implementation } = await networkHelpers.loadFixture(decoderFixture);
      const to = await implementation.getAddress();
      const abi = implementation.interface.encodeFunctionData("relay", [intent, signature]);
      for (const address of [intent.calls[0].to, intent.dependencies[0].wallet]) {
        const word = zeroPadValue(address, 32).slice(2).toLowerCase();
        const offset = (abi.slice(2).indexOf(word) / 2) as number;
        expect(offset % 32, `the word of ${address}`).to.equal(4);
        expect(abi.slice(2).lastIndexOf(word) / 2, `one word of ${address}`).to.equal(offset);
        const dirty = `0x${abi.slice(2, 2 + offset * 2)}01${abi.slice(4 + offset * 2)}`;
        await expect(ethers.provider.call({ to, data: dirty }))
          .to.be.revertedWithCustomError(implementation, "IntentMalformed")
          .withArgs(BigInt(offset));
      }
    });

    it("relayBatch() refuses an entry cut short with BatcherMalformedEntries at the entry's offset", async function () {
      const deployer = (await ethers.getSigners())[5];
      const batcher = (await ethers.deployContract(
        "IntentBatcher",
        deployer,
      )) as unknown as IntentBatcher;
      const entries = sdk.encodeBatchEntries([{ wallet: signed.wallet, intent, signature }]);
      const cut = dataSlice(entries, 0, dataLength(entries) - 1);
      // "the first entry at 68, after the selector and the argument's offset and length words"
      await expect(batcher.relayBatch(cut))
        .to.be.revertedWithCustomError(batcher, "BatcherMalformedEntries")
        .withArgs(68n);
    });

    it("the calldata shown relays on a wallet of the example's owner at the example's address, from validAfter on", async function () {
      const [owner, , relayer, deployer] = await ethers.getSigners();
      expect(owner.address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
      const [call] = intent.calls;
      const [dependency] = intent.dependencies;

      // The token: account #0's first deployment on a fresh chain lands at the example's address.
      expect(await ethers.provider.getTransactionCount(owner.address)).to.equal(0);
      const token = (await ethers.deployContract("MockERC20", owner)) as unknown as MockERC20;
      expect(await token.getAddress()).to.equal(call.to);

      // The wallet: a clone of account #0, its code (proxy and owner) put at the example's address.
      const implementation = await ethers.deployContract("IntentWallet", deployer);
      const factory = (await ethers.deployContract(
        "WalletFactory",
        [await implementation.getAddress()],
        deployer,
      )) as unknown as WalletFactory;
      await factory.createWallet(owner.address, 0n);
      const clone = await factory.walletAddress(owner.address, 0n);
      await networkHelpers.setCode(signed.wallet, await ethers.provider.getCode(clone));
      const wallet = (await ethers.getContractAt(
        "IntentWallet",
        signed.wallet,
      )) as unknown as IntentWallet;
      expect(await wallet.owner()).to.equal(owner.address);
      await token.mint(signed.wallet, 5n * 10n ** 18n);

      const data = shownCalldata();
      const relay = () => relayer.sendTransaction({ to: signed.wallet, data });

      await expect(relay())
        .to.be.revertedWithCustomError(wallet, "IntentNotYetValid")
        .withArgs(signed.id, intent.validAfter);

      await networkHelpers.time.increaseTo(intent.validAfter);
      await expect(relay())
        .to.be.revertedWithCustomError(wallet, "IntentDependencyNotMet")
        .withArgs(signed.id, dependency.wallet, dependency.id);

      // The dependency `0xabab…ab` stands for an intent relayed before: its receipt, written in
      // the wallet's storage (ERC-7201 namespace, receipts at its third slot), says Succeeded.
      const namespace = /STORAGE_LOCATION = (0x[0-9a-f]{64});/.exec(
        read("contracts/libraries/IntentWalletStorage.sol"),
      );
      const receiptSlot = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["bytes32", "uint256"],
          [dependency.id, toBigInt(namespace![1]) + 2n],
        ),
      );
      await networkHelpers.setStorageAt(signed.wallet, receiptSlot, 1n); // IntentStatus.Succeeded
      expect(await wallet.intentStatus(dependency.id)).to.equal(1n);

      await expect(relay())
        .to.emit(wallet, "IntentRelayed")
        .withArgs(signed.id, relayer.address, true);
      expect(await wallet.intentStatus(signed.id)).to.equal(1n);
      const recipient = getAddress(dataSlice(call.data, 16, 36));
      expect(await token.balanceOf(recipient)).to.equal(5n * 10n ** 18n);

      await expect(relay())
        .to.be.revertedWithCustomError(wallet, "IntentAlreadyRelayed")
        .withArgs(signed.id);
    });
  });
});
