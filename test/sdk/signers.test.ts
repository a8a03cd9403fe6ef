import { expect } from "chai";
import {
  HDNodeWallet,
  id,
  isCallException,
  JsonRpcProvider,
  Network,
  Wallet,
  type JsonRpcSigner,
} from "ethers";

import { buildIntent, signIntent, type Intent, type SignedIntent } from "../../src/sdk/index.js";
import {
  CallTarget__factory,
  ERC1271Owner__factory,
  IntentWallet__factory,
  WalletFactory__factory,
  type CallTarget,
  type WalletFactory,
} from "../../typechain-types/index.js";
import {
  HARDHAT_MNEMONIC,
  hardhatAccountPath,
  startHardhatNode,
  type HardhatNode,
} from "../helpers/hardhatNode.js";

/**
 * The SDK signs with any ethers Signer: here a node account through eth_signTypedData_v4 (what a
 * browser wallet answers) and an ERC-1271 contract owner, on a real `hardhat node` over JSON-RPC.
 */
describe("SDK signing with any ethers Signer, on a real hardhat node", function () {
  this.timeout(60_000);

  let node: HardhatNode | undefined;
  let provider: JsonRpcProvider;
  let relayer: HDNodeWallet;
  let factory: WalletFactory;
  let target: CallTarget;
  let chainId: bigint;

  before(async function () {
    node = await startHardhatNode();
    chainId = node.chainId;
    provider = new JsonRpcProvider(node.url, Network.from(chainId), {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 50,
    });
    relayer = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, hardhatAccountPath(1)).connect(
      provider,
    );
    const implementation = await new IntentWallet__factory(relayer).deploy();
    await implementation.waitForDeployment();
    factory = await new WalletFactory__factory(relayer).deploy(await implementation.getAddress());
    await factory.waitForDeployment();
    target = await new CallTarget__factory(relayer).deploy();
    await target.waitForDeployment();
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
  });

  /** Creates the wallet of `owner` (salt 0) and returns its address. */
  async function walletOf(owner: string): Promise<string> {
    await (await factory.createWallet(owner, 0n)).wait();
    return factory.walletAddress(owner, 0n);
  }

  async function pingIntent(x: bigint): Promise<Intent> {
    const block = await provider.getBlock("latest");
    return buildIntent({
      calls: [
        { to: await target.getAddress(), data: target.interface.encodeFunctionData("ping", [x]) },
      ],
      now: BigInt(block!.timestamp),
    });
  }

  async function relayed(signed: SignedIntent): Promise<bigint> {
    const wallet = IntentWallet__factory.connect(signed.wallet, relayer);
    await (await wallet.relay(signed.intent, signed.signature)).wait();
    return wallet.intentStatus(signed.id);
  }

  it("relays an intent signed by a node account through eth_signTypedData_v4, as a browser wallet signs", async function () {
    const browserSigner: JsonRpcSigner = await provider.getSigner(2);
    const signTypedDataRequests: string[] = [];
    const send = provider.send.bind(provider);
    provider.send = async (method, params) => {
      signTypedDataRequests.push(method);
      return send(method, params);
    };
    try {
      const wallet = await walletOf(await browserSigner.getAddress());
      const signed = await signIntent({
        signer: browserSigner,
        intent: await pingIntent(1n),
        wallet,
        chainId,
      });
      expect(signTypedDataRequests).to.include("eth_signTypedData_v4");
      expect(await relayed(signed)).to.equal(1n);
    } finally {
      provider.send = send;
    }
  });

  it("relays an intent of a wallet whose owner is an ERC-1271 contract, signed by the key that contract accepts", async function () {
    const contractSigner = new Wallet(id("signers test: ERC-1271 owner's key"));
    const ownerContract = await new ERC1271Owner__factory(relayer).deploy(contractSigner.address);
    await ownerContract.waitForDeployment();
    const wallet = await walletOf(await ownerContract.getAddress());

    const signed = await signIntent({
      signer: contractSigner,
      intent: await pingIntent(2n),
      wallet,
      chainId,
    });
    expect(await relayed(signed)).to.equal(1n);

    const stranger = new Wallet(id("signers test: stranger"));
    const forged = await signIntent({
      signer: stranger,
      intent: await pingIntent(3n),
      wallet,
      chainId,
    });
    const refusal = await IntentWallet__factory.connect(wallet, relayer)
      .relay.staticCall(forged.intent, forged.signature)
      .then(
        () => "relayed",
        (error: unknown) => (isCallException(error) ? error.revert?.name : String(error)),
      );
    expect(refusal).to.equal("IntentInvalidSignature");
  });
});
