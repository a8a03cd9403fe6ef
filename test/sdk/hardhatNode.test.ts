import { expect } from "chai";
import {
  HDNodeWallet,
  id,
  isCallException,
  JsonRpcProvider,
  Network,
  Wallet,
  type ContractTransactionReceipt,
} from "ethers";

import {
  buildIntent,
  buildSessionGrant,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  type BuildIntentParameters,
  type Intent,
  type SignedIntent,
  IntentStatus,
} from "../../src/sdk/index.js";
import {
  CallTarget__factory,
  IntentWallet__factory,
  MockERC20__factory,
  MockExchange__factory,
  SessionKeyModule__factory,
  WalletFactory__factory,
  type CallTarget,
  type IntentWallet,
  type MockERC20,
  type MockExchange,
  type SessionKeyModule,
  type WalletFactory,
} from "../../typechain-types/index.js";
import {
  HARDHAT_MNEMONIC,
  hardhatAccountPath,
  startHardhatNode,
  type HardhatNode,
} from "../helpers/hardhatNode.js";

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */

/** `ISessionKeyModule.SessionStatus.Active`. */
const SESSION_ACTIVE = 2n;

const TOKEN = 10n ** 18n;

/**
 * Intents built and signed by the SDK, relayed to a real `hardhat node` process over JSON-RPC
 * with ethers alone: no Hardhat runtime in this file, contracts deployed from the TypeChain
 * factories' bytecode, the owner a plain private key that never holds ETH.
 */
describe("SDK intents relayed on a real hardhat node over JSON-RPC", function () {
  this.timeout(60_000);

  let node: HardhatNode | undefined;
  let provider: JsonRpcProvider | undefined;
  let world: Awaited<ReturnType<typeof deployWorld>>;

  before(async function () {
    node = await startHardhatNode();
    // cacheTimeout -1: ethers would otherwise answer the same eth_call or nonce query from a
    // 250 ms cache, and read state from before the transaction just mined.
    provider = new JsonRpcProvider(node.url, Network.from(node.chainId), {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 50,
    });
    world = await deployWorld(provider, node.chainId);
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
  });

  /** One of the node's default accounts (funded with 10,000 ETH). */
  function account(index: number, rpc: JsonRpcProvider) {
    return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, hardhatAccountPath(index)).connect(
      rpc,
    );
  }

  async function deployWorld(rpc: JsonRpcProvider, chainId: bigint) {
    const deployer = account(0, rpc);
    const relayer = account(1, rpc);
    const owner = new Wallet(id("hardhatNode test: owner"));
    const sessionKey = new Wallet(id("hardhatNode test: session key"));

    const implementation = await deployed(new IntentWallet__factory(deployer).deploy());
    const factory: WalletFactory = await deployed(
      new WalletFactory__factory(deployer).deploy(await implementation.getAddress()),
    );
    const wallets: IntentWallet[] = [];
    for (const salt of [0n, 1n]) {
      await mined(factory.connect(relayer).createWallet(owner.address, salt));
      const address = await factory.walletAddress(owner.address, salt);
      wallets.push(IntentWallet__factory.connect(address, relayer));
    }
    const target: CallTarget = await deployed(new CallTarget__factory(deployer).deploy());
    const token: MockERC20 = await deployed(new MockERC20__factory(deployer).deploy());
    const module: SessionKeyModule = await deployed(
      new SessionKeyModule__factory(deployer).deploy(),
    );
    const exchange: MockExchange = await deployed(new MockExchange__factory(deployer).deploy());
    await mined(token.mint(await wallets[0].getAddress(), 1_000n * TOKEN));
    await mined(deployer.sendTransaction({ to: await wallets[0].getAddress(), value: TOKEN }));

    return {
      chainId,
      deployer,
      relayer,
      owner,
      sessionKey,
      factory,
      wallet: wallets[0],
      walletAddress: await wallets[0].getAddress(),
      secondWallet: wallets[1],
      secondWalletAddress: await wallets[1].getAddress(),
      target,
      targetAddress: await target.getAddress(),
      token,
      module,
      moduleAddress: await module.getAddress(),
      exchange,
      exchangeAddress: await exchange.getAddress(),
    };
  }

  /** Builds an intent with the SDK's defaults, "now" being the node's latest block. */
  async function intentNow(parameters: BuildIntentParameters): Promise<Intent> {
    const block = await provider!.getBlock("latest");
    return buildIntent({ now: BigInt(block!.timestamp), ...parameters });
  }

  /** Signs `intent` with the owner's private key for `wallet` (the first wallet by default). */
  function ownerSigns(intent: Intent, wallet = world.walletAddress): Promise<SignedIntent> {
    return signIntent({ signer: world.owner, intent, wallet, chainId: world.chainId });
  }

  function ping(x: bigint) {
    return {
      to: world.targetAddress,
      data: world.target.interface.encodeFunctionData("ping", [x]),
    };
  }

  /** Sends `relay(intent, signature)` from the relayer account and waits for its receipt. */
  async function relay(signed: SignedIntent): Promise<ContractTransactionReceipt> {
    const wallet = IntentWallet__factory.connect(signed.wallet, world.relayer);
    return mined(wallet.relay(signed.intent, signed.signature));
  }

  /** The `IntentRelayed` events of `receipt`. */
  function relayedEvents(receipt: ContractTransactionReceipt) {
    return receipt.logs.flatMap((log) => {
      const parsed = world.wallet.interface.parseLog(log);
      if (parsed?.name !== "IntentRelayed") return [];
      return [
        {
          wallet: log.address,
          id: parsed.args.id as string,
          success: parsed.args.success as boolean,
        },
      ];
    });
  }

  it("relays an owner-signed call, with the SDK's ID equal to the wallet's and the receipt recorded", async function () {
    const { wallet, walletAddress, target, relayer, owner } = world;
    const pingsBefore = await target.pings();
    const intent = await intentNow({ calls: [ping(7n)] });
    const signed = await ownerSigns(intent);

    expect(await wallet.intentId(intent)).to.equal(signed.id);
    const receipt = await relay(signed);

    expect(receipt.status).to.equal(1);
    expect(receipt.from).to.equal(relayer.address);
    expect(relayedEvents(receipt)).to.deep.equal([
      { wallet: walletAddress, id: signed.id, success: true },
    ]);
    const record = await wallet.intentReceipt(signed.id);
    expect(record.status).to.equal(IntentStatus.Succeeded);
    expect(record.relayer).to.equal(relayer.address);
    expect(record.blockNumber).to.equal(BigInt(receipt.blockNumber));
    expect(await target.pings()).to.equal(pingsBefore + 1n);
    expect(await target.lastCaller()).to.equal(walletAddress);
    expect(await provider!.getBalance(owner.address)).to.equal(0n, "the owner never pays gas");
  });

  it("relays a batch: a token transfer, an ETH payment and a call, all in one intent", async function () {
    const { wallet, walletAddress, token, target } = world;
    const recipient = new Wallet(id("hardhatNode test: recipient")).address;
    const pingsBefore = await target.pings();
    const tokensBefore = await token.balanceOf(walletAddress);
    const intent = await intentNow({
      calls: [
        {
          to: await token.getAddress(),
          data: token.interface.encodeFunctionData("transfer", [recipient, 5n * TOKEN]),
        },
        { to: recipient, value: 1_234n },
        ping(8n),
      ],
    });

    const receipt = await relay(await ownerSigns(intent));

    expect(relayedEvents(receipt)[0].success).to.equal(true);
    expect(await token.balanceOf(recipient)).to.equal(5n * TOKEN);
    expect(await token.balanceOf(walletAddress)).to.equal(tokensBefore - 5n * TOKEN);
    expect(await provider!.getBalance(recipient)).to.equal(1_234n);
    expect(await target.pings()).to.equal(pingsBefore + 1n);
    expect((await wallet.intentReceipt(relayedEvents(receipt)[0].id)).status).to.equal(
      IntentStatus.Succeeded,
    );
  });

  it("relays a dependency chain across two wallets only in order", async function () {
    const { wallet, walletAddress, secondWallet, secondWalletAddress } = world;
    const first = await ownerSigns(await intentNow({ calls: [ping(1n)] }));
    const second = await ownerSigns(
      await intentNow({
        calls: [ping(2n)],
        dependencies: [{ wallet: walletAddress, id: first.id }],
      }),
      secondWalletAddress,
    );
    const third = await ownerSigns(
      await intentNow({
        calls: [ping(3n)],
        dependencies: [{ wallet: secondWalletAddress, id: second.id }],
      }),
    );

    const early = await revertOf(secondWallet, second);
    expect(early).to.deep.equal({
      name: "IntentDependencyNotMet",
      args: [second.id, walletAddress, first.id],
    });

    const blocks: number[] = [];
    for (const signed of [first, second, third]) {
      const receipt = await relay(signed);
      expect(relayedEvents(receipt)).to.deep.equal([
        { wallet: signed.wallet, id: signed.id, success: true },
      ]);
      blocks.push(receipt.blockNumber);
    }
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
    expect((await wallet.intentReceipt(third.id)).status).to.equal(IntentStatus.Succeeded);
    expect((await secondWallet.intentReceipt(second.id)).status).to.equal(IntentStatus.Succeeded);
  });

  it("relays session-key intents: the first carries the owner's grant, the next needs none", async function () {
    const { wallet, walletAddress, module, moduleAddress, exchange, exchangeAddress, sessionKey } =
      world;
    const install = await ownerSigns(
      await intentNow({
        calls: [
          {
            to: walletAddress,
            data: wallet.interface.encodeFunctionData("installModule", [moduleAddress]),
          },
        ],
      }),
    );
    await relay(install);
    expect(await wallet.isModuleInstalled(moduleAddress)).to.equal(true);

    const block = await provider!.getBlock("latest");
    const grant = buildSessionGrant({
      wallet: walletAddress,
      app: "trade.example.com",
      sessionKey: sessionKey.address,
      permissions: [
        { target: exchangeAddress, functionSignature: "placeOrder(uint256,uint256)" },
        { target: exchangeAddress, functionSignature: "modifyOrder(uint256,uint256,uint256)" },
      ],
      validUntil: BigInt(block!.timestamp) + 3_600n,
    });
    const signedGrant = await signSessionGrant({
      signer: world.owner,
      grant,
      module: moduleAddress,
      chainId: world.chainId,
    });
    expect(await module.sessionId(grant)).to.equal(signedGrant.id);

    const place = await signSessionIntent({
      sessionKey,
      intent: await intentNow({
        calls: [
          {
            to: exchangeAddress,
            data: exchange.interface.encodeFunctionData("placeOrder", [100n, 5n]),
          },
        ],
      }),
      wallet: walletAddress,
      chainId: world.chainId,
      module: moduleAddress,
      carry: signedGrant,
    });
    const placed = await relay(place);
    expect(relayedEvents(placed)).to.deep.equal([
      { wallet: walletAddress, id: place.id, success: true },
    ]);
    expect(await module.sessionStatus(grant)).to.equal(SESSION_ACTIVE);
    const orderId = await exchange.orderCount();
    expect((await exchange.orders(orderId)).maker).to.equal(walletAddress);

    const modify = await signSessionIntent({
      sessionKey,
      intent: await intentNow({
        calls: [
          {
            to: exchangeAddress,
            data: exchange.interface.encodeFunctionData("modifyOrder", [orderId, 101n, 6n]),
          },
        ],
      }),
      wallet: walletAddress,
      chainId: world.chainId,
      module: moduleAddress,
    });
    await relay(modify);
    const order = await exchange.orders(orderId);
    expect([order.price, order.amount, order.open]).to.deep.equal([101n, 6n, true]);
    expect((await wallet.intentReceipt(modify.id)).status).to.equal(IntentStatus.Succeeded);
  });
});

/** Waits for a deployment to be mined and returns the contract. */
async function deployed<Contract extends { waitForDeployment(): Promise<unknown> }>(
  deployment: Promise<Contract>,
): Promise<Contract> {
  const contract = await deployment;
  await contract.waitForDeployment();
  return contract;
}

/** Waits for a sent transaction's receipt. */
async function mined<Receipt>(
  sent: Promise<{ wait(): Promise<Receipt | null> }>,
): Promise<Receipt> {
  const receipt = await (await sent).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt;
}

/** The custom error that relaying `signed` on `wallet` reverts with (simulated with eth_call). */
async function revertOf(
  wallet: IntentWallet,
  signed: SignedIntent,
): Promise<{ name: string; args: unknown[] }> {
  try {
    await wallet.relay.staticCall(signed.intent, signed.signature);
  } catch (error) {
    if (isCallException(error) && error.revert !== null) {
      return { name: error.revert.name, args: [...error.revert.args] };
    }
    throw error;
  }
  expect.fail("the relay did not revert");
}
