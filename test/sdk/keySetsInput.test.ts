import { expect } from "chai";
import { Wallet, ZeroAddress, concat, getAddress, id as keccakText, toBeHex } from "ethers";

import {
  InvalidParameterError,
  WalletClient,
  addOwnerKeyCall,
  addressKey,
  browserPasskeyKeySigner,
  checkKeySet,
  combineKeySignatures,
  computeKeySetWalletAddress,
  encodeP256Signature,
  erc1271KeySigner,
  getKeySetHash,
  intentTypedData,
  buildIntent,
  keySignatureFromJson,
  keySignatureToJson,
  p256Key,
  p256KeySigner,
  passkeyKeySigner,
  readWebAuthnChallenge,
  removeOwnerKeyCall,
  secp256k1KeySigner,
  setOwnerKeysCall,
  setOwnerThresholdCall,
  signIntentWithKeys,
  signMessageWithKeys,
  signSessionGrantWithKeys,
  buildSessionGrant,
  P256_ORDER,
  type KeySigner,
  type KeySigningRequest,
  type TypedDataSigner,
  type WebAuthnCredentials,
} from "../../src/sdk/index.js";
import { SoftwarePasskey } from "../helpers/passkey.js";
import { rejectionOf } from "../helpers/rejection.js";

/*
 * Every key-set function of the SDK refuses bad input with an `InvalidParameterError` naming the
 * parameter at fault, before anything is signed or sent. No chain needed.
 */

const FACTORY = getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const IMPLEMENTATION = getAddress("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
const WALLET = getAddress("0x8464135c8F25Da09e49BC8782676a84730C318bC");
const VERIFIERS = {
  p256: getAddress("0x0000000000000000000000000000000000007256"),
  webAuthn: getAddress("0x0000000000000000000000000000000000000a11"),
};
const ALICE = new Wallet(keccakText("input alice"));
const BOB = new Wallet(keccakText("input bob"));
const PASSKEY = new SoftwarePasskey();
const PASSKEY_KEY = p256Key({ verifiers: VERIFIERS, publicKey: PASSKEY.publicKey });
const CHAIN_ID = 31337n;
const INTENT = buildIntent({ calls: [{ to: WALLET }], now: 1_700_000_000n });
const REQUEST: KeySigningRequest = {
  request: intentTypedData({ intent: INTENT, wallet: WALLET, chainId: CHAIN_ID }),
  digest: keccakText("a digest"),
};

/** Asserts `run` throws an `InvalidParameterError` on `parameter` whose message matches `message`. */
function expectRefusal(run: () => unknown, parameter: string, message?: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expectInvalid(thrown, parameter, message);
}

/** Asserts `promise` rejects with an `InvalidParameterError` on `parameter`. */
async function expectRejection(promise: Promise<unknown>, parameter: string, message?: RegExp) {
  expectInvalid(await rejectionOf(promise), parameter, message);
}

function expectInvalid(error: unknown, parameter: string, message?: RegExp): void {
  expect(error).to.be.instanceOf(InvalidParameterError);
  expect((error as InvalidParameterError).parameter).to.equal(parameter);
  if (message !== undefined) expect((error as Error).message).to.match(message);
}

describe("key sets through the SDK: bad input", function () {
  const keys = [addressKey(ALICE.address), addressKey(BOB.address)];

  describe("checkKeySet, getKeySetHash, computeKeySetWalletAddress, setOwnerKeysCall and counterfactualWithKeys", function () {
    const cases: {
      name: string;
      keys: unknown;
      threshold: unknown;
      parameter: string;
      message: RegExp;
    }[] = [
      {
        name: "no keys",
        keys: [],
        threshold: 1n,
        parameter: "keys",
        message: /1 to 32 keys, not 0/,
      },
      {
        name: "33 keys",
        keys: Array.from({ length: 33 }, () => addressKey(Wallet.createRandom().address)),
        threshold: 1n,
        parameter: "keys",
        message: /not 33/,
      },
      {
        name: "a key of 19 bytes",
        keys: [keys[0], "0x" + "11".repeat(19)],
        threshold: 1n,
        parameter: "keys[1]",
        message: /not a key/,
      },
      {
        name: "a key that is not hex",
        keys: ["alice"],
        threshold: 1n,
        parameter: "keys[0]",
        message: /not a key/,
      },
      {
        name: "a key over 1,044 bytes",
        keys: [concat([VERIFIERS.p256, "0x" + "11".repeat(1025)])],
        threshold: 1n,
        parameter: "keys[0]",
        message: /more than the 1044/,
      },
      {
        name: "a key twice (in other cases)",
        keys: [keys[0], keys[0]!.toUpperCase().replace("0X", "0x")],
        threshold: 1n,
        parameter: "keys[1]",
        message: /twice/,
      },
      {
        name: "threshold 0",
        keys,
        threshold: 0n,
        parameter: "threshold",
        message: /from 1 to the 2 keys/,
      },
      {
        name: "a threshold above the keys",
        keys,
        threshold: 3n,
        parameter: "threshold",
        message: /from 1 to the 2 keys/,
      },
      {
        name: "a threshold as a number",
        keys,
        threshold: 1,
        parameter: "threshold",
        message: /not a bigint/,
      },
    ];
    for (const bad of cases) {
      it(`refuses ${bad.name}`, function () {
        const set = { keys: bad.keys as string[], threshold: bad.threshold as bigint };
        const deployment = { factory: FACTORY, implementation: IMPLEMENTATION, salt: 0n, ...set };
        expectRefusal(() => checkKeySet(set), bad.parameter, bad.message);
        expectRefusal(() => getKeySetHash(set), bad.parameter, bad.message);
        expectRefusal(() => computeKeySetWalletAddress(deployment), bad.parameter, bad.message);
        expectRefusal(
          () => setOwnerKeysCall({ wallet: WALLET, ...set }),
          bad.parameter,
          bad.message,
        );
        expectRefusal(
          () => WalletClient.counterfactualWithKeys({ ...deployment, runner: ALICE }),
          bad.parameter,
          bad.message,
        );
      });
    }

    it("refuses a salt outside uint256", function () {
      for (const salt of [-1n, 2n ** 256n]) {
        expectRefusal(
          () =>
            computeKeySetWalletAddress({
              factory: FACTORY,
              implementation: IMPLEMENTATION,
              keys,
              threshold: 1n,
              salt,
            }),
          "salt",
          /not a uint256/,
        );
      }
    });
  });

  describe("addOwnerKeyCall, removeOwnerKeyCall and setOwnerThresholdCall", function () {
    it("refuse a key that is not hex of 20 to 1,044 bytes", function () {
      for (const key of ["0x1234", "not hex", concat([VERIFIERS.p256, "0x" + "00".repeat(1025)])]) {
        expectRefusal(() => addOwnerKeyCall({ wallet: WALLET, key }), "key");
        expectRefusal(() => removeOwnerKeyCall({ wallet: WALLET, key }), "key");
      }
    });

    it("refuse a threshold outside 1 to 32", function () {
      for (const threshold of [0n, 33n, 2 as unknown as bigint]) {
        expectRefusal(
          () => setOwnerThresholdCall({ wallet: WALLET, threshold }),
          "threshold",
          /from 1 to 32/,
        );
      }
    });
  });

  describe("the key signers", function () {
    it("secp256k1KeySigner refuses what is no signer, and an answer that is not 65 bytes", async function () {
      expectRefusal(() => secp256k1KeySigner({} as unknown as TypedDataSigner), "signer");
      const contractAccount: TypedDataSigner = {
        signTypedData: async () => "0x" + "11".repeat(66),
      };
      await expectRejection(
        secp256k1KeySigner(contractAccount).sign(REQUEST),
        "signer",
        /erc1271KeySigner/,
      );
    });

    it("passkeyKeySigner refuses a key that is no P-256 key, a missing getAssertion, and an assertion of another challenge", async function () {
      const getAssertion = async () => PASSKEY.assert(keccakText("another digest"));
      expectRefusal(
        () => passkeyKeySigner({ key: addressKey(ALICE.address), getAssertion }),
        "key",
        /not a P-256 key/,
      );
      expectRefusal(
        () => passkeyKeySigner({ key: PASSKEY_KEY, getAssertion: undefined as never }),
        "getAssertion",
        /must be a function/,
      );
      await expectRejection(
        passkeyKeySigner({ key: PASSKEY_KEY, getAssertion }).sign(REQUEST),
        "getAssertion",
        /signed the challenge 0x[0-9a-f]{64}, not the digest/,
      );
    });

    it("p256KeySigner refuses a bad key, a missing signDigest, and r or s out of range", async function () {
      const signDigest = () => ({ r: 0n, s: 1n });
      expectRefusal(() => p256KeySigner({ key: "0x11", signDigest }), "key");
      expectRefusal(
        () => p256KeySigner({ key: PASSKEY_KEY, signDigest: 7 as never }),
        "signDigest",
      );
      await expectRejection(
        p256KeySigner({ key: PASSKEY_KEY, signDigest }).sign(REQUEST),
        "r",
        /not a P-256 signature scalar/,
      );
      expectRefusal(() => encodeP256Signature({ r: 1n, s: P256_ORDER }), "s");
    });

    it("encodeP256Signature moves a high s to the lower half", function () {
      const low = encodeP256Signature({ r: 1n, s: 5n });
      expect(encodeP256Signature({ r: 1n, s: P256_ORDER - 5n })).to.equal(low);
      expect(low).to.equal(concat([toBeHex(1n, 32), toBeHex(5n, 32)]));
    });

    it("erc1271KeySigner refuses a key that is not an address, a missing sign, and an answer that is not hex", async function () {
      const sign = async () => "not hex";
      expectRefusal(() => erc1271KeySigner({ key: PASSKEY_KEY, sign }), "key", /20-byte address/);
      expectRefusal(() => erc1271KeySigner({ key: ALICE.address, sign: null as never }), "sign");
      await expectRejection(
        erc1271KeySigner({ key: ALICE.address, sign }).sign(REQUEST),
        "sign",
        /not hex/,
      );
    });

    it("browserPasskeyKeySigner refuses a bad credential ID, no navigator.credentials, and an answer that is no assertion", async function () {
      const credentials: WebAuthnCredentials = { get: async () => null };
      for (const credentialId of ["0x", "c0ffee", new Uint8Array()]) {
        expectRefusal(
          () => browserPasskeyKeySigner({ key: PASSKEY_KEY, credentialId, credentials }),
          "credentialId",
        );
      }
      expectRefusal(
        () => browserPasskeyKeySigner({ key: PASSKEY_KEY, credentialId: "0x01" }),
        "credentials",
        /no navigator.credentials/,
      );
      await expectRejection(
        browserPasskeyKeySigner({ key: PASSKEY_KEY, credentialId: "0x01", credentials }).sign(
          REQUEST,
        ),
        "credentials",
        /answered no assertion/,
      );
    });

    it("readWebAuthnChallenge refuses client data that is not JSON or has no base64url challenge", function () {
      expectRefusal(() => readWebAuthnChallenge("0x7b7b"), "clientDataJSON", /not UTF-8 JSON/);
      const json = (value: unknown) => concat([new TextEncoder().encode(JSON.stringify(value))]);
      expectRefusal(
        () => readWebAuthnChallenge(json({ challenge: "a+b/" })),
        "clientDataJSON",
        /not base64url/,
      );
      expectRefusal(() => readWebAuthnChallenge(json({})), "clientDataJSON", /not base64url/);
    });
  });

  describe("signIntentWithKeys, signSessionGrantWithKeys and signMessageWithKeys", function () {
    const grant = buildSessionGrant({
      wallet: WALLET,
      app: "app.example.com",
      sessionKey: BOB.address,
      permissions: [],
      validUntil: 2_000_000_000n,
    });
    const runs = (signers: readonly KeySigner[]) => [
      signIntentWithKeys({ signers, intent: INTENT, wallet: WALLET, chainId: CHAIN_ID }),
      signSessionGrantWithKeys({ signers, grant, module: FACTORY, chainId: CHAIN_ID }),
      signMessageWithKeys({ signers, hash: keccakText("m"), wallet: WALLET, chainId: CHAIN_ID }),
    ];

    it("refuse an empty signer list", async function () {
      for (const run of runs([])) await expectRejection(run, "signers", /signers is empty/);
    });

    it("refuse a signer that is no KeySigner (an ethers Wallet given as it is)", async function () {
      for (const run of runs([secp256k1KeySigner(ALICE), ALICE as unknown as KeySigner]))
        await expectRejection(run, "signers[1]", /no KeySigner/);
    });

    it("refuse a key that signs twice", async function () {
      for (const run of runs([secp256k1KeySigner(ALICE), secp256k1KeySigner(ALICE)]))
        await expectRejection(run, "signatures[1]", /both by key/);
    });
  });

  describe("keySignatureToJson, keySignatureFromJson and combineKeySignatures", function () {
    const secp256k1 = ALICE.signingKey.sign(REQUEST.digest).serialized;

    it("write and read back both kinds as lower-case hex, from the object or the JSON text", function () {
      const keyed = { key: PASSKEY_KEY.toUpperCase().replace("0X", "0x"), signature: "0xABCD" };
      for (const signature of [{ secp256k1 }, keyed]) {
        const json = keySignatureToJson(signature);
        expect(keySignatureFromJson(json)).to.deep.equal(json);
        expect(keySignatureFromJson(JSON.stringify(json))).to.deep.equal(json);
      }
      expect(keySignatureToJson(keyed)).to.deep.equal({ key: PASSKEY_KEY, signature: "0xabcd" });
    });

    const bad: { name: string; json: unknown; parameter: string }[] = [
      { name: "text that is not JSON", json: "{secp256k1:", parameter: "json" },
      { name: "null", json: null, parameter: "json" },
      { name: "an array", json: [secp256k1], parameter: "json" },
      {
        name: "both shapes at once",
        json: { secp256k1, key: PASSKEY_KEY, signature: "0x01" },
        parameter: "json",
      },
      { name: "an extra field", json: { secp256k1, device: "phone" }, parameter: "json" },
      { name: "a number for hex", json: { key: PASSKEY_KEY, signature: 1 }, parameter: "json" },
      {
        name: "a secp256k1 signature of 64 bytes",
        json: { secp256k1: secp256k1.slice(0, -2) },
        parameter: "signatures[0].secp256k1",
      },
      {
        name: "a key of 10 bytes",
        json: { key: "0x" + "11".repeat(10), signature: "0x01" },
        parameter: "signatures[0].key",
      },
      {
        name: "a signature that is not hex",
        json: { key: PASSKEY_KEY, signature: "zz" },
        parameter: "signatures[0].signature",
      },
    ];
    for (const { name, json, parameter } of bad) {
      it(`keySignatureFromJson refuses ${name}`, function () {
        expectRefusal(() => keySignatureFromJson(json), parameter);
      });
    }

    it("combineKeySignatures refuses an ID that is not 32 bytes, and no signatures", function () {
      expectRefusal(
        () => combineKeySignatures({ id: "0x1234", signatures: [{ secp256k1 }] }),
        "digest",
      );
      expectRefusal(
        () => combineKeySignatures({ id: REQUEST.digest, signatures: [] }),
        "signatures",
      );
    });
  });

  describe("WalletClient of a key-set wallet", function () {
    it("answers before deployment: no owner, its keys, epoch 0, and its creation for a relayer", async function () {
      const wallet = WalletClient.counterfactualWithKeys({
        factory: FACTORY,
        implementation: IMPLEMENTATION,
        keys,
        threshold: 2n,
        salt: 3n,
        // A runner that cannot call, whose provider finds no code: every read falls back.
        runner: { provider: { getCode: async () => "0x" } } as never,
      });
      expect(wallet.address).to.equal(
        computeKeySetWalletAddress({
          factory: FACTORY,
          implementation: IMPLEMENTATION,
          keys,
          threshold: 2n,
          salt: 3n,
        }),
      );
      expect(wallet.creation).to.deep.equal({ factory: FACTORY, keys, threshold: 2n, salt: 3n });
      expect(wallet.deployment).to.equal(null);
      expect(wallet.keySetDeployment).to.deep.include({ keys, threshold: 2n, salt: 3n });
      expect(await wallet.owner()).to.equal(ZeroAddress);
      expect(await wallet.ownerKeys()).to.deep.equal({ keys, threshold: 2n });
      expect(await wallet.epoch()).to.equal(0n);
      expect(await wallet.isModuleInstalled(FACTORY)).to.equal(false);
    });
  });
});
