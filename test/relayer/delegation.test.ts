import { expect } from "chai";
import { id, Wallet, ZeroAddress } from "ethers";

import { toSignedIntentJson } from "../../src/protocol/intent/json.js";
import { getDelegationCode } from "../../src/protocol/wallet/delegation.js";
import { signWalletAuthorization } from "../../src/sdk/wallet/eoa.js";
import {
  buildIntent,
  IntentStatus,
  RelayerClient,
  RelayerError,
  signIntent,
  type BuildIntentParameters,
  type SignedIntent,
  type WalletAuthorization,
} from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import {
  latestTimestamp,
  nodeAccount,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import {
  describeStatus,
  followIntent,
  startRelayerProcess,
  type RelayerProcess,
} from "../helpers/relayerProcess.js";

const GWEI = 10n ** 9n;

/*
 * EOAs as wallets (EIP-7702): an EOA with no code submits its first intent with its
 * authorization of the served implementation, and the relayer sends both in one type-4
 * transaction; from then on the EOA is a wallet at its own address, served like a clone (and
 * batched with clones). Authorizations that would not make the EOA a served wallet are refused,
 * nothing stored and nothing sent.
 */
describe("Relayer delegates EOAs with their first intent (EIP-7702), on a real hardhat node", function () {
  this.timeout(180_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;
  let salt = 0n;

  before(async function () {
    world = await startNodeWorld(1);
    relayer = await startRelayerProcess(
      relayerEnvFor(world, {
        RELAYER_FACTORY: await world.factory.getAddress(),
        RELAYER_BATCHER: world.batcher,
      }),
    );
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(relayer.output().slice(-5_000));
  });

  /** A fresh EOA, never funded, named by `label`. */
  function freshEoa(label: string): Wallet {
    return new Wallet(id(`delegation eoa ${label}`));
  }

  /** The EOA's authorization of `implementation` (the served one by default) at its next nonce. */
  async function authorize(
    eoa: Wallet,
    options: { implementation?: string; chainId?: bigint; nonce?: bigint; signer?: Wallet } = {},
  ): Promise<WalletAuthorization> {
    const {
      implementation = world.implementation,
      chainId = world.chainId,
      nonce = BigInt(await world.provider.getTransactionCount(eoa.address)),
      signer = eoa,
    } = options;
    return signWalletAuthorization({ signer, implementation, chainId, nonce });
  }

  /** An intent of `eoa`'s wallet (its own address), signed by its key. */
  async function sign(
    eoa: Wallet,
    parameters: Omit<BuildIntentParameters, "now">,
    authorization?: WalletAuthorization,
  ): Promise<SignedIntent> {
    salt += 1n;
    const intent = buildIntent({ salt, now: await latestTimestamp(world), ...parameters });
    const signed = await signIntent({
      signer: eoa,
      intent,
      wallet: eoa.address,
      chainId: world.chainId,
    });
    return authorization === undefined ? signed : { ...signed, authorization };
  }

  /** Submits `signed` and waits for it to be relayed; the relay transaction. */
  async function relayed(signed: SignedIntent) {
    await client.submit(signed);
    const final = await followIntent(client, signed.id);
    expect(final.status, describeStatus(final)).to.equal("relayed");
    const transaction = (await world.provider.getTransaction(final.txHash!))!;
    return { final, transaction };
  }

  /** Submits `body` as raw JSON, expecting a refusal; checks nothing was stored and returns it. */
  async function refusedBody(body: unknown, intentId: string) {
    const response = await fetch(`${relayer.url}/v1/intents`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as {
      error: { code: string; message: string; details?: Record<string, unknown> };
    };
    const stored = await client.status(intentId).catch((thrown: RelayerError) => thrown);
    expect((stored as RelayerError).status, `intent ${intentId} was stored`).to.equal(404);
    return { status: response.status, ...answer.error };
  }

  /** Submits `signed`, expecting a refusal; checks nothing was stored nor delegated. */
  async function refused(signed: SignedIntent) {
    const before = await world.provider.getCode(signed.wallet);
    const refusal = await refusedBody(toSignedIntentJson(signed), signed.id);
    expect(await world.provider.getCode(signed.wallet)).to.equal(before);
    return refusal;
  }

  /** Expects `400 invalid_field` at `authorization`, its reason matching `reason`. */
  async function expectBadAuthorization(signed: SignedIntent, reason: RegExp) {
    const refusal = await refused(signed);
    expect([refusal.status, refusal.code]).to.deep.equal([400, "invalid_field"]);
    expect(refusal.details?.path).to.equal("authorization");
    expect(refusal.message).to.match(reason);
  }

  /** Delegates `eoa` to `implementation` itself, in a type-4 transaction the node's account #0 pays. */
  async function delegateDirectly(eoa: Wallet, implementation: string): Promise<void> {
    const nonce = BigInt(await world.provider.getTransactionCount(eoa.address));
    const auth = await eoa.authorize({ address: implementation, nonce, chainId: world.chainId });
    const payer = nodeAccount(0, world.provider);
    await (
      await payer.sendTransaction({ to: payer.address, type: 4, authorizationList: [auth] })
    ).wait();
  }

  it("relays an unfunded EOA's first intent with its authorization in one type-4 transaction, then its next intent as any wallet's", async function () {
    const eoa = freshEoa("first use");
    const first = await sign(eoa, { calls: [pingCall(world, 1n)] }, await authorize(eoa));

    const { transaction } = await relayed(first);

    expect(await world.provider.getBalance(eoa.address)).to.equal(0n);
    expect(transaction.type).to.equal(4);
    expect(transaction.to).to.equal(eoa.address);
    expect(transaction.authorizationList?.map((auth) => auth.address)).to.deep.equal([
      world.implementation,
    ]);
    expect(await world.provider.getCode(eoa.address)).to.equal(
      getDelegationCode(world.implementation),
    );
    const wallet = IntentWallet__factory.connect(eoa.address, world.provider);
    expect((await wallet.intentReceipt(first.id)).status).to.equal(IntentStatus.Succeeded);

    const second = await sign(eoa, { calls: [pingCall(world, 2n)] });
    const { transaction: next } = await relayed(second);

    expect(next.type).to.not.equal(4);
    expect((await wallet.intentReceipt(second.id)).status).to.equal(IntentStatus.Succeeded);
  });

  it("accepts an authorization for every chain (chain ID 0)", async function () {
    const eoa = freshEoa("chain 0");
    const signed = await sign(
      eoa,
      { calls: [pingCall(world, 3n)] },
      await authorize(eoa, { chainId: 0n }),
    );

    const { transaction } = await relayed(signed);

    expect(transaction.type).to.equal(4);
    expect(await world.provider.getCode(eoa.address)).to.equal(
      getDelegationCode(world.implementation),
    );
  });

  it("sends no authorization for an EOA delegated already, though the intent carries one", async function () {
    const eoa = freshEoa("delegated already");
    await delegateDirectly(eoa, world.implementation);
    const signed = await sign(
      eoa,
      { calls: [pingCall(world, 4n)] },
      await authorize(eoa, { nonce: 0n }),
    );

    const { transaction } = await relayed(signed);

    expect(transaction.type).to.not.equal(4);
  });

  it("schedules an EOA's first intent whose validAfter is to come, its key's signature checked ahead, and relays it then", async function () {
    const eoa = freshEoa("scheduled");
    const validAfter = (await latestTimestamp(world)) + 30n;
    const signed = await sign(
      eoa,
      { calls: [pingCall(world, 18n)], validAfter },
      await authorize(eoa),
    );
    const forged = await signIntent({
      signer: freshEoa("not the eoa"),
      intent: signed.intent,
      wallet: eoa.address,
      chainId: world.chainId,
    });

    const forgedRefusal = await refused({ ...forged, authorization: signed.authorization });
    const { status } = await client.submit(signed);
    await world.provider.send("evm_increaseTime", [60]);
    await world.provider.send("evm_mine", []);
    const final = await followIntent(client, signed.id);

    expect([forgedRefusal.status, forgedRefusal.code]).to.deep.equal([400, "invalid_signature"]);
    expect(status).to.equal("scheduled");
    expect(final.status, describeStatus(final)).to.equal("relayed");
    expect((await world.provider.getTransaction(final.txHash!))!.type).to.equal(4);
  });

  it("refuses 400 at authorization an authorization of another implementation", async function () {
    const eoa = freshEoa("other implementation");
    const authorization = await authorize(eoa, { implementation: world.targetAddress });
    const signed = await sign(eoa, { calls: [pingCall(world, 5n)] }, authorization);
    await expectBadAuthorization(
      signed,
      /delegates to 0x[0-9a-fA-F]{40}, not to the implementation/,
    );
  });

  it("refuses 400 at authorization an authorization for another chain", async function () {
    const eoa = freshEoa("other chain");
    const authorization = await authorize(eoa, { chainId: world.chainId + 1n });
    const signed = await sign(eoa, { calls: [pingCall(world, 6n)] }, authorization);
    await expectBadAuthorization(
      signed,
      new RegExp(`is for chain ${world.chainId + 1n}, not ${world.chainId}`),
    );
  });

  it("refuses 400 at authorization an authorization signed by another key", async function () {
    const eoa = freshEoa("signed by another");
    const authorization = await authorize(eoa, { signer: freshEoa("someone else") });
    const signed = await sign(eoa, { calls: [pingCall(world, 7n)] }, authorization);
    await expectBadAuthorization(signed, /is signed by 0x[0-9a-fA-F]{40}, not by the wallet/);
  });

  it("refuses 400 at authorization an authorization at a stale nonce", async function () {
    const eoa = freshEoa("stale nonce");
    const authorization = await authorize(eoa, { nonce: 3n });
    const signed = await sign(eoa, { calls: [pingCall(world, 8n)] }, authorization);
    await expectBadAuthorization(signed, /nonce 3 is not the next nonce of EOA .* \(0\)/);
  });

  it("refuses 400 at authorization malformed fields", async function () {
    const eoa = freshEoa("malformed");
    const signed = await sign(eoa, { calls: [pingCall(world, 9n)] }, await authorize(eoa));
    const json = toSignedIntentJson(signed) as Record<string, unknown>;
    const good = json.authorization as Record<string, unknown>;
    const malformed = [
      { ...good, yParity: 2 },
      { ...good, r: "0x1234" },
      { ...good, nonce: "-1" },
      { ...good, chainId: 31337 },
      { ...good, extra: "field" },
    ];
    for (const authorization of malformed) {
      const refusal = await refusedBody({ ...json, authorization }, signed.id);
      expect(refusal.status, JSON.stringify(authorization)).to.equal(400);
      expect(String(refusal.details?.path)).to.match(/^authorization/);
    }
  });

  it("refuses 400 an intent carrying both create and authorization", async function () {
    const eoa = freshEoa("create and authorization");
    const signed = await sign(eoa, { calls: [pingCall(world, 10n)] }, await authorize(eoa));
    const create = { factory: await world.factory.getAddress(), owner: eoa.address, salt: 0n };
    const refusal = await refused({ ...signed, create });
    expect([refusal.status, refusal.code]).to.deep.equal([400, "invalid_field"]);
    expect(refusal.details?.path).to.equal("authorization");
    expect(refusal.message).to.match(/not both/);
  });

  it("refuses 403 an intent of an EOA with no code and no authorization, told to send one", async function () {
    const eoa = freshEoa("no authorization");
    const signed = await sign(eoa, { calls: [pingCall(world, 11n)] });
    const refusal = await refused(signed);
    expect([refusal.status, refusal.code]).to.deep.equal([403, "wallet_not_served"]);
    expect(refusal.message).to.match(/`authorization`/);
  });

  it("refuses 403 an EOA delegated to another contract, with or without an authorization", async function () {
    const eoa = freshEoa("delegated elsewhere");
    await delegateDirectly(eoa, world.targetAddress);
    const without = await sign(eoa, { calls: [pingCall(world, 12n)] });
    const withAuthorization = await sign(
      eoa,
      { calls: [pingCall(world, 13n)] },
      await authorize(eoa),
    );
    for (const signed of [without, withAuthorization]) {
      const refusal = await refused(signed);
      expect([refusal.status, refusal.code]).to.deep.equal([403, "wallet_not_served"]);
      expect(refusal.message).to.match(
        /EOA delegated to 0x[0-9a-fA-F]{40}, not to the implementation/,
      );
    }
  });

  /**
   * Submits `ofEoa` and a clone's intent pinging `x`, both signed for `maxGasPrice`: they wait for
   * the gas price, then go together once it comes down. Expects both relayed in one batch
   * transaction, and returns it.
   */
  async function relayedInOneBatchWithClone(ofEoa: SignedIntent, maxGasPrice: bigint, x: bigint) {
    salt += 1n;
    const ofClone = await signIntent({
      signer: world.owners[0],
      intent: buildIntent({
        salt,
        now: await latestTimestamp(world),
        calls: [pingCall(world, x)],
        maxGasPrice,
      }),
      wallet: world.wallets[0],
      chainId: world.chainId,
    });
    for (const signed of [ofEoa, ofClone]) {
      await client.submit(signed);
      await followIntent(client, signed.id, [], ["waiting_gas_price"]);
    }
    await lowerGasPrice(maxGasPrice);
    const finals = await Promise.all(
      [ofEoa, ofClone].map((signed) => followIntent(client, signed.id)),
    );
    for (const final of finals) expect(final.status, describeStatus(final)).to.equal("relayed");
    expect(finals[0].txHash).to.equal(finals[1].txHash);
    const transaction = (await world.provider.getTransaction(finals[0].txHash!))!;
    expect(transaction.to).to.equal(world.batcher);
    return transaction;
  }

  it("relays a delegated EOA's intent and a clone's intent in one batch", async function () {
    const eoa = freshEoa("batched");
    await delegateDirectly(eoa, world.implementation);
    // Both wait for the gas price, so they become ready in the same tick once it comes down.
    const maxGasPrice = await raiseGasPrice();
    const ofEoa = await sign(eoa, { calls: [pingCall(world, 14n)], maxGasPrice });
    await relayedInOneBatchWithClone(ofEoa, maxGasPrice, 15n);
  });

  it("relays an EOA's first intent with a clone's in one type-4 batch that carries the EOA's authorization", async function () {
    const eoa = freshEoa("first use batched");
    const maxGasPrice = await raiseGasPrice();
    const ofEoa = await sign(
      eoa,
      { calls: [pingCall(world, 16n)], maxGasPrice },
      await authorize(eoa),
    );
    const transaction = await relayedInOneBatchWithClone(ofEoa, maxGasPrice, 17n);
    expect(transaction.type).to.equal(4);
    expect(transaction.authorizationList?.map((auth) => auth.address)).to.deep.equal([
      world.implementation,
    ]);
    expect(await world.provider.getCode(eoa.address)).to.equal(
      getDelegationCode(world.implementation),
    );
  });

  /**
   * Submits the first intent of a fresh EOA with its authorization, made to wait for the gas
   * price; runs `meanwhile` while it waits, then brings the price down. Its final status and
   * the EOA.
   */
  async function firstIntentAfter(label: string, meanwhile: (eoa: Wallet) => Promise<void>) {
    const eoa = freshEoa(label);
    const maxGasPrice = await raiseGasPrice();
    salt += 1n;
    const signed = await sign(
      eoa,
      { calls: [pingCall(world, 100n + salt)], maxGasPrice },
      await authorize(eoa),
    );
    await client.submit(signed);
    await followIntent(client, signed.id, [], ["waiting_gas_price"]);
    await meanwhile(eoa);
    await lowerGasPrice(maxGasPrice);
    return { final: await followIntent(client, signed.id), eoa };
  }

  it("relays without its authorization a first intent whose EOA was delegated to the implementation before it was sent", async function () {
    const { final, eoa } = await firstIntentAfter("delegated meanwhile", (eoa) =>
      delegateDirectly(eoa, world.implementation),
    );

    expect(final.status, describeStatus(final)).to.equal("relayed");
    const transaction = (await world.provider.getTransaction(final.txHash!))!;
    expect(transaction.type).to.not.equal(4);
    expect(await world.provider.getCode(eoa.address)).to.equal(
      getDelegationCode(world.implementation),
    );
  });

  it("rejects, sending nothing, a first intent whose EOA was delegated elsewhere before it was sent", async function () {
    const { final } = await firstIntentAfter("elsewhere meanwhile", (eoa) =>
      delegateDirectly(eoa, world.targetAddress),
    );

    expect(final.status).to.equal("rejected");
    expect(final.txHash).to.equal(undefined);
    expect(final.reason?.code).to.equal("wallet_not_served");
    expect(final.reason?.message).to.match(/delegated elsewhere/);
  });

  it("rejects, sending nothing, a first intent whose EOA's nonce moved before it was sent", async function () {
    const { final, eoa } = await firstIntentAfter("nonce moved", async (eoa) => {
      await delegateDirectly(eoa, world.implementation);
      await delegateDirectly(eoa, ZeroAddress); // undelegated: no code again, at nonce 2
    });

    expect(await world.provider.getCode(eoa.address)).to.equal("0x");
    expect(final.status).to.equal("rejected");
    expect(final.txHash).to.equal(undefined);
    expect(final.reason?.code).to.equal("invalid_field");
    expect(final.reason?.details?.path).to.equal("authorization");
    expect(final.reason?.message).to.match(/nonce 0 is not the next nonce of EOA .* \(2\)/);
  });

  /** Raises the network's gas price; a `maxGasPrice` below it. */
  async function raiseGasPrice(): Promise<bigint> {
    await world.provider.send("hardhat_setNextBlockBaseFeePerGas", [
      `0x${(3n * GWEI).toString(16)}`,
    ]);
    await world.provider.send("evm_mine", []);
    return BigInt((await world.provider.send("eth_gasPrice", [])) as string) - GWEI;
  }

  /** Brings the network's gas price down to `maxGasPrice` or below. */
  async function lowerGasPrice(maxGasPrice: bigint): Promise<void> {
    for (
      let i = 0;
      BigInt((await world.provider.send("eth_gasPrice", [])) as string) > maxGasPrice;
      i++
    ) {
      expect(i, "the gas price did not come down").to.be.below(10);
      await world.provider.send("hardhat_setNextBlockBaseFeePerGas", [
        `0x${(10n ** 7n).toString(16)}`,
      ]);
      await world.provider.send("evm_mine", []);
    }
  }
});
