import { expect } from "chai";
import { dataSlice, id, Wallet } from "ethers";

import {
  addressKey,
  buildIntent,
  computeKeySetWalletAddress,
  encodeWebAuthnSignature,
  getIntentId,
  RelayerClient,
  RelayerError,
  signIntent,
  toKeySetSignature,
  webAuthnKey,
  type BuildIntentParameters,
  type KeySetWalletCreation,
  type KeySignature,
  type KeyVerifiers,
  type OwnerKey,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import { SoftwarePasskey } from "../helpers/passkey.js";
import {
  latestTimestamp,
  nodeAccount,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import { relayerFollowed } from "../helpers/relayerFollowed.js";
import {
  describeStatus,
  startRelayerProcess,
  type RelayerProcess,
} from "../helpers/relayerProcess.js";

/*
 * Intents signed by a wallet's key set (`0x02 ‖ entries`): the relayer asks the node (the
 * simulated relay, or the key set checked ahead for a scheduled intent) and refuses what the
 * wallet would refuse, naming the wallet's error; a wallet that moved from one owner to a key
 * set is no longer judged by its old owner; a key-set wallet is created with its first intent.
 */
describe("Relayer accepts intents signed by key sets, on a real hardhat node", function () {
  this.timeout(180_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;
  let factory: string;
  let verifiers: KeyVerifiers;
  const alice = new Wallet(id("key set alice"));
  const bob = new Wallet(id("key set bob"));
  const carol = new Wallet(id("key set carol"));
  const stranger = new Wallet(id("key set stranger"));
  const passkey = new SoftwarePasskey();
  let passkeyKey: OwnerKey;
  /** A deployed wallet of alice, bob and carol, two of whom must sign. */
  let twoOfThree: string;
  /** A deployed wallet of the passkey alone. */
  let passkeyWallet: string;

  before(async function () {
    world = await startNodeWorld(1);
    factory = await world.factory.getAddress();
    const implementation = IntentWallet__factory.connect(world.implementation, world.provider);
    const [p256, webAuthn] = await implementation.passkeyVerifiers();
    verifiers = { p256, webAuthn };
    passkeyKey = webAuthnKey({ verifiers, publicKey: passkey.publicKey });
    twoOfThree = await createKeySetWallet([alice, bob, carol].map(keyOf), 2n);
    passkeyWallet = await createKeySetWallet([passkeyKey], 1n);
    relayer = await startRelayerProcess(
      relayerEnvFor(world, { RELAYER_FACTORY: factory, RELAYER_BATCHER: world.batcher }),
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

  function keyOf(signer: Wallet): OwnerKey {
    return addressKey(signer.address);
  }

  /** Deploys the wallet of (`keys`, `threshold`) through the factory; its address, checked against the SDK's. */
  async function createKeySetWallet(keys: OwnerKey[], threshold: bigint): Promise<string> {
    const deployer = world.factory.connect(nodeAccount(0, world.provider));
    await (await deployer.deployWalletWithKeys(keys, threshold, 0n)).wait();
    const address = computeKeySetWalletAddress({
      factory: await world.factory.getAddress(),
      implementation: world.implementation,
      keys,
      threshold,
      salt: 0n,
    });
    expect(await world.factory.walletWithKeysAddress(keys, threshold, 0n)).to.equal(address);
    return address;
  }

  /** A ping intent of `wallet` on the node's time, signed by `sign` given its ID, carrying `create` if given. */
  async function keySetIntent(
    wallet: string,
    x: bigint,
    sign: (id: string) => KeySignature[],
    options: { create?: KeySetWalletCreation; parameters?: Partial<BuildIntentParameters> } = {},
  ): Promise<SignedIntent> {
    const now = await latestTimestamp(world);
    const intent = buildIntent({ calls: [pingCall(world, x)], now, ...options.parameters });
    const intentId = getIntentId({ intent, wallet, chainId: world.chainId });
    const signature = toKeySetSignature(sign(intentId));
    const signed: SignedIntent = {
      intent,
      wallet,
      chainId: world.chainId,
      id: intentId,
      signature,
    };
    return options.create === undefined ? signed : { ...signed, create: options.create };
  }

  /** The secp256k1 entry of `signer`'s signature of `intentId`. */
  function ecdsa(signer: Wallet, intentId: string): KeySignature {
    return { secp256k1: signer.signingKey.sign(intentId).serialized };
  }

  /** The passkey's entry: its WebAuthn assertion of `intentId` (or of what `challenge` says). */
  function webAuthn(intentId: string, challenge?: string): KeySignature {
    return {
      key: passkeyKey,
      signature: encodeWebAuthnSignature(passkey.assert(intentId, { challenge })),
    };
  }

  /** Submits `signed` and waits for it to be relayed; its final status. */
  async function relayed(signed: SignedIntent) {
    await client.submit(signed);
    const final = await client.waitFor(signed.id, { timeoutMs: 30_000, intervalMs: 50 });
    expect(final.status, describeStatus(final)).to.equal("relayed");
    return final;
  }

  /** Submits `signed`, expecting a refusal; checks nothing was stored and returns the refusal. */
  async function refused(signed: SignedIntent): Promise<RelayerError> {
    const error = await client.submit(signed).then(
      () => expect.fail(`intent ${signed.id} was accepted`),
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(RelayerError);
    const stored = await client.status(signed.id).catch((thrown: RelayerError) => thrown);
    expect((stored as RelayerError).status, `intent ${signed.id} was stored`).to.equal(404);
    return error as RelayerError;
  }

  /** Expects `400 invalid_signature` whose message names the wallet's error `named`, with its arguments. */
  async function expectRefusedWith(signed: SignedIntent, named: string) {
    const error = await refused(signed);
    expect([error.status, error.code], error.shortMessage).to.deep.equal([
      400,
      "invalid_signature",
    ]);
    expect(error.shortMessage).to.include(named);
  }

  describe("relaying", function () {
    it("relays an intent signed by two keys of a 2-of-3 key set", async function () {
      const signed = await keySetIntent(twoOfThree, 1n, (intentId) => [
        ecdsa(carol, intentId),
        ecdsa(alice, intentId),
      ]);

      const final = await relayed(signed);

      expect(final.wallet).to.equal(twoOfThree);
    });

    it("relays an intent signed by a passkey, its WebAuthn assertion verified by the key's verifier", async function () {
      const signed = await keySetIntent(passkeyWallet, 2n, (intentId) => [webAuthn(intentId)]);

      await relayed(signed);
    });

    it("accepts as scheduled a key-set intent whose validAfter is to come, its entries checked ahead", async function () {
      const validAfter = (await latestTimestamp(world)) + 3_600n;
      const signed = await keySetIntent(passkeyWallet, 3n, (intentId) => [webAuthn(intentId)], {
        parameters: { validAfter },
      });

      expect((await client.submit(signed)).status).to.equal("scheduled");
    });
  });

  describe("refusals, each naming the wallet's error and storing nothing", function () {
    it("refuses 400 an intent signed by fewer keys than the threshold: IntentBelowThreshold", async function () {
      const signed = await keySetIntent(twoOfThree, 10n, (intentId) => [ecdsa(bob, intentId)]);

      await expectRefusedWith(
        signed,
        `IntentBelowThreshold(id=${signed.id}, signatures=1, threshold=2)`,
      );
    });

    it("refuses 400 an intent signed by a key outside the set: IntentKeyNotInSet, naming the key", async function () {
      const signed = await keySetIntent(twoOfThree, 11n, (intentId) => [
        ecdsa(alice, intentId),
        ecdsa(stranger, intentId),
      ]);

      await expectRefusedWith(signed, `IntentKeyNotInSet(id=${signed.id}, key=${keyOf(stranger)})`);
    });

    it("refuses 400 an intent signed twice by one key: IntentKeyRepeated", async function () {
      const signed = await keySetIntent(twoOfThree, 12n, (intentId) => [
        ecdsa(bob, intentId),
        ecdsa(bob, intentId),
      ]);

      await expectRefusedWith(signed, `IntentKeyRepeated(id=${signed.id}, key=${keyOf(bob)})`);
    });

    it("refuses 400 a passkey assertion of another challenge: IntentKeySignatureInvalid, naming the passkey", async function () {
      const signed = await keySetIntent(passkeyWallet, 13n, (intentId) => [
        webAuthn(intentId, id("another challenge")),
      ]);

      await expectRefusedWith(
        signed,
        `IntentKeySignatureInvalid(id=${signed.id}, key=${passkeyKey})`,
      );
    });

    it("refuses 400 a scheduled intent below the threshold, checked ahead of its validAfter", async function () {
      const validAfter = (await latestTimestamp(world)) + 3_600n;
      const signed = await keySetIntent(twoOfThree, 14n, (intentId) => [ecdsa(alice, intentId)], {
        parameters: { validAfter },
      });

      await expectRefusedWith(
        signed,
        `IntentBelowThreshold(id=${signed.id}, signatures=1, threshold=2)`,
      );
    });

    it("refuses 400 a key-set signature for a wallet of one owner: IntentInvalidSignature", async function () {
      const signed = await keySetIntent(world.wallets[0], 15n, (intentId) => [
        ecdsa(world.owners[0], intentId),
      ]);

      await expectRefusedWith(signed, `IntentInvalidSignature(id=${signed.id})`);
    });
  });

  describe("a wallet that moves from one owner to a key set", function () {
    it("no longer takes its old owner's signature (kind 0x00), and takes the key set's", async function () {
      const wallet = world.wallets[0];
      const owner = world.owners[0];
      const walletInterface = IntentWallet__factory.createInterface();
      const addKey = {
        to: wallet,
        data: walletInterface.encodeFunctionData("enrollSigner", [passkeyKey]),
      };
      const now = await latestTimestamp(world);
      const move = await signIntent({
        signer: owner,
        intent: buildIntent({ calls: [addKey], now }),
        wallet,
        chainId: world.chainId,
      });
      await relayed(move);
      await relayerFollowed(relayer.url, world.provider);

      const byOldOwner = await signIntent({
        signer: owner,
        intent: buildIntent({ calls: [pingCall(world, 20n)], now }),
        wallet,
        chainId: world.chainId,
      });
      await expectRefusedWith(byOldOwner, `IntentInvalidSignature(id=${byOldOwner.id})`);

      const byKeySet = await keySetIntent(wallet, 21n, (intentId) => [webAuthn(intentId)]);
      await relayed(byKeySet);
    });
  });

  describe("a key-set wallet created with its first intent", function () {
    /** The counterfactual wallet of (`keys`, `threshold`, `salt`) and its `create`. */
    function counterfactual(keys: OwnerKey[], threshold: bigint, salt: bigint) {
      const { implementation } = world;
      const address = computeKeySetWalletAddress({
        factory,
        implementation,
        keys,
        threshold,
        salt,
      });
      const create: KeySetWalletCreation = { factory, keys, threshold, salt };
      return { address, create };
    }

    it("deploys a wallet holding no ETH through launchWalletWithKeysAndRelay and reports it relayed", async function () {
      const keys = [keyOf(alice), passkeyKey];
      const { address, create } = counterfactual(keys, 1n, 7n);
      const signed = await keySetIntent(address, 30n, (intentId) => [webAuthn(intentId)], {
        create,
      });

      expect((await client.submit(signed)).status).to.equal("queued");
      const final = await relayed(signed);

      const transaction = (await world.provider.getTransaction(final.txHash!))!;
      expect(transaction.to).to.equal(factory);
      const selector = world.factory.interface.getFunction("launchWalletWithKeysAndRelay").selector;
      expect(dataSlice(transaction.data, 0, 4)).to.equal(selector);
      expect(await world.provider.getBalance(address)).to.equal(0n);
      const [onChainKeys, threshold] = await IntentWallet__factory.connect(
        address,
        world.provider,
      ).listKeys();
      expect([...onChainKeys].sort()).to.deep.equal([...keys].sort());
      expect(threshold).to.equal(1n);
      expect((await client.status(signed.id)).status).to.equal("relayed");
    });

    it("refuses 400 at create a key set whose threshold is above its number of keys", async function () {
      // The SDK refuses to compute this address; the factory answers it all the same.
      const keys = [keyOf(alice)];
      const address = await world.factory.walletWithKeysAddress(keys, 2n, 8n);
      const create: KeySetWalletCreation = { factory, keys, threshold: 2n, salt: 8n };
      const signed = await keySetIntent(address, 31n, (intentId) => [ecdsa(alice, intentId)], {
        create,
      });

      const error = await refused(signed);

      expect([error.status, error.code]).to.deep.equal([400, "invalid_field"]);
      expect(error.errorDetails?.path).to.equal("create");
      expect(error.errorDetails?.reason).to.match(/^threshold 2 is above the number of keys \(1\)/);
    });

    it("refuses 400 at create a key set the wallet can't take (a passkey off the curve), as the simulated creation says", async function () {
      const offCurve = webAuthnKey({ verifiers, publicKey: { x: 1n, y: 1n } });
      const { address, create } = counterfactual([keyOf(alice), offCurve], 1n, 9n);
      const signed = await keySetIntent(address, 32n, (intentId) => [ecdsa(alice, intentId)], {
        create,
      });

      const error = await refused(signed);

      expect([error.status, error.code]).to.deep.equal([400, "invalid_field"]);
      expect(error.errorDetails?.path).to.equal("create");
      expect(error.errorDetails?.reason).to.equal(`WalletInvalidKey(key=${offCurve})`);
      expect(await world.provider.getCode(address)).to.equal("0x");
    });

    it("refuses 400 an intent of a key-set wallet to create that its keys did not sign enough", async function () {
      const { address, create } = counterfactual([keyOf(alice), keyOf(bob)], 2n, 10n);
      const signed = await keySetIntent(address, 33n, (intentId) => [ecdsa(alice, intentId)], {
        create,
      });

      await expectRefusedWith(
        signed,
        `IntentBelowThreshold(id=${signed.id}, signatures=1, threshold=2)`,
      );
      expect(await world.provider.getCode(address)).to.equal("0x");
    });
  });
});
