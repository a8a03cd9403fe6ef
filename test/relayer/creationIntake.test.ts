import { expect } from "chai";
import { getAddress, id as keccakText, Wallet, type Provider } from "ethers";

import { checkCreateField } from "../../src/relayer/creation/createField.js";
import { checkCreation } from "../../src/relayer/creation/intake.js";
import { IntentRelayerService } from "../../src/relayer/IntentRelayerService.js";
import { SpendingPolicy } from "../../src/relayer/policy.js";
import { MemoryIntentStore } from "../../src/relayer/store/index.js";
import {
  buildIntent,
  computeWalletAddress,
  signIntent,
  type SignedIntent,
} from "../../src/sdk/index.js";

/*
 * The intake's local half of deploy on first use: a `create` that does not deploy `wallet`
 * through the served factory is refused from the document alone, before any JSON-RPC call, and
 * an intent without `create` costs the creation checks no call either.
 */

const CHAIN_ID = 31337n;
const FACTORY = getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const IMPLEMENTATION = getAddress("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
const RELAYER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OWNER = new Wallet(keccakText("creation intake owner"));
const SALT = 3n;
const WALLET = computeWalletAddress({
  factory: FACTORY,
  implementation: IMPLEMENTATION,
  owner: OWNER.address,
  salt: SALT,
});
const SERVED = { factory: FACTORY, implementation: IMPLEMENTATION };

/** A node that counts its reads and answers none (the connection is refused). */
function refusingNode(): Provider & { reads: number } {
  const node = { reads: 0 };
  const read = () => {
    node.reads++;
    return Promise.reject(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    );
  };
  for (const method of ["call", "getCode", "getBlock", "getLogs", "getNetwork", "getBalance"]) {
    Object.assign(node, { [method]: read });
  }
  return node as unknown as Provider & { reads: number };
}

describe("deploy on first use at the intake: checks of create that need no node", function () {
  let signed: SignedIntent;

  before(async function () {
    signed = await signIntent({
      signer: OWNER,
      intent: buildIntent({ calls: [{ to: RELAYER }] }),
      wallet: WALLET,
      chainId: CHAIN_ID,
      create: { factory: FACTORY, owner: OWNER.address, salt: SALT },
    });
  });

  it("accepts a create that deploys the wallet through the served factory, addresses in any case", function () {
    const lowercase = {
      ...signed,
      wallet: WALLET.toLowerCase(),
      create: {
        ...signed.create!,
        factory: FACTORY.toLowerCase(),
        owner: OWNER.address.toLowerCase(),
      },
    };

    expect(checkCreateField(signed, SERVED)).to.equal(undefined);
    expect(checkCreateField(lowercase, SERVED)).to.equal(undefined);
  });

  it("accepts an intent without create: there is nothing to check", function () {
    const { create: _create, ...withoutCreate } = signed;
    expect(checkCreateField(withoutCreate, undefined)).to.equal(undefined);
  });

  it("refuses a create on a relayer that serves no factory", function () {
    expect(checkCreateField(signed, undefined)).to.deep.equal({
      code: "invalid_field",
      message: "create: this relayer serves no wallet factory: it creates no wallets",
      details: {
        path: "create",
        reason: "this relayer serves no wallet factory: it creates no wallets",
      },
    });
  });

  it("refuses a create whose salt is the largest uint256, naming the address it gives", function () {
    const create = { ...signed.create!, salt: 2n ** 256n - 1n };
    const created = computeWalletAddress({ ...SERVED, owner: OWNER.address, salt: create.salt });

    const refusal = checkCreateField({ ...signed, create }, SERVED);

    expect(refusal?.details?.reason).to.equal(
      `factory ${FACTORY} creates the wallet of owner ${OWNER.address} and salt ${create.salt} at ${created}, not at wallet ${WALLET}`,
    );
  });

  it("answers a bad create with invalid_field, not unavailable, from a relayer whose node does not answer: no JSON-RPC call was made", async function () {
    const node = refusingNode();
    const policy = new SpendingPolicy({
      ...SERVED,
      allowedWallets: [],
      ratePerMinute: 600,
      gasBudgetWei: 10n ** 18n,
      budgetPeriodMs: 3_600_000,
    });
    const service = new IntentRelayerService({
      provider: node,
      store: new MemoryIntentStore(),
      policy,
      chainId: CHAIN_ID,
      relayerAddress: RELAYER,
    });
    const create = { ...signed.create!, salt: SALT + 1n };

    const outcome = await service.submit({ ...signed, create });

    expect(outcome.ok).to.equal(false);
    expect(!outcome.ok && outcome.refusal.code).to.equal("invalid_field");
    expect(!outcome.ok && outcome.refusal.details?.path).to.equal("create");
    expect(node.reads).to.equal(0);
  });

  it("makes no JSON-RPC call for the creation checks of an intent without create", async function () {
    const node = refusingNode();
    const { create: _create, ...withoutCreate } = signed;

    const simulate = () => expect.fail("nothing to simulate without create");
    expect(await checkCreation({ provider: node }, withoutCreate, simulate)).to.equal(undefined);
    expect(node.reads).to.equal(0);
  });
});
