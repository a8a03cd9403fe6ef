import { expect } from "chai";
import { readFileSync } from "node:fs";

import { Wallet, verifyTypedData } from "ethers";

import {
  InvalidSignedGrantError,
  buildSessionGrant,
  mutableGrantTypes,
  sessionDomain,
  parseSignedGrant,
  serializeSignedGrant,
  signSessionGrant,
  type SignedSessionGrant,
} from "../../src/sdk/index.js";

const owner = new Wallet("0x" + "11".repeat(32));
const sessionKey = new Wallet("0x" + "22".repeat(32));
const MODULE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const EXCHANGE = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

async function signedGrant(overrides: Partial<SignedSessionGrant["grant"]> = {}) {
  const grant = buildSessionGrant({
    wallet: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
    app: "trade.example.com",
    sessionKey: sessionKey.address,
    permissions: [{ target: EXCHANGE, functionSignature: "placeOrder(uint256,uint256)" }],
    validUntil: 1_900_000_000n,
    ...overrides,
  });
  return signSessionGrant({ signer: owner, grant, module: MODULE, chainId: 31337n });
}

/** The JSON of a signed grant, changed by `edit`, as text. */
async function edited(edit: (document: Record<string, any>) => void): Promise<string> {
  const document = JSON.parse(serializeSignedGrant(await signedGrant()));
  edit(document);
  return JSON.stringify(document);
}

describe("signed grant JSON (version 1): one codec for the SDK and the tasks", function () {
  it("gives back an equal signed grant, at the edges of every integer's on-chain range", async function () {
    for (const overrides of [
      {},
      { validAfter: 2n ** 48n - 2n, validUntil: 2n ** 48n - 1n, epoch: 2n ** 32n - 1n },
      { salt: 2n ** 256n - 1n, epoch: 0n, validAfter: 0n },
    ]) {
      const signed = await signedGrant(overrides);
      expect(parseSignedGrant(serializeSignedGrant(signed))).to.deep.equal(signed);
    }
  });

  it("writes every integer as a decimal string and the version 1", async function () {
    const document = JSON.parse(serializeSignedGrant(await signedGrant({ salt: 2n ** 70n })));
    expect(document.version).to.equal(1);
    expect(document.chainId).to.equal("31337");
    expect(document.grant.salt).to.equal((2n ** 70n).toString());
    expect(document.grant.validUntil).to.equal("1900000000");
  });

  const refusals: Array<{
    name: string;
    edit: (d: Record<string, any>) => void;
    path: string;
    reason: RegExp;
  }> = [
    {
      name: "another version",
      edit: (d) => (d.version = 2),
      path: "version",
      reason: /^unsupported version 2 \(this SDK reads version 1\)$/,
    },
    {
      name: "an unknown field",
      edit: (d) => (d.grant.scope = "all"),
      path: "grant.scope",
      reason: /^unknown field/,
    },
    {
      name: "a missing field",
      edit: (d) => delete d.grant.sessionKey,
      path: "grant.sessionKey",
      reason: /^missing field$/,
    },
    {
      name: "a validUntil above 48 bits",
      edit: (d) => (d.grant.validUntil = (2n ** 48n).toString()),
      path: "grant.validUntil",
      reason: /^out of range: at most 2\^48 - 1/,
    },
    {
      name: "an epoch above 32 bits",
      edit: (d) => (d.grant.epoch = (2n ** 32n).toString()),
      path: "grant.epoch",
      reason: /^out of range: at most 2\^32 - 1/,
    },
    {
      name: "a JSON number",
      edit: (d) => (d.grant.salt = 5),
      path: "grant.salt",
      reason: /^expected a decimal string, got 5/,
    },
    {
      name: "a bad checksum",
      edit: (d) =>
        (d.module = d.module.slice(0, 3) + d.module.slice(3).toUpperCase().replace("0X", "0x")),
      path: "module",
      reason: /checksum/,
    },
    {
      name: "a permission that is no object",
      edit: (d) => (d.grant.permissions = ["x"]),
      path: "grant.permissions[0]",
      reason: /^expected an object, got "x"$/,
    },
    {
      name: "an app that is no string",
      edit: (d) => (d.grant.app = 7),
      path: "grant.app",
      reason: /^expected a string, got 7$/,
    },
    {
      name: "an ID of another grant",
      edit: (d) => (d.grant.app = "evil.example.com"),
      path: "id",
      reason: /^does not match the grant/,
    },
  ];
  for (const { name, edit, path, reason } of refusals) {
    it(`refuses ${name} with the path ${path} and the reason`, async function () {
      const text = await edited(edit);
      expect(() => parseSignedGrant(text))
        .to.throw(InvalidSignedGrantError)
        .that.satisfies(
          (error: InvalidSignedGrantError) => error.path === path && reason.test(error.reason),
        );
    });
  }

  it("refuses to write a grant whose ID does not match it", async function () {
    const signed = await signedGrant();
    expect(() =>
      serializeSignedGrant({ ...signed, grant: { ...signed.grant, salt: 1n } }),
    ).to.throw(InvalidSignedGrantError, /does not match the grant/);
  });
});

describe("docs/protocol.md's signed grant", function () {
  it("reads with parseSignedGrant: its ID matches and the owner (Hardhat's account #0) signed it", function () {
    const page = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");
    const json = /```json\n([\s\S]*?)```/.exec(page)![1];
    const signed = parseSignedGrant(json);
    const signer = verifyTypedData(
      sessionDomain(signed),
      mutableGrantTypes(),
      signed.grant,
      signed.ownerSignature,
    );
    expect(signer).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  });
});
