import { expect } from "chai";
import { ZeroAddress, concat, dataLength, dataSlice, getAddress, hexlify } from "ethers";
import { network } from "hardhat";

import {
  buildIntent,
  encodeRelayPacked,
  encodeVarint,
  getIntentId,
  hashIntentStruct,
  packIntent,
  RELAY_PACKED_SELECTOR,
  type Intent,
} from "../../src/sdk/index.js";
import type { PackedIntentHarness } from "../../typechain-types/index.js";
import { fromDecoded } from "../helpers/decodedIntent.js";
import { targetCall } from "../helpers/intents.js";
import { formatIntent, Prng, randomIntent } from "../helpers/randomIntents.js";
import { buildIntentNow, deployWalletWorld, signForWallet } from "../helpers/walletFixture.js";

/**
 * Parity of the packed intent form between the SDK's encoder (`packIntent`, `encodeVarint`,
 * `encodeRelayPacked`) and the wallet's decoder (`PackedIntent`, exposed by
 * contracts/mocks/PackedIntentHarness.sol): hundreds of seeded random intents decode on-chain to
 * the intent the SDK packed, with the ID `getIntentId` gives.
 */

const { ethers, networkHelpers } = await network.create();

/** Seed of the random intents; a failure prints it with the intent's index, so it can be replayed. */
const SEED = Number(process.env.PACKED_PARITY_SEED ?? 0x9ac_2026);
const RANDOM_INTENTS = 300;
const MAX_UINT256 = 2n ** 256n - 1n;

/** `intent` with its addresses checksummed and its hex lowercase, as the harness returns them. */
function normalized(intent: Intent): Intent {
  return {
    ...intent,
    calls: intent.calls.map(({ to, value, data }) => ({
      to: getAddress(to),
      value,
      data: data.toLowerCase(),
    })),
    dependencies: intent.dependencies.map(({ wallet, id }) => ({
      wallet: getAddress(wallet),
      id: id.toLowerCase(),
    })),
  };
}

describe("PackedIntent parity: SDK encoder vs wallet decoder", function () {
  async function fixture() {
    const harness = (await ethers.deployContract(
      "PackedIntentHarness",
    )) as unknown as PackedIntentHarness;
    const { chainId } = await ethers.provider.getNetwork();
    return { harness, chainId };
  }

  it(`packIntent decodes on-chain to the same intent, struct hash and ID for ${RANDOM_INTENTS} random intents`, async function () {
    this.timeout(60_000);
    const { harness, chainId } = await networkHelpers.loadFixture(fixture);
    const rng = new Prng(SEED);

    const cases = Array.from({ length: RANDOM_INTENTS }, (_, index) => {
      const wallet = getAddress(hexlify(rng.bytes(20)));
      const epoch = rng.chance(1, 4) ? 2n ** 32n - 1n : BigInt(rng.int(0, 3));
      const intent = randomIntent(rng, wallet);
      // A relay signature of any length: everything after the intent is the signature.
      const signature = hexlify(rng.bytes(rng.pick([0, 1, 65, 66, rng.int(0, 200)])));
      return {
        index,
        wallet,
        epoch,
        intent,
        signature,
        packed: concat([packIntent(intent), signature]),
      };
    });

    const decoded = await Promise.all(cases.map(({ packed }) => harness.decode(packed)));
    const ids = await Promise.all(
      cases.map(({ packed, wallet, epoch }) => harness.decodeId(packed, wallet, epoch)),
    );
    cases.forEach(({ index, wallet, epoch, intent, signature }, k) => {
      const what = `random intent #${index} (seed ${SEED}, wallet ${wallet}, epoch ${epoch}): ${formatIntent(intent)}`;
      const [decodedIntent, decodedSignature] = decoded[k];
      expect(fromDecoded(decodedIntent)).to.deep.equal(normalized(intent), what);
      expect(decodedSignature).to.equal(signature, what);
      const [id, structHash, idSignature] = ids[k];
      expect(structHash).to.equal(hashIntentStruct(intent), what);
      expect(id).to.equal(getIntentId({ intent, wallet, chainId, epoch }), what);
      expect(idSignature).to.equal(signature, what);
    });
  });

  it("encodeVarint's edge cases decode to the same value and length: 0, 1, 255, 256, 2^256-1", async function () {
    const { harness } = await networkHelpers.loadFixture(fixture);
    const cases: Array<[bigint, string]> = [
      [0n, "0x00"],
      [1n, "0x0101"],
      [255n, "0x01ff"],
      [256n, "0x020100"],
      [MAX_UINT256, "0x20" + "ff".repeat(32)],
    ];
    for (const [value, expected] of cases) {
      const encoded = encodeVarint(value);
      expect(encoded).to.equal(expected, `encodeVarint(${value})`);
      expect(await decodedSalt(harness, value)).to.equal(value, `varint ${encoded}`);
    }
  });

  it("encodeVarint decodes to the same value on both sides of every byte-length boundary", async function () {
    const { harness } = await networkHelpers.loadFixture(fixture);
    const values = Array.from({ length: 32 }, (_, k) => 1n << BigInt(8 * k)).flatMap((power) => [
      power - 1n,
      power,
    ]);
    values.push(MAX_UINT256);
    const decoded = await Promise.all(values.map((value) => decodedSalt(harness, value)));
    values.forEach((value, k) => {
      expect(decoded[k]).to.equal(value, `varint ${encodeVarint(value)}`);
    });
  });

  it("encodeRelayPacked relays on a real wallet the intent whose ID getIntentId gives", async function () {
    const world = await deployWalletWorld(ethers);
    const intent = await buildIntentNow(world, {
      calls: [await targetCall(world, "ping", [7n])],
      salt: 0x9ac_2026n,
    });
    const signed = await signForWallet(world, intent);
    const id = getIntentId({ intent, wallet: world.walletAddress, chainId: world.chainId });
    expect(signed.id).to.equal(id);

    const data = encodeRelayPacked({ intent, signature: signed.signature });
    expect(dataSlice(data, 0, 4)).to.equal(RELAY_PACKED_SELECTOR);
    await expect(world.relayer.sendTransaction({ to: world.walletAddress, data }))
      .to.emit(world.wallet, "IntentRelayed")
      .withArgs(id, world.relayer.address, true);
    expect(await world.wallet.intentStatus(id)).to.equal(1n); // Succeeded
    expect(await world.target.pings()).to.equal(1n);
  });

  /**
   * The salt the wallet's decoder reads from a packed intent whose salt is `value`, after checking
   * that the varint took exactly its own bytes: the fields after it and the signature decode intact.
   */
  async function decodedSalt(harness: PackedIntentHarness, value: bigint): Promise<bigint> {
    const intent = buildIntent({ calls: [{ to: ZeroAddress }], salt: value, expiration: 1n });
    const [decoded, signature] = await harness.decode(concat([packIntent(intent), "0xabcdef"]));
    expect(signature).to.equal("0xabcdef");
    expect(decoded.expiration).to.equal(1n);
    return decoded.salt;
  }
});
