import { expect } from "chai";
import { Interface, Wallet, hexlify, id as keccakText, type Signer } from "ethers";
import { network } from "hardhat";
import { privateKeyToAccount } from "viem/accounts";

import {
  ContractRevertError,
  InvalidParameterError,
  WalletClient,
  addOwnerKeyCall,
  addressKey,
  browserPasskeyKeySigner,
  buildIntent,
  buildSessionGrant,
  combineKeySignatures,
  computeKeySetWalletAddress,
  erc1271KeySigner,
  getReplaySafeHash,
  installModuleCall,
  intentTypedData,
  keySignatureFromJson,
  keySignatureToJson,
  messageTypedData,
  readKeyVerifiers,
  readOwnerKeys,
  readSessionState,
  removeOwnerKeyCall,
  secp256k1KeySigner,
  SessionSigner,
  setOwnerKeysCall,
  setOwnerThresholdCall,
  signIntent,
  signIntentWithKeys,
  signMessageWithKeys,
  signSessionGrantWithKeys,
  signTypedDataWithKeys,
  type Call,
  type KeySigner,
  type OwnerKey,
  type SignedIntent,
  type WebAuthnCredentials,
  type WebAuthnRequestOptions,
} from "../../src/sdk/index.js";
import { rawP256Key, softwarePasskey } from "../helpers/keySigners.js";
import { rejectionOf } from "../helpers/rejection.js";
import { deployWalletWorld } from "../helpers/walletFixture.js";

/*
 * The SDK side of key sets, on the in-process network with real signatures: the counterfactual
 * address of a key-set wallet, its creation, intents signed by keys of every kind (ethers and
 * viem secp256k1 keys, a passkey, a raw P-256 key, a contract key), signatures collected on
 * several devices and combined, key management by intent, session grants and ERC-1271 messages
 * signed by keys.
 */

const { ethers, networkHelpers } = await network.create();

const pingInterface = new Interface(["function ping(uint256 x)"]);

describe("key sets through the SDK", function () {
  async function fixture() {
    const world = await deployWalletWorld(ethers);
    const verifiers = await readKeyVerifiers({
      wallet: world.walletAddress,
      runner: ethers.provider,
    });
    const [alice, bob, carol] = ["alice", "bob", "carol"].map(
      (name) => new Wallet(keccakText(`key set ${name}`)),
    );
    return {
      ...world,
      verifiers,
      alice,
      bob,
      carol,
      targetAddress: await world.target.getAddress(),
    };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** The `ping(x)` call on the world's target. */
  function ping(world: World, x: bigint): Call {
    return {
      to: world.targetAddress,
      value: 0n,
      data: pingInterface.encodeFunctionData("ping", [x]),
    };
  }

  /** An intent of `calls` whose window opens at the chain's latest block. */
  async function intentOf(calls: Call[]) {
    const block = await ethers.provider.getBlock("latest");
    return buildIntent({ calls, now: BigInt(block!.timestamp) });
  }

  /** A counterfactual client of the key-set wallet of `keys`, relayed through by the world's relayer. */
  function keySetWallet(world: World, keys: OwnerKey[], threshold: bigint, salt = 0n) {
    return WalletClient.counterfactualWithKeys({
      factory: world.factory.target as string,
      implementation: world.implementation.target as string,
      keys,
      threshold,
      salt,
      runner: world.relayer,
    });
  }

  /** Signs an intent of `calls` for `wallet` with `signers`, then relays it; returns the relay. */
  async function relayWithKeys(
    world: World,
    wallet: WalletClient,
    signers: KeySigner[],
    calls: Call[],
  ) {
    const signed = await signIntentWithKeys({
      signers,
      intent: await intentOf(calls),
      wallet: wallet.address,
      chainId: world.chainId,
      epoch: await wallet.epoch(),
    });
    return wallet.relay(signed);
  }

  /** The wallet's key set as the chain has it. */
  async function keysOf(wallet: string) {
    const { keys, threshold } = await readOwnerKeys({ wallet, runner: ethers.provider });
    return { keys, threshold };
  }

  describe("computeKeySetWalletAddress", function () {
    it("equals the factory's walletWithKeysAddress for random key sets, thresholds and salts", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      for (let i = 0; i < 40; i += 1) {
        const draw = (tag: string) => BigInt(keccakText(`key set address ${i} ${tag}`));
        const size = Number(draw("size") % 6n) + 1;
        const keys = Array.from({ length: size }, (_, k) =>
          draw(`kind ${k}`) % 3n === 0n
            ? softwarePasskey(world.verifiers).key
            : addressKey(Wallet.createRandom().address),
        );
        const threshold = (draw("threshold") % BigInt(size)) + 1n;
        const salt = i % 4 === 0 ? 2n ** 256n - 1n : draw("salt") % 2n ** BigInt(8 * (i % 33));
        const parameters = {
          factory: world.factory.target as string,
          implementation: world.implementation.target as string,
          keys,
          threshold,
          salt,
        };
        expect(computeKeySetWalletAddress(parameters), `set ${i}`).to.equal(
          await world.factory.walletWithKeysAddress(keys, threshold, salt),
        );
      }
    });

    it("differs with the keys' order, the threshold and the salt, and from the one-owner address", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const keys = [addressKey(world.alice.address), addressKey(world.bob.address)];
      const base = {
        factory: world.factory.target as string,
        implementation: world.implementation.target as string,
        keys,
        threshold: 1n,
        salt: 0n,
      };
      const addresses = new Set([
        computeKeySetWalletAddress(base),
        computeKeySetWalletAddress({ ...base, keys: [...keys].reverse() }),
        computeKeySetWalletAddress({ ...base, threshold: 2n }),
        computeKeySetWalletAddress({ ...base, salt: 1n }),
        await world.factory.walletAddress(world.alice.address, 0n),
      ]);
      expect(addresses.size).to.equal(5);
    });
  });

  describe("a wallet created with keys", function () {
    it("is deployed by its first relay at the computed address, and 2 of its 3 ethers keys sign for it", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const keys = [world.alice, world.bob, world.carol].map((key) => addressKey(key.address));
      const wallet = keySetWallet(world, keys, 2n);
      expect(await wallet.isDeployed()).to.equal(false);
      expect(await wallet.owner()).to.equal(ethers.ZeroAddress);
      expect(await wallet.ownerKeys()).to.deep.equal({ keys, threshold: 2n });

      const { success, deployed } = await relayWithKeys(
        world,
        wallet,
        [secp256k1KeySigner(world.carol), secp256k1KeySigner(world.alice)],
        [ping(world, 7n)],
      );

      expect({ success, deployed }).to.deep.equal({ success: true, deployed: true });
      expect(await world.target.pings()).to.equal(1n);
      expect(await keysOf(wallet.address)).to.deep.equal({ keys, threshold: 2n });
      expect(await wallet.owner()).to.equal(ethers.ZeroAddress);
    });

    it("is deployed by deploy(), after which one key alone is below the threshold on chain", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const keys = [world.alice, world.bob, world.carol].map((key) => addressKey(key.address));
      const wallet = keySetWallet(world, keys, 2n, 9n);

      const { alreadyDeployed } = await wallet.deploy();
      const again = await wallet.deploy();

      expect([alreadyDeployed, again.alreadyDeployed]).to.deep.equal([false, true]);
      const signed = await signIntentWithKeys({
        signers: [secp256k1KeySigner(world.bob)],
        intent: await intentOf([ping(world, 1n)]),
        wallet: wallet.address,
        chainId: world.chainId,
      });
      const error = await rejectionOf(wallet.relay(signed));
      expect(error).to.be.instanceOf(ContractRevertError);
      expect((error as ContractRevertError).errorName).to.equal("IntentBelowThreshold");
      expect((error as ContractRevertError).args).to.deep.equal([signed.id, 1n, 2n]);
    });

    it("takes keys of every kind: a viem account, a passkey and a raw P-256 key, all three required", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const viemAccount = privateKeyToAccount(keccakText("key set viem") as `0x${string}`);
      const passkey = softwarePasskey(world.verifiers);
      const raw = rawP256Key(world.verifiers);
      const keys = [addressKey(viemAccount.address), passkey.key, raw.key];
      const wallet = keySetWallet(world, keys, 3n);

      const { success } = await relayWithKeys(
        world,
        wallet,
        [raw.signer, secp256k1KeySigner(viemAccount), passkey.signer],
        [ping(world, 3n)],
      );

      expect(success).to.equal(true);
      const { described, verifiers } = await readOwnerKeys({
        wallet: wallet.address,
        runner: ethers.provider,
      });
      expect(verifiers).to.deep.equal(world.verifiers);
      expect(described.map((key) => key.kind)).to.deep.equal(["address", "webAuthn", "p256"]);
      expect(described[1]).to.deep.include({ publicKey: passkey.passkey.publicKey });
    });

    it("takes a contract key: another IntentWallet, whose owner signs the digest as a message to it", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const vault = world.walletAddress;
      const contractKey = erc1271KeySigner({
        key: addressKey(vault),
        sign: ({ digest }) => {
          const { domain, types, message } = messageTypedData({
            hash: digest,
            wallet: vault,
            chainId: world.chainId,
          });
          return world.owner.signTypedData(domain, types, message);
        },
      });
      const wallet = keySetWallet(world, [addressKey(vault), addressKey(world.alice.address)], 1n);

      const { success } = await relayWithKeys(world, wallet, [contractKey], [ping(world, 5n)]);

      expect(success).to.equal(true);
    });

    it("asks the browser's credentials for the passkey's assertion with the digest as challenge, user verification required", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const passkey = softwarePasskey(world.verifiers);
      const asked: WebAuthnRequestOptions[] = [];
      const credentials: WebAuthnCredentials = {
        get: async ({ publicKey }) => {
          asked.push(publicKey);
          const response = passkey.passkey.assert(hexlify(publicKey.challenge));
          return { type: "public-key", response };
        },
      };
      const signer = browserPasskeyKeySigner({
        key: passkey.key,
        credentialId: "0xc0ffee",
        rpId: "intentwallet.test",
        credentials,
      });
      const wallet = keySetWallet(world, [passkey.key], 1n);
      const signed = await signIntentWithKeys({
        signers: [signer],
        intent: await intentOf([ping(world, 2n)]),
        wallet: wallet.address,
        chainId: world.chainId,
      });

      expect((await wallet.relay(signed)).success).to.equal(true);
      expect(asked).to.have.length(1);
      expect(hexlify(asked[0]!.challenge)).to.equal(signed.id);
      expect(asked[0]).to.deep.include({ rpId: "intentwallet.test", userVerification: "required" });
      expect(asked[0]!.allowCredentials.map(({ type, id }) => [type, hexlify(id)])).to.deep.equal([
        ["public-key", "0xc0ffee"],
      ]);
    });
  });

  describe("signatures collected on several devices", function () {
    it("are combined from their JSON into a relay signature the wallet accepts", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const passkey = softwarePasskey(world.verifiers);
      const keys = [addressKey(world.alice.address), addressKey(world.bob.address), passkey.key];
      const wallet = keySetWallet(world, keys, 2n);
      await wallet.deploy();
      const intent = await intentOf([ping(world, 11n)]);
      const request = intentTypedData({ intent, wallet: wallet.address, chainId: world.chainId });

      // Each device signs alone and sends its signature as JSON text.
      const sent: string[] = [];
      for (const device of [secp256k1KeySigner(world.bob), passkey.signer]) {
        const { signatures } = await signTypedDataWithKeys({ signers: [device], request });
        sent.push(JSON.stringify(keySignatureToJson(signatures[0]!)));
      }
      const unsigned = await signIntentWithKeys({
        signers: [secp256k1KeySigner(world.alice)],
        intent,
        wallet: wallet.address,
        chainId: world.chainId,
      });
      const signature = combineKeySignatures({
        id: unsigned.id,
        signatures: sent.map((text) => keySignatureFromJson(text)),
        keySet: await keysOf(wallet.address),
      });

      const { success } = await wallet.relay({ ...unsigned, signature });

      expect(success).to.equal(true);
    });

    it("refuse, before anything is sent, a key that signed twice (also as a secp256k1 and a keyed entry)", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const intent = await intentOf([ping(world, 1n)]);
      const request = intentTypedData({
        intent,
        wallet: world.walletAddress,
        chainId: world.chainId,
      });
      const { digest, signatures } = await signTypedDataWithKeys({
        signers: [secp256k1KeySigner(world.alice), secp256k1KeySigner(world.alice)],
        request,
      });
      const keyed = {
        key: addressKey(world.alice.address),
        signature: (signatures[0] as { secp256k1: string }).secp256k1,
      };

      for (const twice of [signatures, [signatures[0]!, keyed]]) {
        expect(() => combineKeySignatures({ id: digest, signatures: twice }))
          .to.throw(InvalidParameterError, /signatures\[1\] and signatures\[0\] are both by key/)
          .with.property("parameter", "signatures[1]");
      }
      const error = await rejectionOf(
        signIntentWithKeys({
          signers: [secp256k1KeySigner(world.alice), secp256k1KeySigner(world.alice)],
          intent,
          wallet: world.walletAddress,
          chainId: world.chainId,
        }),
      );
      expect(error).to.be.instanceOf(InvalidParameterError);
      expect((error as Error).message).to.match(/both by key/);
    });

    it("refuse a key outside the known key set, and fewer signatures than its threshold", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const intent = await intentOf([ping(world, 1n)]);
      const keySet = {
        keys: [addressKey(world.alice.address), addressKey(world.bob.address)],
        threshold: 2n,
      };
      const sign = (signers: Signer[]) =>
        signIntentWithKeys({
          signers: signers.map((signer) => secp256k1KeySigner(signer)),
          keySet,
          intent,
          wallet: world.walletAddress,
          chainId: world.chainId,
        });

      const outsider = await rejectionOf(sign([world.alice, world.carol]));
      const tooFew = await rejectionOf(sign([world.bob]));

      expect(outsider).to.be.instanceOf(InvalidParameterError);
      expect((outsider as Error).message).to.match(
        /signatures\[1\] is by key 0x[0-9a-f]{40}, which is not in the wallet's key set/,
      );
      expect(tooFew).to.be.instanceOf(InvalidParameterError);
      expect((tooFew as Error).message).to.match(
        /1 keys signed, fewer than the wallet's threshold of 2/,
      );
    });
  });

  describe("key management by intent", function () {
    it("turns a one-owner wallet into a key set, raises its threshold, removes and replaces keys, each signed as the wallet then requires", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const wallet = WalletClient.at(world.walletAddress, world.relayer);
      const owner = addressKey(world.owner.address);
      const passkey = softwarePasskey(world.verifiers);
      const alice = addressKey(world.alice.address);
      const address = world.walletAddress;

      // The one owner adds a passkey: the set {owner, passkey}, threshold 1.
      const add = await signIntent({
        signer: world.owner,
        intent: await intentOf([addOwnerKeyCall({ wallet: address, key: passkey.key })]),
        wallet: address,
        chainId: world.chainId,
      });
      await wallet.relay(add);
      expect(await keysOf(address)).to.deep.equal({ keys: [owner, passkey.key], threshold: 1n });

      // The passkey alone adds alice and raises the threshold to 2.
      await relayWithKeys(
        world,
        wallet,
        [passkey.signer],
        [
          addOwnerKeyCall({ wallet: address, key: alice }),
          setOwnerThresholdCall({ wallet: address, threshold: 2n }),
        ],
      );
      expect(await keysOf(address)).to.deep.equal({
        keys: [owner, passkey.key, alice],
        threshold: 2n,
      });

      // Two keys remove the owner's key.
      await relayWithKeys(
        world,
        wallet,
        [secp256k1KeySigner(world.alice), passkey.signer],
        [removeOwnerKeyCall({ wallet: address, key: owner })],
      );
      expect(await keysOf(address)).to.deep.equal({ keys: [alice, passkey.key], threshold: 2n });

      // Two keys hand the wallet to a new set: bob and carol, 1 of 2.
      const next = [addressKey(world.bob.address), addressKey(world.carol.address)];
      await relayWithKeys(
        world,
        wallet,
        [passkey.signer, secp256k1KeySigner(world.alice)],
        [setOwnerKeysCall({ wallet: address, keys: next, threshold: 1n })],
      );
      expect(await keysOf(address)).to.deep.equal({ keys: next, threshold: 1n });
      const { success } = await relayWithKeys(
        world,
        wallet,
        [secp256k1KeySigner(world.carol)],
        [ping(world, 4n)],
      );
      expect(success).to.equal(true);
    });
  });

  describe("signing with keys beyond intents", function () {
    it("signs a session grant that registers through the session key's first, carried, intent", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const module = await ethers.deployContract("SessionKeyModule");
      const moduleAddress = await module.getAddress();
      const passkey = softwarePasskey(world.verifiers);
      const keys = [addressKey(world.alice.address), passkey.key];
      const wallet = keySetWallet(world, keys, 2n);
      const signers = [secp256k1KeySigner(world.alice), passkey.signer];
      await relayWithKeys(world, wallet, signers, [
        installModuleCall({ wallet: wallet.address, module: moduleAddress }),
      ]);

      const sessionKey = new Wallet(keccakText("key set session key"));
      const block = await ethers.provider.getBlock("latest");
      const grant = buildSessionGrant({
        wallet: wallet.address,
        app: "ping.example.com",
        sessionKey: sessionKey.address,
        permissions: [{ target: world.targetAddress, functionSignature: "ping(uint256)" }],
        validUntil: BigInt(block!.timestamp) + 3600n,
      });
      const signedGrant = await signSessionGrantWithKeys({
        signers,
        keySet: { keys, threshold: 2n },
        grant,
        module: moduleAddress,
        chainId: world.chainId,
      });
      const session = new SessionSigner({ sessionKey, signedGrant });
      const first: SignedIntent = await session.signIntent(await intentOf([ping(world, 8n)]));

      const { success } = await wallet.relay(first);

      expect(success).to.equal(true);
      expect(
        await readSessionState({ module: moduleAddress, grant, runner: ethers.provider }),
      ).to.equal("active");
      expect(signedGrant.ownerSignature.slice(0, 4)).to.not.equal("0x02"); // entries, no kind byte
    });

    it("signs an ERC-1271 message: isValidSignature accepts the keys' entries over the replay-safe hash", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      const raw = rawP256Key(world.verifiers);
      const keys = [addressKey(world.bob.address), raw.key];
      const wallet = keySetWallet(world, keys, 2n);
      await wallet.deploy();
      const hash = keccakText("an order the wallet signs");

      const { replaySafeHash, signature } = await signMessageWithKeys({
        signers: [raw.signer, secp256k1KeySigner(world.bob)],
        hash,
        wallet: wallet.address,
        chainId: world.chainId,
      });

      expect(replaySafeHash).to.equal(await wallet.contract.replaySafeHash(hash));
      expect(getReplaySafeHash({ hash, wallet: wallet.address, chainId: world.chainId })).to.equal(
        replaySafeHash,
      );
      expect(await wallet.contract.isValidSignature(hash, signature)).to.equal("0x1626ba7e");
      const one = await signMessageWithKeys({
        signers: [raw.signer],
        hash,
        wallet: wallet.address,
        chainId: world.chainId,
      });
      expect(await wallet.contract.isValidSignature(hash, one.signature)).to.equal("0xffffffff");
    });
  });
});
