import { expect } from "chai";
import { getAddress, id as keccakId, JsonRpcProvider, Wallet } from "ethers";

import {
  buildIntent,
  computeWalletAddress,
  InvalidSignedIntentError,
  parseSignedIntent,
  RelayerClient,
  serializeSignedIntent,
  signIntent,
  toSignedIntentJson,
  WalletClient,
  type SignedIntent,
  type WalletCreation,
} from "../../src/sdk/index.js";

/*
 * `create` on a signed intent: how a relayer deploys a wallet that does not exist yet. It is
 * carried by the one signed-intent codec (optional, its addresses and salt written as the other
 * fields), never part of the ID, attached by `signIntent` from a counterfactual wallet's
 * `creation`, and sent by `RelayerClient.submit` as is.
 */

const FACTORY = getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const IMPLEMENTATION = getAddress("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
const OWNER = new Wallet(keccakId("wallet creation owner"));
const SALT = 2n ** 200n;
const CREATE: WalletCreation = { factory: FACTORY, owner: OWNER.address, salt: SALT };

describe("create on a signed intent: the wallet to deploy with it", function () {
  let wallet: WalletClient;
  let signed: SignedIntent;

  before(async function () {
    const runner = new JsonRpcProvider("http://127.0.0.1:1");
    wallet = WalletClient.counterfactual({ ...CREATE, implementation: IMPLEMENTATION, runner });
    runner.destroy();
    signed = await signIntent({
      signer: OWNER,
      intent: buildIntent({ calls: [{ to: FACTORY }], now: 1_700_000_000n }),
      wallet: wallet.address,
      chainId: 31337n,
      create: wallet.creation,
    });
  });

  it("is what a counterfactual wallet client gives as its creation, and nothing for a client made with at", function () {
    expect(wallet.creation).to.deep.equal(CREATE);
    expect(wallet.address).to.equal(
      computeWalletAddress({ ...CREATE, implementation: IMPLEMENTATION }),
    );
    expect(WalletClient.at(wallet.address, new Wallet(keccakId("any"))).creation).to.equal(
      undefined,
    );
  });

  it("is carried by signIntent, and not signed over: the ID is the same without it", async function () {
    const without = await signIntent({
      signer: OWNER,
      intent: signed.intent,
      wallet: wallet.address,
      chainId: 31337n,
    });

    expect(signed.create).to.deep.equal(CREATE);
    expect(without).to.not.have.property("create");
    expect(without.id).to.equal(signed.id);
    expect(without.signature).to.equal(signed.signature);
  });

  it("is written in the JSON with its salt as a decimal string, and read back to an equal signed intent", function () {
    const json = toSignedIntentJson(signed);

    expect(json.create).to.deep.equal({
      factory: FACTORY,
      owner: OWNER.address,
      salt: SALT.toString(),
    });
    expect(parseSignedIntent(serializeSignedIntent(signed))).to.deep.equal(signed);
  });

  it("is left out of the JSON of an intent without it, which reads back without it (old documents stay valid)", function () {
    const { create: _create, ...withoutCreate } = signed;

    const json = toSignedIntentJson(withoutCreate);

    expect(json).to.not.have.property("create");
    expect(parseSignedIntent(JSON.stringify(json))).to.not.have.property("create");
  });

  it("reads lowercase addresses, checksummed", function () {
    const json = toSignedIntentJson(signed);
    const lowercase = {
      ...json,
      create: {
        ...json.create!,
        factory: FACTORY.toLowerCase(),
        owner: OWNER.address.toLowerCase(),
      },
    };

    expect(parseSignedIntent(lowercase).create).to.deep.equal(CREATE);
  });

  const bad: { name: string; create: unknown; path: string; reason: RegExp }[] = [
    {
      name: "a salt as a JSON number",
      create: { ...jsonCreate(), salt: 1 },
      path: "create.salt",
      reason: /decimal string/,
    },
    {
      name: "a negative salt",
      create: { ...jsonCreate(), salt: "-1" },
      path: "create.salt",
      reason: /must not be negative/,
    },
    {
      name: "a salt above 2^256 - 1",
      create: { ...jsonCreate(), salt: (2n ** 256n).toString() },
      path: "create.salt",
      reason: /out of range/,
    },
    {
      name: "a bad checksum",
      create: { ...jsonCreate(), owner: OWNER.address.replace(/[a-f]/, (c) => c.toUpperCase()) },
      path: "create.owner",
      reason: /bad address checksum/,
    },
    {
      name: "a missing factory",
      create: { owner: OWNER.address, salt: "0" },
      path: "create.factory",
      reason: /missing field/,
    },
    {
      name: "an unknown field",
      create: { ...jsonCreate(), implementation: IMPLEMENTATION },
      path: "create",
      reason: /unknown field/,
    },
    { name: "not an object", create: "0x00", path: "create", reason: /expected an object/ },
  ];
  for (const row of bad) {
    it(`refuses a create with ${row.name}, naming ${row.path}`, function () {
      const document = { ...toSignedIntentJson(signed), create: row.create };

      const error = (() => {
        try {
          parseSignedIntent(document);
        } catch (thrown) {
          return thrown;
        }
        return expect.fail("it parsed");
      })();

      expect(error).to.be.instanceOf(InvalidSignedIntentError);
      expect((error as InvalidSignedIntentError).path).to.match(
        new RegExp(`^${row.path.replace(".", "\\.")}`),
      );
      expect((error as InvalidSignedIntentError).reason).to.match(row.reason);
    });
  }

  it("is sent by RelayerClient.submit as part of the body", async function () {
    let body = "";
    const fetch: typeof globalThis.fetch = async (_input, init) => {
      body = String(init?.body);
      return new Response(JSON.stringify({ id: signed.id, status: "queued" }), {
        status: 202,
        headers: { "content-type": "application/json" },
      });
    };

    await new RelayerClient({ url: "http://relayer.test", fetch }).submit(signed);

    expect(JSON.parse(body).create).to.deep.equal({
      factory: FACTORY,
      owner: OWNER.address,
      salt: SALT.toString(),
    });
  });
});

/** `CREATE` as JSON. */
function jsonCreate() {
  return { factory: FACTORY, owner: OWNER.address, salt: SALT.toString() };
}
