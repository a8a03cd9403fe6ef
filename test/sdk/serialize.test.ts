import { expect } from "chai";
import { Wallet, concat, getAddress, hexlify, id as keccakId, toBeHex } from "ethers";

import {
  InvalidSignedIntentError,
  buildIntent,
  getIntentId,
  signIntent,
  type Intent,
} from "../../src/sdk/index.js";
import {
  parseSignedIntent,
  serializeSignedIntent,
  type SerializableSignedIntent,
} from "../../src/protocol/intent/json.js";
import { toWalletAuthorization } from "../../src/protocol/wallet/authorization.js";

const UINT256_MAX = 2n ** 256n - 1n;

/** A small seeded generator (mulberry32): the same cases on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random intents, wallets, chains and signatures, leaning on the extremes. */
function generator(seed: number) {
  const random = seededRandom(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const bytes = (length: number) => hexlify(Uint8Array.from({ length }, () => int(256)));
  const uint = (): bigint => {
    const extremes = [0n, 1n, UINT256_MAX, UINT256_MAX - 1n, 2n ** 255n, 2n ** 53n + 1n, 2n ** 64n];
    if (random() < 0.4) return pick(extremes);
    return BigInt(bytes(1 + int(32)));
  };
  const address = () => getAddress(bytes(20));
  const intent = (): Intent => ({
    calls: Array.from({ length: 1 + int(5) }, () => ({
      to: address(),
      value: uint(),
      data: bytes(pick([0, 1, 4, 31, 32, 33, 68, 300])),
    })),
    dependencies: Array.from({ length: int(4) }, () => ({ wallet: address(), id: bytes(32) })),
    salt: uint(),
    validAfter: uint(),
    expiration: uint(),
    maxGasPrice: uint(),
    minGasLimit: uint(),
  });
  const signed = (): SerializableSignedIntent => {
    const value = intent();
    const wallet = address();
    const chainId = pick([1n, 31337n, UINT256_MAX, uint() || 1n]);
    const epoch = pick([undefined, 0n, 1n, uint()]);
    const signature = pick([
      () => concat(["0x00", bytes(65)]),
      () => concat(["0x01", bytes(20), bytes(int(200))]),
      () => concat(["0x00", bytes(int(300))]),
    ])();
    const id = getIntentId({ intent: value, wallet, chainId, epoch: epoch ?? 0n });
    const signedIntent: SerializableSignedIntent = {
      intent: value,
      wallet,
      chainId,
      id,
      signature,
    };
    return epoch === undefined ? signedIntent : { ...signedIntent, epoch };
  };
  return { signed, address, bytes };
}

/** A valid signed intent with one call and one dependency on another wallet. */
function baseSignedIntent(): SerializableSignedIntent {
  const wallet = getAddress("0x" + "ab".repeat(20));
  const intent = buildIntent({
    calls: [{ to: getAddress("0x" + "cd".repeat(20)), value: 5n, data: "0xabcdef01" }],
    dependencies: [{ wallet: getAddress("0x" + "ef".repeat(20)), id: keccakId("first") }],
    now: 1_700_000_000n,
  });
  const chainId = 31337n;
  const id = getIntentId({ intent, wallet, chainId });
  return { intent, wallet, chainId, id, signature: concat(["0x00", "0x" + "11".repeat(65)]) };
}

/** `baseSignedIntent` in JSON, as a plain object to break. */
// `any`: the tests write every wrong shape into it.
type Document = Record<string, any>;
function baseDocument(): Document {
  return JSON.parse(serializeSignedIntent(baseSignedIntent())) as Document;
}

/** The InvalidSignedIntentError that `parse` throws for `input`. */
function parseError(input: unknown): InvalidSignedIntentError {
  try {
    parseSignedIntent(input);
  } catch (error) {
    if (error instanceof InvalidSignedIntentError) return error;
    throw error;
  }
  expect.fail("expected an InvalidSignedIntentError");
}

describe("serializeSignedIntent / parseSignedIntent", function () {
  describe("round trips", function () {
    it("gives back an equal signed intent for 300 seeded random ones, with extreme values", function () {
      const { signed } = generator(20240601);
      for (let i = 0; i < 300; i++) {
        const original = signed();

        const json = serializeSignedIntent(original);

        expect(parseSignedIntent(json), `case ${i}: ${json}`).to.deep.equal(original);
        expect(parseSignedIntent(JSON.parse(json)), `case ${i} as a value`).to.deep.equal(original);
      }
    });

    it("keeps 2^256 - 1 in every integer field exactly", function () {
      const base = baseSignedIntent();
      const intent: Intent = {
        calls: [{ ...base.intent.calls[0], value: UINT256_MAX }],
        dependencies: [],
        salt: UINT256_MAX,
        validAfter: UINT256_MAX,
        expiration: UINT256_MAX,
        maxGasPrice: UINT256_MAX,
        minGasLimit: UINT256_MAX,
      };
      const chainId = UINT256_MAX;
      const epoch = UINT256_MAX;
      const id = getIntentId({ intent, wallet: base.wallet, chainId, epoch });
      const original = { ...base, intent, chainId, epoch, id };

      const json = serializeSignedIntent(original);

      expect(parseSignedIntent(json)).to.deep.equal(original);
      expect(json).to.include(`"salt":"${UINT256_MAX}"`);
      expect(json).to.include(`"chainId":"${UINT256_MAX}"`);
    });

    it("round trips an intent signed by a private key, a batch with dependencies on other wallets", async function () {
      const { address, bytes } = generator(7);
      const owner = new Wallet(keccakId("owner"));
      const wallet = address();
      const intent = buildIntent({
        calls: [
          { to: address(), value: 10n ** 18n },
          { to: address(), data: bytes(68) },
          { to: wallet, data: "0x" },
        ],
        dependencies: [
          { wallet: address(), id: bytes(32) },
          { wallet: address(), id: bytes(32) },
          { wallet, id: bytes(32) },
        ],
        salt: 42n,
        validAfter: 0n,
      });
      const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });

      expect(parseSignedIntent(serializeSignedIntent(signed))).to.deep.equal(signed);
    });

    it("writes version 2 and every integer as a decimal string, validAfter included", function () {
      const document = JSON.parse(serializeSignedIntent(baseSignedIntent()));

      expect(document.version).to.equal(2);
      expect(document.intent.validAfter).to.equal("0");
      expect(document.chainId).to.equal("31337");
      expect(document.intent.calls[0].value).to.equal("5");
      expect(document.intent.maxGasPrice).to.equal(UINT256_MAX.toString());
      expect(Object.keys(document)).to.deep.equal([
        "version",
        "wallet",
        "chainId",
        "intent",
        "id",
        "signature",
      ]);
    });

    it("writes epoch only when the signed intent has one, even 0, and reads its absence as 0", function () {
      const base = baseSignedIntent();

      const withEpoch = JSON.parse(serializeSignedIntent({ ...base, epoch: 0n }));
      const without = JSON.parse(serializeSignedIntent(base));

      expect(withEpoch.epoch).to.equal("0");
      expect(without).to.not.have.property("epoch");
      expect(parseSignedIntent(without)).to.not.have.property("epoch");
      expect(parseSignedIntent(withEpoch).epoch).to.equal(0n);
    });

    it("does not rely on a global BigInt.prototype.toJSON", function () {
      const prototype = BigInt.prototype as { toJSON?: () => never };
      const previous = prototype.toJSON;
      prototype.toJSON = () => {
        throw new Error("BigInt.prototype.toJSON must not be used");
      };
      try {
        const base = baseSignedIntent();
        expect(parseSignedIntent(serializeSignedIntent(base))).to.deep.equal(base);
      } finally {
        if (previous === undefined) delete prototype.toJSON;
        else prototype.toJSON = previous;
      }
    });

    it("normalizes lowercase addresses to checksummed ones and hex to lowercase", function () {
      const base = baseSignedIntent();
      const document = baseDocument();
      document.wallet = document.wallet.toLowerCase();
      document.intent.calls[0].to = document.intent.calls[0].to.toLowerCase();
      document.intent.calls[0].data = "0xABCDEF01"; // the same bytes
      document.intent.dependencies[0].id = document.intent.dependencies[0].id
        .toUpperCase()
        .replace("0X", "0x");
      document.id = document.id.replace(/[a-f]/g, (digit: string) => digit.toUpperCase());

      const parsed = parseSignedIntent(document);

      expect(parsed.wallet).to.equal(base.wallet);
      expect(parsed.intent.calls[0].to).to.equal(base.intent.calls[0].to);
      expect(parsed.intent.calls[0].data).to.equal("0xabcdef01");
      expect(parsed.intent.dependencies).to.deep.equal(base.intent.dependencies);
      expect(parsed.id).to.equal(getIntentId({ ...parsed }));
    });
  });

  describe("rejects bad input with the path and the reason", function () {
    const valid = baseSignedIntent();
    const otherId = keccakId("another intent");
    const checksummed = valid.intent.calls[0].to;
    // Flip the case of one letter: a checksum mismatch.
    const badChecksum = checksummed.replace(/[a-fA-F]/, (letter) =>
      letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase(),
    );

    const cases: Array<{
      name: string;
      input?: unknown;
      mutate?: (document: Document) => void;
      path: string;
      reason: RegExp;
    }> = [
      { name: "not JSON", input: '{"version": 2,', path: "", reason: /^not valid JSON/ },
      { name: "null", input: null, path: "", reason: /^expected an object, got null$/ },
      { name: "an array", input: "[]", path: "", reason: /^expected an object, got an array$/ },
      { name: "a string value", input: '"hi"', path: "", reason: /^expected an object, got "hi"$/ },
      {
        name: "wrong version",
        mutate: (d) => (d.version = 3),
        path: "version",
        reason: /^unsupported version 3 \(this SDK reads version 2\)$/,
      },
      {
        name: "version 1 (the intent format before validAfter)",
        mutate: (d) => (d.version = 1),
        path: "version",
        reason: /^version 1 is the intent format before validAfter: .*sign the intent again$/,
      },
      {
        name: "version as a string",
        mutate: (d) => (d.version = "2"),
        path: "version",
        reason: /^expected the number 2, got "2"$/,
      },
      {
        name: "missing version",
        mutate: (d) => delete d.version,
        path: "version",
        reason: /^missing field/,
      },
      {
        name: "unknown top-level field",
        mutate: (d) => (d.relayer = "me"),
        path: "relayer",
        reason:
          /^unknown field \(expected only version, wallet, chainId, epoch, intent, id, signature, create, authorization\)$/,
      },
      {
        name: "unknown intent field",
        mutate: (d) => (d.intent.nonce = "1"),
        path: "intent.nonce",
        reason: /^unknown field/,
      },
      {
        name: "unknown call field",
        mutate: (d) => (d.intent.calls[0].gas = "21000"),
        path: "intent.calls[0].gas",
        reason: /^unknown field \(expected only to, value, data\)$/,
      },
      {
        name: "unknown dependency field",
        mutate: (d) => (d.intent.dependencies[0].chainId = "1"),
        path: "intent.dependencies[0].chainId",
        reason: /^unknown field/,
      },
      {
        name: "a misspelt field (reported as unknown first)",
        mutate: (d) => {
          d.intent.expiraton = d.intent.expiration;
          delete d.intent.expiration;
        },
        path: "intent.expiraton",
        reason: /^unknown field/,
      },
      {
        name: "missing intent field",
        mutate: (d) => delete d.intent.salt,
        path: "intent.salt",
        reason: /^missing field$/,
      },
      {
        name: "missing validAfter",
        mutate: (d) => delete d.intent.validAfter,
        path: "intent.validAfter",
        reason: /^missing field$/,
      },
      {
        name: "missing signature",
        mutate: (d) => delete d.signature,
        path: "signature",
        reason: /^missing field$/,
      },
      {
        name: "missing call data",
        mutate: (d) => delete d.intent.calls[0].data,
        path: "intent.calls[0].data",
        reason: /^missing field$/,
      },
      {
        name: "short address",
        mutate: (d) => (d.wallet = "0x1234"),
        path: "wallet",
        reason: /^not an address: expected 0x and 40 hex digits \(got "0x1234"\)$/,
      },
      {
        name: "address without 0x",
        mutate: (d) => (d.wallet = d.wallet.slice(2)),
        path: "wallet",
        reason: /^not an address/,
      },
      {
        name: "address with a bad checksum",
        mutate: (d) => (d.intent.calls[0].to = badChecksum),
        path: "intent.calls[0].to",
        reason: /^bad address checksum/,
      },
      {
        name: "address as a number",
        mutate: (d) => (d.intent.dependencies[0].wallet = 1234),
        path: "intent.dependencies[0].wallet",
        reason: /^expected an address string, got 1234$/,
      },
      {
        name: "odd-length hex",
        mutate: (d) => (d.intent.calls[0].data = "0xabc"),
        path: "intent.calls[0].data",
        reason: /^odd number of hex digits: not whole bytes \(got "0xabc"\)$/,
      },
      {
        name: "non-hex bytes",
        mutate: (d) => (d.intent.calls[0].data = "0xzz"),
        path: "intent.calls[0].data",
        reason: /^not hex/,
      },
      {
        name: "hex without 0x",
        mutate: (d) => (d.intent.calls[0].data = "abcd"),
        path: "intent.calls[0].data",
        reason: /^hex must start with 0x/,
      },
      {
        name: "negative bigint",
        mutate: (d) => (d.intent.calls[0].value = "-1"),
        path: "intent.calls[0].value",
        reason: /^must not be negative \(got "-1"\)$/,
      },
      ...["0x10", "1e3", "1.5", " 1", "", "+1", "1n"].map((value) => ({
        name: `non-decimal bigint ${JSON.stringify(value)}`,
        mutate: (d: Document) => (d.intent.salt = value),
        path: "intent.salt",
        reason: /^not a decimal integer string/,
      })),
      {
        name: "bigint with a leading zero",
        mutate: (d) => (d.intent.expiration = "0123"),
        path: "intent.expiration",
        reason: /^no leading zeros allowed/,
      },
      {
        name: "bigint of 2^256",
        mutate: (d) => (d.intent.maxGasPrice = (2n ** 256n).toString()),
        path: "intent.maxGasPrice",
        reason: /^out of range: at most 2\^256 - 1/,
      },
      {
        name: "bigint of a thousand digits",
        mutate: (d) => (d.intent.minGasLimit = "9".repeat(1000)),
        path: "intent.minGasLimit",
        reason: /^out of range: at most 2\^256 - 1 \(got "9{76}\.\.\.\)$/,
      },
      {
        name: "bigint as a JSON number",
        mutate: (d) => (d.intent.salt = 5),
        path: "intent.salt",
        reason: /^expected a decimal string, got 5 \(write integers as decimal strings/,
      },
      {
        name: "chainId 0",
        mutate: (d) => (d.chainId = "0"),
        path: "chainId",
        reason: /^must be at least 1 \(got "0"\)$/,
      },
      {
        name: "negative epoch",
        mutate: (d) => (d.epoch = "-1"),
        path: "epoch",
        reason: /^must not be negative/,
      },
      {
        name: "empty calls",
        mutate: (d) => (d.intent.calls = []),
        path: "intent.calls",
        reason: /^an intent needs at least one call$/,
      },
      {
        name: "calls as an object",
        mutate: (d) => (d.intent.calls = { 0: d.intent.calls[0] }),
        path: "intent.calls",
        reason: /^expected an array/,
      },
      {
        name: "a call as a string",
        mutate: (d) => (d.intent.calls = ["0x1234"]),
        path: "intent.calls[0]",
        reason: /^expected an object, got "0x1234"$/,
      },
      {
        name: "dependencies as a string",
        mutate: (d) => (d.intent.dependencies = "none"),
        path: "intent.dependencies",
        reason: /^expected an array, got "none"$/,
      },
      {
        name: "intent as null",
        mutate: (d) => (d.intent = null),
        path: "intent",
        reason: /^expected an object, got null$/,
      },
      {
        name: "dependency ID of 31 bytes",
        mutate: (d) => (d.intent.dependencies[0].id = "0x" + "aa".repeat(31)),
        path: "intent.dependencies[0].id",
        reason: /^expected 32 bytes, got 31/,
      },
      {
        name: "ID as a number",
        mutate: (d) => (d.id = 7),
        path: "id",
        reason: /^expected a hex string, got 7$/,
      },
      {
        name: "ID of another intent",
        mutate: (d) => (d.id = otherId),
        path: "id",
        reason:
          /^does not match the intent: its ID on wallet 0x.{40}, chain 31337, epoch 0 is 0x[0-9a-f]{64} \(if the wallet's intent epoch is not 0, include `epoch`\)$/,
      },
      {
        name: "ID signed for another salt",
        mutate: (d) => (d.intent.salt = "1"),
        path: "id",
        reason: /^does not match the intent/,
      },
      {
        name: "ID for another epoch",
        mutate: (d) => (d.epoch = "1"),
        path: "id",
        reason:
          /^does not match the intent: its ID on wallet 0x.{40}, chain 31337, epoch 1 is 0x[0-9a-f]{64}$/,
      },
      {
        name: "ID for another chain",
        mutate: (d) => (d.chainId = "1"),
        path: "id",
        reason: /^does not match the intent/,
      },
      {
        name: "empty signature",
        mutate: (d) => (d.signature = "0x"),
        path: "signature",
        reason: /^must start with kind byte 0x00 \(owner\), 0x01 \(module\) or 0x02 \(key set\)/,
      },
      {
        name: "signature of unknown kind",
        mutate: (d) => (d.signature = "0x03" + "11".repeat(65)),
        path: "signature",
        reason: /^must start with kind byte/,
      },
      {
        name: "module signature without a module address",
        mutate: (d) => (d.signature = "0x01" + "11".repeat(19)),
        path: "signature",
        reason: /^a module signature \(0x01\) must name the module's 20-byte address$/,
      },
      {
        name: "signature as a number",
        mutate: (d) => (d.signature = 0),
        path: "signature",
        reason: /^expected a hex string, got 0$/,
      },
    ];

    for (const { name, input, mutate, path, reason } of cases) {
      it(`${name}: ${path === "" ? "(document)" : path}`, function () {
        let document: unknown = input;
        if (mutate !== undefined) {
          const broken = baseDocument();
          mutate(broken);
          document = broken;
        }

        for (const form of typeof document === "string"
          ? [document]
          : [document, JSON.stringify(document)]) {
          const error = parseError(form);
          expect(error.path).to.equal(path);
          expect(error.reason).to.match(reason);
          expect(error.message).to.equal(
            `Invalid signed intent${path === "" ? "" : ` at ${path}`}: ${error.reason}`,
          );
        }
      });
    }

    it("parses the unbroken document (the table's baseline)", function () {
      expect(parseSignedIntent(baseDocument())).to.deep.equal(valid);
    });
  });

  describe("serializing refuses what it could not parse back", function () {
    it("a number where a bigint belongs", function () {
      const base = baseSignedIntent();
      const broken = {
        ...base,
        intent: {
          ...base.intent,
          calls: [{ ...base.intent.calls[0], value: 5 as unknown as bigint }],
        },
      };

      expect(() => serializeSignedIntent(broken))
        .to.throw(InvalidSignedIntentError)
        .with.property("path", "intent.calls[0].value");
    });

    it("a negative bigint", function () {
      const base = baseSignedIntent();

      expect(() => serializeSignedIntent({ ...base, intent: { ...base.intent, salt: -1n } }))
        .to.throw(InvalidSignedIntentError)
        .with.property("path", "intent.salt");
    });

    it("an ID that does not match the intent", function () {
      const base = baseSignedIntent();

      expect(() => serializeSignedIntent({ ...base, id: toBeHex(1n, 32) }))
        .to.throw(InvalidSignedIntentError, /at id: does not match the intent/)
        .with.property("path", "id");
    });
  });

  describe("authorization (an EOA's EIP-7702 authorization)", function () {
    /** An intent of `eoa`'s own address with its authorization of `implementation`. */
    async function withAuthorization() {
      const eoa = new Wallet(keccakId("serialize eoa"));
      const implementation = getAddress(toBeHex(0x1234n, 20));
      const signed = await signIntent({
        signer: eoa,
        intent: buildIntent({ calls: [{ to: implementation }] }),
        wallet: eoa.address,
        chainId: 31337n,
      });
      const authorization = toWalletAuthorization(
        await eoa.authorize({ address: implementation, nonce: 7n, chainId: 31337n }),
      );
      return { ...signed, authorization };
    }

    it("round trips it, its integers as decimal strings, outside the ID", async function () {
      const signed = await withAuthorization();

      const json = serializeSignedIntent(signed);

      expect(parseSignedIntent(json)).to.deep.equal(signed);
      expect(JSON.parse(json).authorization).to.deep.include({ chainId: "31337", nonce: "7" });
    });

    it("refuses it beside create, at authorization", async function () {
      const signed = await withAuthorization();
      const create = { factory: signed.authorization.address, owner: signed.wallet, salt: 0n };

      const both = {
        ...JSON.parse(serializeSignedIntent(signed)),
        create: { ...create, salt: "0" },
      };
      const error = parseError(both);

      expect(error.path).to.equal("authorization");
      expect(error.reason).to.match(/not both/);
    });

    const malformed: [string, (a: Record<string, unknown>) => void, string][] = [
      ["yParity 2", (a) => (a.yParity = 2), "authorization.yParity"],
      ["a nonce of 65 bits", (a) => (a.nonce = (2n ** 64n).toString()), "authorization.nonce"],
      ["a chainId as a number", (a) => (a.chainId = 31337), "authorization.chainId"],
      ["r of 2 bytes", (a) => (a.r = "0x1234"), "authorization.r"],
      ["a missing s", (a) => delete a.s, "authorization.s"],
      ["an unknown field", (a) => (a.v = 27), "authorization.v"],
    ];
    for (const [name, mutate, path] of malformed) {
      it(`refuses ${name} at ${path}`, async function () {
        const document = JSON.parse(serializeSignedIntent(await withAuthorization()));
        mutate(document.authorization);
        expect(parseError(document).path).to.equal(path);
      });
    }
  });

  describe("intent IDs", function () {
    it("differ for the same calls with different salts, as Marmo SDK users expect", function () {
      const { wallet, chainId, intent } = baseSignedIntent();
      const salts = [0n, 1n, 2n, 2n ** 128n, UINT256_MAX];

      const ids = salts.map((salt) =>
        getIntentId({ intent: { ...intent, salt }, wallet, chainId }),
      );

      expect(new Set(ids).size).to.equal(salts.length);
      expect(getIntentId({ intent: { ...intent, salt: 1n }, wallet, chainId })).to.equal(ids[1]);
    });

    it("differ between wallet epochs, which the JSON carries", function () {
      const base = baseSignedIntent();
      const id = getIntentId({
        intent: base.intent,
        wallet: base.wallet,
        chainId: base.chainId,
        epoch: 3n,
      });
      const atEpoch3 = { ...base, id, epoch: 3n };

      expect(id).to.not.equal(base.id);
      expect(parseSignedIntent(serializeSignedIntent(atEpoch3))).to.deep.equal(atEpoch3);
      const withoutEpoch = JSON.parse(serializeSignedIntent(atEpoch3));
      delete withoutEpoch.epoch;
      expect(parseError(withoutEpoch).path).to.equal("id");
    });
  });
});
