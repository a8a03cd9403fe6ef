import { expect } from "chai";
import { Wallet, ZeroAddress, concat, id as keccakText } from "ethers";
import { network } from "hardhat";

import {
  IntentStatus,
  buildIntent,
  encodeRelayPacked,
  getIntentId,
  toOwnerSignature,
} from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

// Two in-process chains (31337 and 31338): the same deployments land at the same addresses, so
// one EOA can be a wallet on both, delegated by an authorization signed for each chain.
const here = await network.create();
const other = await network.create("otherChain");

const EOA_KEY = keccakText("IntentWallet EIP-7702 replay test: the EOA");
const SENDER_KEY = keccakText("IntentWallet EIP-7702 replay test: the sender");

/** On `chain`: the contracts, and the EOA delegated there by an authorization for that chain. */
async function delegatedOn(chain: typeof here) {
  const { ethers } = chain;
  const world = await deployWalletWorld(ethers);
  const implementation = await world.implementation.getAddress();
  const eoa = new Wallet(EOA_KEY, ethers.provider);
  const sender = new Wallet(SENDER_KEY, ethers.provider);
  await world.owner.sendTransaction({ to: sender.address, value: 10n ** 19n });
  const authorization = await eoa.authorize({
    address: implementation,
    nonce: 0n,
    chainId: world.chainId,
  });
  await (
    await sender.sendTransaction({ to: ZeroAddress, type: 4, authorizationList: [authorization] })
  ).wait();
  const eoaWallet = (await ethers.getContractAt(
    "IntentWallet",
    eoa.address,
  )) as unknown as IntentWallet;
  return { world, implementation, eoa, sender, eoaWallet, authorization };
}

describe("IntentWallet on a delegated EOA, across chains", function () {
  it("refuses on another chain an intent the EOA signed for this one, at the same address", async function () {
    const onHere = await delegatedOn(here);
    const onOther = await delegatedOn(other);
    expect(onOther.implementation).to.equal(onHere.implementation);
    expect(await other.ethers.provider.getCode(onOther.eoa.address)).to.equal(
      concat(["0xef0100", onOther.implementation]).toLowerCase(),
    );

    const block = await here.ethers.provider.getBlock("latest");
    const ping = onHere.world.target.interface.encodeFunctionData("ping", [3n]);
    const target = await onHere.world.target.getAddress();
    const intent = buildIntent({
      now: BigInt(block!.timestamp),
      calls: [{ to: target, value: 0n, data: ping }],
      salt: 1n,
    });
    const id = getIntentId({ intent, wallet: onHere.eoa.address, chainId: onHere.world.chainId });
    const signature = toOwnerSignature(onHere.eoa.signingKey.sign(id).serialized);
    const data = encodeRelayPacked({ intent, signature });

    const otherId = await onOther.eoaWallet.intentId(intent);
    expect(otherId).to.not.equal(id);
    await expect(onOther.sender.sendTransaction({ to: onOther.eoa.address, data }))
      .to.be.revertedWithCustomError(onOther.eoaWallet, "IntentInvalidSignature")
      .withArgs(otherId);
    expect(await onOther.world.target.pings()).to.equal(0n);

    // Still good on the chain it was signed for.
    await (await onHere.sender.sendTransaction({ to: onHere.eoa.address, data })).wait();
    expect(await onHere.eoaWallet.intentStatus(id)).to.equal(IntentStatus.Succeeded);
  });

  it("leaves an EOA without code on another chain when its authorization names this one", async function () {
    const world = await deployWalletWorld(here.ethers);
    const eoa = new Wallet(keccakText("IntentWallet EIP-7702 replay test: a second EOA"));
    const forHere = await eoa.authorize({
      address: await world.implementation.getAddress(),
      nonce: 0n,
      chainId: world.chainId,
    });
    const sender = new Wallet(SENDER_KEY, other.ethers.provider);
    const [funder] = await other.ethers.getSigners();
    await funder.sendTransaction({ to: sender.address, value: 10n ** 18n });
    await (
      await sender.sendTransaction({ to: ZeroAddress, type: 4, authorizationList: [forHere] })
    ).wait();
    expect(await other.ethers.provider.getCode(eoa.address)).to.equal("0x");
  });
});
