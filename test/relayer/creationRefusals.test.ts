import { expect } from "chai";
import { concat, id, Wallet, ZeroAddress } from "ethers";

import { RelayerClient, RelayerError, type SignedIntent } from "../../src/sdk/index.js";
import { WalletFactory__factory } from "../../typechain-types/index.js";
import {
  fundedCounterfactual,
  signForCounterfactual,
  type Counterfactual,
} from "../helpers/counterfactual.js";
import {
  nodeAccount,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import { startRelayerProcess, type RelayerProcess } from "../helpers/relayerProcess.js";

/*
 * What the relayer refuses about wallets to create, each refusal leaving nothing behind: no
 * intent stored, no wallet deployed. A `create` that does not deploy `wallet` through the
 * served factory is `400 invalid_field` at `create`; a wallet with no code and no `create` is
 * `403 wallet_not_served`, told to send `create`; a clone made by another factory is not served.
 */
describe("Relayer refuses wallets it cannot create or does not serve, on a real hardhat node", function () {
  this.timeout(180_000);
  let world: NodeWorld;
  let relayer: RelayerProcess;
  let client: RelayerClient;
  let factory: string;
  /** Another factory of the same implementation: its clones are not this relayer's. */
  let otherFactory: string;

  before(async function () {
    world = await startNodeWorld(1);
    factory = await world.factory.getAddress();
    const deployed = await new WalletFactory__factory(nodeAccount(0, world.provider)).deploy(
      world.implementation,
    );
    otherFactory = await deployed.getAddress();
    relayer = await startRelayerProcess(relayerEnvFor(world, { RELAYER_FACTORY: factory }));
    client = new RelayerClient({ url: relayer.url });
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(relayer.output().slice(-5_000));
  });

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

  /** Expects `400 invalid_field` at `create` with a reason matching `reason`, the wallet still undeployed. */
  async function expectBadCreate(wallet: Counterfactual, signed: SignedIntent, reason: RegExp) {
    const error = await refused(signed);
    expect([error.status, error.code]).to.deep.equal([400, "invalid_field"]);
    expect(error.errorDetails?.path).to.equal("create");
    expect(error.errorDetails?.reason).to.match(reason);
    expect(error.shortMessage).to.match(/^create: /);
    expect(await world.provider.getCode(wallet.address)).to.equal("0x");
  }

  it("refuses 400 at create a create of another owner: it does not yield the wallet", async function () {
    const wallet = await fundedCounterfactual(world, "wrong owner");
    const create = { ...wallet.create, owner: new Wallet(id("someone else")).address };
    const signed = await signForCounterfactual(
      world,
      wallet,
      { calls: [pingCall(world, 1n)] },
      { create },
    );
    await expectBadCreate(
      wallet,
      signed,
      /creates the wallet of owner 0x[0-9a-fA-F]{40} and salt 0 at 0x[0-9a-fA-F]{40}, not at wallet/,
    );
  });

  it("refuses 400 at create a create of another salt", async function () {
    const wallet = await fundedCounterfactual(world, "wrong salt");
    const create = { ...wallet.create, salt: 1n };
    const signed = await signForCounterfactual(
      world,
      wallet,
      { calls: [pingCall(world, 2n)] },
      { create },
    );
    await expectBadCreate(
      wallet,
      signed,
      new RegExp(`and salt 1 at .*, not at wallet ${wallet.address}`),
    );
  });

  it("refuses 400 at create a create naming a factory this relayer does not serve, even one of the same implementation", async function () {
    const wallet = await fundedCounterfactual(world, "other factory");
    const create = { ...wallet.create, factory: otherFactory };
    const signed = await signForCounterfactual(
      world,
      wallet,
      { calls: [pingCall(world, 3n)] },
      { create },
    );
    await expectBadCreate(
      wallet,
      signed,
      new RegExp(`factory ${otherFactory} is not the factory this relayer serves \\(${factory}\\)`),
    );
  });

  it("refuses 400 at create a create for the zero owner, which the factory would refuse", async function () {
    const wallet = await fundedCounterfactual(world, "zero owner", { owner: ZeroAddress });
    const signed = await signForCounterfactual(world, wallet, { calls: [pingCall(world, 4n)] });
    await expectBadCreate(wallet, signed, /owner is the zero address/);
  });

  it("refuses 403 wallet_not_served a wallet with no code submitted without create, telling it to send create", async function () {
    const wallet = await fundedCounterfactual(world, "no create");
    const signed = await signForCounterfactual(
      world,
      wallet,
      { calls: [pingCall(world, 5n)] },
      { create: undefined },
    );

    const error = await refused(signed);

    expect([error.status, error.code]).to.deep.equal([403, "wallet_not_served"]);
    expect(error.shortMessage).to.include(
      `wallet ${wallet.address}: it has no code (not deployed yet)`,
    );
    expect(error.shortMessage).to.include(
      `submit the intent with \`create\` ({ factory: ${factory}, owner, salt }, or { factory: ${factory}, keys, threshold, salt } for a key set)`,
    );
    expect(error.errorDetails).to.deep.equal({ wallet: wallet.address });
  });

  it("refuses 403 wallet_not_served a deployed clone of the same implementation made by another factory", async function () {
    const owner = new Wallet(id("a clone of another factory"));
    const other = WalletFactory__factory.connect(otherFactory, nodeAccount(0, world.provider));
    await (await other.createWallet(owner.address, 0n)).wait();
    const clone: Counterfactual = {
      key: owner,
      address: await other.walletAddress(owner.address, 0n),
      create: { factory: otherFactory, owner: owner.address, salt: 0n },
    };
    const signed = await signForCounterfactual(
      world,
      clone,
      { calls: [pingCall(world, 6n)] },
      { create: undefined },
    );

    const error = await refused(signed);

    expect([error.status, error.code]).to.deep.equal([403, "wallet_not_served"]);
    expect(error.shortMessage).to.equal(`this relayer does not serve wallet ${clone.address}`);
    expect(error.errorDetails).to.deep.equal({ wallet: clone.address });
  });

  it("refuses 400 invalid_signature an intent of a wallet to create signed by someone other than create.owner", async function () {
    const wallet = await fundedCounterfactual(world, "forged");
    const stranger = new Wallet(id("a stranger"));
    const signed = await signForCounterfactual(
      world,
      wallet,
      { calls: [pingCall(world, 7n)] },
      { signer: stranger },
    );

    const error = await refused(signed);

    expect([error.status, error.code]).to.deep.equal([400, "invalid_signature"]);
    expect(error.errorDetails).to.deep.equal({ signer: stranger.address });
    expect(error.shortMessage).to.include(
      `it is not signed by create.owner ${wallet.create.owner}`,
    );
    expect(await world.provider.getCode(wallet.address)).to.equal("0x");
  });

  it("refuses 400 invalid_signature a module signature for a wallet to create: no module is installed on it", async function () {
    const wallet = await fundedCounterfactual(world, "module signed");
    const owned = await signForCounterfactual(world, wallet, { calls: [pingCall(world, 8n)] });
    const signed = { ...owned, signature: concat(["0x01", world.moduleAddress, "0x1234"]) };

    const error = await refused(signed);

    expect([error.status, error.code]).to.deep.equal([400, "invalid_signature"]);
    expect(error.shortMessage).to.match(
      /only its owner's signature \(kind 0x00\) authorizes its first intents/,
    );
  });

  it("refuses 400 invalid_field at epoch an intent of a wallet to create signed for an epoch above 0", async function () {
    const wallet = await fundedCounterfactual(world, "epoch ahead");
    const signed = await signForCounterfactual(
      world,
      wallet,
      { calls: [pingCall(world, 9n)] },
      { epoch: 1n },
    );

    const error = await refused(signed);

    expect([error.status, error.code]).to.deep.equal([400, "invalid_field"]);
    expect(error.errorDetails).to.deep.equal({ path: "epoch" });
    expect(error.shortMessage).to.include(`wallet ${wallet.address} is not deployed yet`);
  });
});
