import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  TypedDataEncoder,
  Wallet,
  dataLength,
  dataSlice,
  recoverAddress,
  type ErrorFragment,
  type Interface,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

import * as sdk from "../../src/sdk/index.js";
import { IntentBatcher__factory } from "../../typechain-types/factories/contracts/IntentBatcher__factory.js";
import { IntentWallet__factory } from "../../typechain-types/factories/contracts/IntentWallet__factory.js";
import { WalletFactory__factory } from "../../typechain-types/factories/contracts/WalletFactory__factory.js";
import { SessionKeyModule__factory } from "../../typechain-types/factories/contracts/modules/SessionKeyModule__factory.js";
import {
  DOCS,
  DOCS_DIRECTORY,
  HARDHAT_ACCOUNT_0_KEY,
  jsonBlocks,
  plain,
  read,
  sectionNaming,
  sectionTitled,
  tableRows,
  withoutCodeBlocks,
} from "./markdown.js";

/*
 * Keeps the spec-level docs true: docs/errors.md lists every custom error of the wallet's, the
 * factory's, the batcher's and the session module's ABIs with its exact signature and selector,
 * docs/intents.md and docs/sessions.md carry the EIP-712 type strings and domain versions the
 * contracts hash, their worked examples hash and sign to the values they show, and their links
 * resolve. The packed bytes of docs/intents.md are checked by packedIntent.test.ts.
 */

/*//////////////////////////////////////////////////////////////
                          MARKDOWN HELPERS
//////////////////////////////////////////////////////////////*/

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const headings = withoutCodeBlocks(markdown).match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((line) => anchorOf(line.replace(/^#+ /, ""))));
}

/*//////////////////////////////////////////////////////////////
                          SOLIDITY HELPERS
//////////////////////////////////////////////////////////////*/

/**
 * The EIP-712 type strings a Solidity file hashes: every `keccak256("…" "…")` of string literals
 * alone whose text is a type (`Name(…)…`). Adjacent literals are joined, as Solidity joins them.
 */
function typeStringsIn(path: string): string[] {
  const source = read(path);
  const found = new Set<string>();
  for (const match of source.matchAll(/keccak256\(\s*((?:"[^"]*"\s*)+)\)/g)) {
    const text = [...match[1].matchAll(/"([^"]*)"/g)].map((literal) => literal[1]).join("");
    if (/^\w+\([^()]*\)(\w+\([^()]*\))*$/.test(text)) found.add(text);
  }
  return [...found];
}

/** The one type string of `strings` whose primary type is `name`. */
function typeNamed(strings: string[], name: string, fields?: number): string {
  const matching = strings.filter(
    (text) =>
      text.startsWith(`${name}(`) &&
      (fields === undefined || text.slice(0, text.indexOf(")")).split(",").length === fields),
  );
  expect(matching, `one type string for ${name}`).to.have.length(1);
  return matching[0];
}

/** ethers' `encodeType` of `primaryType` in `types` (readonly `as const` types accepted). */
function encodeType(
  types: Readonly<Record<string, readonly Readonly<TypedDataField>[]>>,
  primaryType: string,
): string {
  const mutable = Object.fromEntries(
    Object.entries(types).map(([name, fields]) => [name, fields.map((field) => ({ ...field }))]),
  );
  return TypedDataEncoder.from(mutable).encodeType(primaryType);
}

/** The `EIP712Domain(…)` type string of `domain`, as ethers (and so every wallet) derives it. */
function domainTypeOf(domain: TypedDataDomain): string {
  const types = { Message: [{ name: "hash", type: "bytes32" }] };
  const payload = TypedDataEncoder.getPayload(domain, types, { hash: `0x${"00".repeat(32)}` });
  return encodeType({ EIP712Domain: payload.types.EIP712Domain }, "EIP712Domain");
}

/*//////////////////////////////////////////////////////////////
                               TESTS
//////////////////////////////////////////////////////////////*/

const CONTRACTS: Array<{ name: string; contractInterface: Interface }> = [
  { name: "IntentWallet", contractInterface: IntentWallet__factory.createInterface() },
  { name: "WalletFactory", contractInterface: WalletFactory__factory.createInterface() },
  { name: "IntentBatcher", contractInterface: IntentBatcher__factory.createInterface() },
  { name: "SessionKeyModule", contractInterface: SessionKeyModule__factory.createInterface() },
];

function customErrors(contractInterface: Interface): ErrorFragment[] {
  const errors: ErrorFragment[] = [];
  contractInterface.forEachError((fragment) => errors.push(fragment));
  return errors;
}

/** The rows of a table whose first cell is an error signature, by error name. */
function errorRows(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const row of tableRows(markdown)) {
    const match = /^`(\w+)\(/.exec(row[0] ?? "");
    if (match !== null) rows.set(match[1], row);
  }
  return rows;
}

describe("docs/errors.md", function () {
  for (const { name, contractInterface } of CONTRACTS) {
    describe(`the ${name} section`, function () {
      it(`lists every custom error of ${name}'s ABI in a table row`, function () {
        const rows = errorRows(sectionNaming(DOCS.errors, name));
        const missing = customErrors(contractInterface)
          .map((fragment) => fragment.name)
          .filter((errorName) => !rows.has(errorName));
        expect(missing, `errors of ${name} missing from docs/errors.md`).to.deep.equal([]);
      });

      it("gives each error its exact signature with argument names, and its selector", function () {
        const rows = errorRows(sectionNaming(DOCS.errors, name));
        for (const fragment of customErrors(contractInterface)) {
          const row = rows.get(fragment.name);
          if (row === undefined) continue; // reported by the test above
          const signature = fragment.format("full").replace(/^error /, "");
          expect(plain(row[0]), `signature of ${fragment.name}`).to.equal(signature);
          expect(row[1], `selector of ${fragment.name}`).to.equal(`\`${fragment.selector}\``);
          expect(row.slice(2).every((cell) => cell.length > 0)).to.equal(true);
        }
      });

      it(`lists no error that ${name}'s ABI does not declare`, function () {
        const declared = new Set(customErrors(contractInterface).map((fragment) => fragment.name));
        const stale = [...errorRows(sectionNaming(DOCS.errors, name)).keys()].filter(
          (errorName) => !declared.has(errorName),
        );
        expect(stale).to.deep.equal([]);
      });
    });
  }

  it("lists every error class the SDK exports", function () {
    const rows = tableRows(DOCS.errors).map((row) => plain(row[0] ?? ""));
    const classes = Object.entries(sdk as Record<string, unknown>)
      .filter(
        ([, value]) =>
          typeof value === "function" &&
          (value === sdk.IntentWalletSdkError ||
            value.prototype instanceof sdk.IntentWalletSdkError),
      )
      .map(([exportName]) => exportName);
    expect(classes).to.include.members(["IntentWalletSdkError", "RelayerError"]);
    expect(classes.filter((errorClass) => !rows.includes(errorClass))).to.deep.equal([]);
  });

  it("lists every relayer error code and every client error code", function () {
    const codes = tableRows(DOCS.errors).flatMap((row) => row.map(plain));
    const all = [...sdk.RELAYER_ERROR_CODES, ...sdk.RELAYER_CLIENT_ERROR_CODES];
    expect(all.filter((code) => !codes.includes(code))).to.deep.equal([]);
  });
});

describe("the EIP-712 type strings in docs/intents.md and docs/sessions.md", function () {
  const intentStrings = typeStringsIn("contracts/libraries/IntentHashing.sol");
  const grantStrings = typeStringsIn("contracts/libraries/SessionGrantHashing.sol");
  // The domain type of OpenZeppelin's EIP712, the module's base (its NatSpec hashes a "Mail" example).
  const ozEip712Strings = typeStringsIn(
    "node_modules/@openzeppelin/contracts/utils/cryptography/EIP712.sol",
  ).filter((text) => text.startsWith("EIP712Domain("));

  it("finds the type strings the contracts hash", function () {
    expect(intentStrings.map((text) => text.slice(0, text.indexOf("(")))).to.include.members([
      "Call",
      "Dependency",
      "Intent",
      "EIP712Domain",
      "IntentWalletMessage",
    ]);
    expect(grantStrings.map((text) => text.slice(0, text.indexOf("(")))).to.have.members([
      "Permission",
      "SessionGrant",
    ]);
    expect(ozEip712Strings).to.have.length(1);
  });

  it("puts every type string of IntentHashing in docs/intents.md, verbatim", function () {
    for (const text of intentStrings) expect(DOCS.intents, text).to.include(text);
  });

  it("puts every type string of SessionGrantHashing, and the module's domain type, in docs/sessions.md", function () {
    for (const text of [...grantStrings, ...ozEip712Strings]) {
      expect(DOCS.sessions, text).to.include(text);
    }
  });

  it("agrees with the SDK's types and domains", function () {
    expect(encodeType(sdk.INTENT_TYPES, "Intent")).to.equal(typeNamed(intentStrings, "Intent"));
    expect(encodeType(sdk.INTENT_TYPES, "Call")).to.equal(typeNamed(intentStrings, "Call"));
    expect(encodeType(sdk.INTENT_TYPES, "Dependency")).to.equal(
      typeNamed(intentStrings, "Dependency"),
    );
    expect(encodeType(sdk.MESSAGE_TYPES, "IntentWalletMessage")).to.equal(
      typeNamed(intentStrings, "IntentWalletMessage"),
    );
    expect(encodeType(sdk.SESSION_GRANT_TYPES, "SessionGrant")).to.equal(
      typeNamed(grantStrings, "SessionGrant"),
    );
    expect(encodeType(sdk.SESSION_GRANT_TYPES, "Permission")).to.equal(
      typeNamed(grantStrings, "Permission"),
    );

    const wallet = "0x8464135c8F25Da09e49BC8782676a84730C318bC";
    expect(domainTypeOf(sdk.intentDomain({ wallet, chainId: 1n }))).to.equal(
      typeNamed(intentStrings, "EIP712Domain", 5),
    );
    expect(domainTypeOf(sdk.messageDomain({ wallet, chainId: 1n }))).to.equal(
      typeNamed(intentStrings, "EIP712Domain", 4),
    );
    expect(domainTypeOf(sdk.sessionDomain({ module: wallet, chainId: 1n }))).to.equal(
      ozEip712Strings[0],
    );
  });

  it("names the domains as the contracts do", function () {
    const intentHashing = read("contracts/libraries/IntentHashing.sol");
    const intentName = /NAME_HASH = keccak256\("([^"]+)"\)/.exec(intentHashing);
    const intentVersion = /\bVERSION_HASH = keccak256\("([^"]+)"\)/.exec(intentHashing);
    const messageVersion = /MESSAGE_VERSION_HASH = keccak256\("([^"]+)"\)/.exec(intentHashing);
    const moduleDomain = /EIP712\("([^"]+)", "([^"]+)"\)/.exec(
      read("contracts/modules/SessionKeyModule.sol"),
    );
    expect(intentName?.[1]).to.equal("IntentWallet");
    // The intent domain's version is the intent format's; the ERC-1271 message domain keeps "1".
    expect(intentVersion?.[1]).to.equal(sdk.INTENT_FORMAT_VERSION);
    expect(messageVersion?.[1]).to.equal("1");
    const anyWallet = "0x8464135c8F25Da09e49BC8782676a84730C318bC";
    expect(sdk.intentDomain({ wallet: anyWallet, chainId: 1n }).version).to.equal(
      intentVersion?.[1],
    );
    expect(sdk.messageDomain({ wallet: anyWallet, chainId: 1n }).version).to.equal(
      messageVersion?.[1],
    );
    expect(moduleDomain?.slice(1)).to.deep.equal(["IntentWallet Sessions", "1"]);
    const domainValue = (markdown: string, field: string) =>
      tableRows(markdown).find((row) => row[0] === `\`${field}\``)?.[1];
    expect(domainValue(DOCS.intents, "name")).to.equal(`\`"${intentName![1]}"\``);
    expect(domainValue(DOCS.intents, "version")).to.equal(`\`"${intentVersion![1]}"\``);
    expect(DOCS.intents.split("\n")[0]).to.equal(`# Intents, format version ${intentVersion![1]}`);
    const messageSection = sectionTitled(DOCS.intents, "ERC-1271: the wallet's own signatures");
    expect(messageSection).to.include(`\`version = "${messageVersion![1]}"\``);
    expect(messageSection).to.include(`version: "${messageVersion![1]}"`);
    expect(domainValue(DOCS.sessions, "name")).to.equal(`\`"${moduleDomain![1]}"\``);
    expect(domainValue(DOCS.sessions, "version")).to.equal(`\`"${moduleDomain![2]}"\``);
  });
});

/** An `eth_signTypedData_v4` request as the docs show it. */
interface TypedDataRequest {
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  domain: TypedDataDomain;
  message: Record<string, unknown>;
}

/** The docs' typed-data block for `primaryType`, with its digest and account #0's signature. */
async function signedExample(markdown: string, primaryType: string) {
  const blocks = jsonBlocks(markdown) as Array<Partial<TypedDataRequest>>;
  const request = blocks.find((block) => block.primaryType === primaryType) as TypedDataRequest;
  expect(request, `a typed-data block of ${primaryType}`).to.not.equal(undefined);
  const { EIP712Domain: domainFields, ...types } = request.types;
  expect(domainTypeOf(request.domain)).to.equal(
    encodeType({ EIP712Domain: domainFields }, "EIP712Domain"),
  );
  const digest = TypedDataEncoder.hash(request.domain, types, request.message);
  const signature = await new Wallet(HARDHAT_ACCOUNT_0_KEY).signTypedData(
    request.domain,
    types,
    request.message,
  );
  return { request, types, digest, signature, blocks };
}

describe("the worked examples", function () {
  it("docs/intents.md: the typed data hashes to the ID shown, the owner's signature and its bytes are the ones shown, and the JSON parses to the same intent", async function () {
    const { request, types, digest, signature, blocks } = await signedExample(
      DOCS.intents,
      "Intent",
    );
    expect(types).to.deep.equal(JSON.parse(JSON.stringify(sdk.INTENT_TYPES)));

    const wire = blocks.find(
      (block) => (block as { version?: unknown }).version === sdk.SIGNED_INTENT_JSON_VERSION,
    );
    const signed = sdk.parseSignedIntent(wire); // recomputes the ID from the intent
    expect(sdk.serializeSignedIntent(signed)).to.equal(JSON.stringify(wire));
    expect(signed.id).to.equal(digest);
    expect(signed.signature).to.equal(sdk.toOwnerSignature(signature));
    expect(
      sdk.getIntentId({
        intent: signed.intent,
        wallet: String(request.domain.verifyingContract),
        chainId: BigInt(request.domain.chainId!),
        epoch: BigInt(String(request.domain.salt)),
      }),
    ).to.equal(digest);

    expect(signed.intent.validAfter).to.be.greaterThan(0n); // the example is a scheduled intent
    // "A document of `version` `1` (the format before `validAfter`) is refused at path `version`".
    expect(() => sdk.parseSignedIntent({ ...(wire as object), version: 1 }))
      .to.throw(sdk.InvalidSignedIntentError)
      .with.property("path", "version");

    expect(DOCS.intents).to.include(`\`${TypedDataEncoder.hashDomain(request.domain)}\``);
    expect(DOCS.intents).to.include(`\`${sdk.hashIntentStruct(signed.intent)}\``);
    expect(DOCS.intents).to.include(`\`${digest}\``);
    expect(DOCS.intents).to.include(`\`r\` = \`${dataSlice(signature, 0, 32)}\``);
    expect(DOCS.intents).to.include(`\`s\` = \`${dataSlice(signature, 32, 64)}\``);
    expect(DOCS.intents).to.include(`\`v\` = \`${dataSlice(signature, 64)}\``);
  });

  it("docs/relayer-api.md: the signed intent of the wire format's section is one the SDK reads, with the ID the page shows", function () {
    const wire = jsonBlocks(
      sectionTitled(read("docs/relayer-api.md"), "The signed intent (wire format, version 2)"),
    );
    expect(wire).to.have.length(1);
    const signed = sdk.parseSignedIntent(wire[0]); // checks the version, every field and the ID
    const owner = new Wallet(HARDHAT_ACCOUNT_0_KEY).address;
    expect(recoverAddress(signed.id, dataSlice(signed.signature, 1))).to.equal(owner);
    expect(read("docs/relayer-api.md")).to.include(`{ "id": "${signed.id}", "status": "queued" }`);
  });

  it("docs/sessions.md: the grant hashes to the session ID shown, as the SDK computes it, and the owner's signature and carried sizes are the ones shown", async function () {
    const { request, types, digest, signature } = await signedExample(
      DOCS.sessions,
      "SessionGrant",
    );
    expect(types).to.deep.equal(JSON.parse(JSON.stringify(sdk.SESSION_GRANT_TYPES)));

    const message = request.message as Record<string, string> & { permissions: sdk.Permission[] };
    const grant = sdk.buildSessionGrant({
      wallet: message.wallet,
      app: message.app,
      sessionKey: message.sessionKey,
      permissions: message.permissions,
      validAfter: BigInt(message.validAfter),
      validUntil: BigInt(message.validUntil),
      epoch: BigInt(message.epoch),
      salt: BigInt(message.salt),
    });
    const module = String(request.domain.verifyingContract);
    const chainId = BigInt(request.domain.chainId!);
    expect(sdk.getSessionId({ grant, module, chainId })).to.equal(digest);

    expect(DOCS.sessions).to.include(`\`${digest}\``);
    expect(DOCS.sessions).to.include(`\`${signature}\``);
    const carried = dataLength(sdk.encodeCarriedGrant({ grant, ownerSignature: signature }));
    expect(DOCS.sessions).to.include(`then ${carried} bytes`);
    expect(DOCS.sessions).to.include(`relay signature is ${1 + 20 + 65 + carried} bytes`);
  });
});

describe("the links of docs/intents.md, docs/sessions.md and docs/errors.md", function () {
  for (const [name, markdown] of Object.entries(DOCS)) {
    it(`resolves every relative link and anchor of docs/${name}.md`, function () {
      const broken: string[] = [];
      const links = [...withoutCodeBlocks(markdown).matchAll(/\]\(([^)\s]+)\)/g)];
      for (const [, target] of links) {
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split("#");
        const filePath = fileURLToPath(new URL(path === "" ? `${name}.md` : path, DOCS_DIRECTORY));
        if (!existsSync(filePath)) {
          broken.push(`${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && !anchorsOf(readFileSync(filePath, "utf8")).has(anchor)) {
          broken.push(`${target} (no such heading)`);
        }
      }
      expect(links.length).to.be.greaterThan(0);
      expect(broken).to.deep.equal([]);
    });
  }
});
