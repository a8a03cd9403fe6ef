import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import {
  AbiCoder,
  concat,
  getCreate2Address,
  getCreateAddress,
  HDNodeWallet,
  id,
  JsonRpcProvider,
  keccak256,
  Network,
  Transaction,
  type Signer,
} from "ethers";
import { network } from "hardhat";

import {
  CREATE2_DEPLOYER,
  CREATE2_DEPLOYER_DEPLOYMENT,
  CREATE2_DEPLOYER_RUNTIME_CODE,
  ensureCreate2Deployer,
} from "../../deploy/create2.js";
import {
  deployIntentWallet,
  INTENT_WALLET_SALT,
  predictIntentWalletAddresses,
  type DeployIntentWalletReturnType,
} from "../../deploy/deployIntentWallet.js";
import { Create2DeployerMissingError, DeployedCodeMismatchError } from "../../deploy/errors.js";
import { readDeployedBatcher } from "../../src/relayer/batching.js";
import { readDeployment, type Deployment } from "../../src/protocol/deployments.js";
import { encodeBatchEntries } from "../../src/sdk/index.js";
import {
  IntentBatcher__factory,
  IntentWallet__factory,
  SessionKeyModule__factory,
  WalletFactory__factory,
  type CallTarget,
  type IntentWallet,
} from "../../typechain-types/index.js";
import {
  HARDHAT_MNEMONIC,
  hardhatAccountPath,
  startHardhatNode,
  type HardhatNode,
} from "../helpers/hardhatNode.js";
import { targetCall } from "../helpers/intents.js";
import { buildIntentNow, signForWallet } from "../helpers/walletFixture.js";

const { ethers, networkHelpers } = await network.create();

const HARDHAT_CLI = fileURLToPath(new URL("../../node_modules/.bin/hardhat", import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Temporary deployment folders, removed after the run: the repository's `deployments/` is never touched. */
const directories: string[] = [];
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "intent-wallet-deployments-"));
  directories.push(directory);
  return directory;
}
after(async function () {
  await Promise.all(
    directories.map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

/**
 * Where the contracts must be, computed here independently of `deploy/`: CREATE2 through the
 * proxy with salt keccak256("IntentWallet v1"), the factory's init code being its creation code
 * followed by abi.encode(implementation); the batcher has no constructor arguments.
 */
function expectedAddresses() {
  const salt = id("IntentWallet v1");
  const at = (initCode: string) => getCreate2Address(CREATE2_DEPLOYER, salt, keccak256(initCode));
  const implementation = at(IntentWallet__factory.bytecode);
  const factoryArguments = AbiCoder.defaultAbiCoder().encode(["address"], [implementation]);
  return {
    implementation,
    factory: at(concat([WalletFactory__factory.bytecode, factoryArguments])),
    sessionModule: at(SessionKeyModule__factory.bytecode),
    batcher: at(IntentBatcher__factory.bytecode),
  };
}

/** The recorded `Deployment` fields of a `deployIntentWallet` result (what `readDeployment` reads back). */
function deploymentOf(result: DeployIntentWalletReturnType): Deployment {
  const { chainId, create2Deployer, salt, implementation, factory, sessionModule, batcher } =
    result;
  return { chainId, create2Deployer, salt, implementation, factory, sessionModule, batcher };
}

/** The four contracts' addresses of a `deployIntentWallet` result. */
function addressesOf(result: DeployIntentWalletReturnType) {
  const { implementation, factory, sessionModule, batcher } = result;
  return { implementation, factory, sessionModule, batcher };
}

const ALL_DEPLOYED = { implementation: true, factory: true, sessionModule: true, batcher: true };
const NONE_DEPLOYED = {
  implementation: false,
  factory: false,
  sessionModule: false,
  batcher: false,
};

/** Runs `deployIntentWallet`, collecting its log lines. */
async function deployLogged(signer: Signer, directory: string) {
  const lines: string[] = [];
  const result = await deployIntentWallet({ signer, directory, log: (line) => lines.push(line) });
  return { result, lines };
}

describe("deployIntentWallet on the in-process network", function () {
  async function fixture() {
    const [deployer, owner, relayer] = await ethers.getSigners();
    const directory = await temporaryDirectory();
    const proxyCodeBefore = await ethers.provider.getCode(CREATE2_DEPLOYER);
    const first = await deployLogged(deployer, directory);
    const firstFile = await readFile(join(directory, "31337.json"), "utf8");
    return { deployer, owner, relayer, directory, proxyCodeBefore, first, firstFile };
  }

  it("installs the missing CREATE2 deployer, then deploys the implementation, the factory, the session module and the batcher at their CREATE2 addresses", async function () {
    const { proxyCodeBefore, first } = await networkHelpers.loadFixture(fixture);
    const expected = expectedAddresses();

    expect(proxyCodeBefore).to.equal("0x");
    expect(first.result.create2DeployerInstalled).to.equal(true);
    expect(await ethers.provider.getCode(CREATE2_DEPLOYER)).to.equal(CREATE2_DEPLOYER_RUNTIME_CODE);
    expect(first.result.deployed).to.deep.equal(ALL_DEPLOYED);
    expect(addressesOf(first.result)).to.deep.equal(expected);
    expect(predictIntentWalletAddresses()).to.deep.equal(expected);
    expect(first.result.salt).to.equal(INTENT_WALLET_SALT).and.to.equal(id("IntentWallet v1"));
    for (const address of Object.values(expected)) {
      expect(await ethers.provider.getCode(address)).to.not.equal("0x");
    }
    const factory = WalletFactory__factory.connect(expected.factory, ethers.provider);
    expect(await factory.implementation()).to.equal(expected.implementation);
    for (const receipt of Object.values(first.result.receipts)) {
      expect(receipt?.to).to.equal(CREATE2_DEPLOYER);
    }
    expect(first.lines).to.include(
      `CREATE2 deployer installed at ${CREATE2_DEPLOYER} (hardhat_setCode: a local chain)`,
    );
    expect(first.lines.filter((line) => /\bdeployed at 0x/.test(line))).to.have.length(4);
    expect(first.lines.at(-1)).to.equal("Deployed 4 of 4 contracts");
  });

  it("deploys nothing on a second run: the same addresses, 'already deployed at' for each contract, the same file", async function () {
    const { deployer, directory, first, firstFile } = await networkHelpers.loadFixture(fixture);
    const nonce = await ethers.provider.getTransactionCount(deployer.address);
    const block = await ethers.provider.getBlockNumber();

    const second = await deployLogged(deployer, directory);

    expect(deploymentOf(second.result)).to.deep.equal(deploymentOf(first.result));
    expect(second.result.create2DeployerInstalled).to.equal(false);
    expect(second.result.deployed).to.deep.equal(NONE_DEPLOYED);
    expect(second.result.receipts).to.deep.equal({
      implementation: null,
      factory: null,
      sessionModule: null,
      batcher: null,
    });
    expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
    expect(await ethers.provider.getBlockNumber()).to.equal(block, "no transaction sent");
    expect(second.lines).to.include.members([
      `CREATE2 deployer found at ${CREATE2_DEPLOYER}`,
      `IntentWallet (implementation)  already deployed at ${first.result.implementation}`,
      `WalletFactory                  already deployed at ${first.result.factory}`,
      `SessionKeyModule               already deployed at ${first.result.sessionModule}`,
      `IntentBatcher                  already deployed at ${first.result.batcher}`,
    ]);
    expect(second.lines.at(-1)).to.equal("Nothing to deploy: every contract was already deployed");
    expect(await readFile(join(directory, "31337.json"), "utf8")).to.equal(firstFile);
  });

  it("records the deployment in <directory>/<chainId>.json, which readDeployment reads back (and the relayer its batcher)", async function () {
    const { directory, first, firstFile } = await networkHelpers.loadFixture(fixture);

    expect(first.result.file).to.equal(join(directory, "31337.json"));
    expect(JSON.parse(firstFile)).to.deep.equal({
      chainId: "31337",
      create2Deployer: CREATE2_DEPLOYER,
      salt: INTENT_WALLET_SALT,
      ...expectedAddresses(),
    });
    expect(Object.keys(JSON.parse(firstFile))).to.deep.equal([
      "chainId",
      "create2Deployer",
      "salt",
      "implementation",
      "factory",
      "sessionModule",
      "batcher",
    ]);
    expect(await readDeployment({ chainId: 31337n, directory })).to.deep.equal(
      deploymentOf(first.result),
    );
    expect(await readDeployedBatcher({ chainId: 31337n, directory })).to.equal(
      first.result.batcher,
    );
    expect(first.lines).to.include(`Recorded in ${join(directory, "31337.json")}`);
  });

  it("deploys a factory whose wallets relay owner-signed intents", async function () {
    const { owner, relayer, first } = await networkHelpers.loadFixture(fixture);
    const factory = WalletFactory__factory.connect(first.result.factory, relayer);
    await (await factory.createWallet(owner.address, 0n)).wait();
    const walletAddress = await factory.walletAddress(owner.address, 0n);
    const wallet = IntentWallet__factory.connect(walletAddress, relayer) as IntentWallet;
    const target = (await ethers.deployContract("CallTarget")) as unknown as CallTarget;
    const { chainId } = await ethers.provider.getNetwork();

    const intent = await buildIntentNow(
      { ethers },
      { calls: [await targetCall({ target }, "ping", [7n])] },
    );
    const signed = await signForWallet({ owner, walletAddress, chainId }, intent);
    await (await wallet.relay(signed.intent, signed.signature)).wait();

    expect(await wallet.owner()).to.equal(owner.address);
    expect(await target.pings()).to.equal(1n);
    expect(await target.lastCaller()).to.equal(walletAddress);
    expect((await wallet.intentReceipt(signed.id)).relayer).to.equal(relayer.address);
  });

  it("deploys a batcher that relays intents of two wallets of the factory in one transaction", async function () {
    const { owner, deployer, relayer, first } = await networkHelpers.loadFixture(fixture);
    const factory = WalletFactory__factory.connect(first.result.factory, relayer);
    const batcher = IntentBatcher__factory.connect(first.result.batcher, relayer);
    const target = (await ethers.deployContract("CallTarget")) as unknown as CallTarget;
    const { chainId } = await ethers.provider.getNetwork();
    const entries = [];
    for (const [salt, signer] of [owner, deployer].entries()) {
      await (await factory.createWallet(signer.address, 0n)).wait();
      const walletAddress = await factory.walletAddress(signer.address, 0n);
      const intent = await buildIntentNow(
        { ethers },
        { calls: [await targetCall({ target }, "ping", [BigInt(salt)])], salt: BigInt(salt) },
      );
      const signed = await signForWallet({ owner: signer, walletAddress, chainId }, intent);
      entries.push({
        wallet: walletAddress,
        intent: signed.intent,
        signature: signed.signature,
        id: signed.id,
      });
    }

    const receipt = await (
      await batcher.relayBatch(
        encodeBatchEntries(entries),
        // Not estimated: the lowest limit that doesn't revert may skip the last entry.
        { gasLimit: 1_000_000n },
      )
    ).wait();

    expect(receipt!.status).to.equal(1);
    expect(await target.pings()).to.equal(2n);
    for (const { wallet, id } of entries) {
      const walletReceipt = await IntentWallet__factory.connect(wallet, relayer).intentReceipt(id);
      expect(walletReceipt.relayer).to.equal(first.result.batcher);
      expect(walletReceipt.blockNumber).to.equal(BigInt(receipt!.blockNumber));
    }
  });

  it("puts the contracts at the same addresses on another chain (otherChain, 31338)", async function () {
    const { first } = await networkHelpers.loadFixture(fixture);
    const other = await network.create("otherChain");
    try {
      const [deployer] = await other.ethers.getSigners();
      const directory = await temporaryDirectory();

      const { result } = await deployLogged(deployer, directory);

      expect(result.chainId).to.equal(31338n);
      expect(result.deployed).to.deep.equal(ALL_DEPLOYED);
      expect({ ...deploymentOf(result), chainId: 31337n }).to.deep.equal(
        deploymentOf(first.result),
      );
      expect(await readDeployment({ chainId: 31338n, directory })).to.deep.equal(
        deploymentOf(result),
      );
    } finally {
      await other.close();
    }
  });

  it("refuses an address that holds code other than the contract's", async function () {
    const fresh = await network.create();
    try {
      const [signer] = await fresh.ethers.getSigners();
      const { implementation } = expectedAddresses();
      await fresh.networkHelpers.setCode(implementation, "0x6001600155");

      const error = await deployIntentWallet({ signer, directory: null }).catch((e) => e);

      expect(error).to.be.instanceOf(DeployedCodeMismatchError);
      expect(error.contract).to.equal("IntentWallet");
      expect(error.address).to.equal(implementation);
      expect(error.message).to.match(
        /^IntentWallet at 0x\w{40}: runtime code is 5 bytes, the artifact's \d+$/,
      );
    } finally {
      await fresh.close();
    }
  });
});

describe("the CREATE2 deployer", function () {
  it("is installed once on a local chain: a second call finds it", async function () {
    const fresh = await network.create();
    try {
      expect(await ensureCreate2Deployer(fresh.ethers.provider)).to.deep.equal({
        address: CREATE2_DEPLOYER,
        installed: true,
      });
      expect(await ensureCreate2Deployer(fresh.ethers.provider)).to.deep.equal({
        address: CREATE2_DEPLOYER,
        installed: false,
      });
    } finally {
      await fresh.close();
    }
  });

  it("is not installed on another chain: the error says how to deploy it with its presigned transaction", async function () {
    const chain5 = await network.create({ override: { chainId: 5 } });
    try {
      const [signer] = await chain5.ethers.getSigners();

      const error = await deployIntentWallet({ signer, directory: null }).catch((e) => e);

      expect(error).to.be.instanceOf(Create2DeployerMissingError);
      expect(error.chainId).to.equal(5n);
      expect(error.shortMessage).to.equal(
        `No CREATE2 deployer at ${CREATE2_DEPLOYER} on chain 5: deploy it first`,
      );
      expect(error.message).to.include(CREATE2_DEPLOYER_DEPLOYMENT.rawTransaction);
      expect(error.message).to.include(CREATE2_DEPLOYER_DEPLOYMENT.signer);
      expect(await chain5.ethers.provider.getCode(CREATE2_DEPLOYER)).to.equal("0x");
    } finally {
      await chain5.close();
    }
  });

  it("deploys from its presigned transaction on any chain, and then the contracts go to the same addresses", async function () {
    const { signer, gasPrice, gasLimit, cost, rawTransaction } = CREATE2_DEPLOYER_DEPLOYMENT;
    const transaction = Transaction.from(rawTransaction);
    expect(transaction.from).to.equal(signer);
    expect(transaction.chainId).to.equal(0n, "pre-EIP-155: valid on every chain");
    expect([transaction.nonce, transaction.gasPrice, transaction.gasLimit]).to.deep.equal([
      0,
      gasPrice,
      gasLimit,
    ]);
    expect(gasPrice * gasLimit).to.equal(cost);
    expect(getCreateAddress({ from: signer, nonce: 0 })).to.equal(CREATE2_DEPLOYER);

    const chain5 = await network.create({ override: { chainId: 5 } });
    try {
      const [funder] = await chain5.ethers.getSigners();
      await (await funder.sendTransaction({ to: signer, value: cost })).wait();
      await (await chain5.ethers.provider.broadcastTransaction(rawTransaction)).wait();
      expect(await chain5.ethers.provider.getCode(CREATE2_DEPLOYER)).to.equal(
        CREATE2_DEPLOYER_RUNTIME_CODE,
      );

      const directory = await temporaryDirectory();
      const { result } = await deployLogged(funder, directory);

      expect(result.chainId).to.equal(5n);
      expect(result.create2DeployerInstalled).to.equal(false);
      expect(addressesOf(result)).to.deep.equal(expectedAddresses());
    } finally {
      await chain5.close();
    }
  });
});

describe("deployIntentWallet on a real hardhat node over JSON-RPC", function () {
  this.timeout(60_000);

  let node: HardhatNode | undefined;
  let provider: JsonRpcProvider | undefined;
  let directory: string;
  let proxyCodeBefore: string;
  let first: Awaited<ReturnType<typeof deployLogged>>;
  let firstFile: string;

  before(async function () {
    node = await startHardhatNode();
    provider = new JsonRpcProvider(node.url, Network.from(node.chainId), {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 50,
    });
    directory = await temporaryDirectory();
    proxyCodeBefore = await provider.getCode(CREATE2_DEPLOYER);
    first = await deployLogged(deployer(), directory);
    firstFile = await readFile(join(directory, `${node.chainId}.json`), "utf8");
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
  });

  /** The node's first default account, a plain ethers wallet: no Hardhat runtime involved. */
  function deployer() {
    return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, hardhatAccountPath(0)).connect(
      provider!,
    );
  }

  it("installs the missing CREATE2 deployer and deploys the contracts at the same addresses as in-process", async function () {
    expect(proxyCodeBefore).to.equal("0x");
    expect(first.result.create2DeployerInstalled).to.equal(true);
    expect(await provider!.getCode(CREATE2_DEPLOYER)).to.equal(CREATE2_DEPLOYER_RUNTIME_CODE);
    expect(first.result.deployed).to.deep.equal(ALL_DEPLOYED);
    expect(addressesOf(first.result)).to.deep.equal(expectedAddresses());
    expect(await readDeployment({ chainId: node!.chainId, directory })).to.deep.equal(
      deploymentOf(first.result),
    );
  });

  it("deploys nothing on a second run, with the same addresses and the same file", async function () {
    const nonce = await provider!.getTransactionCount(deployer().address);

    const second = await deployLogged(deployer(), directory);

    expect(second.result.create2DeployerInstalled).to.equal(false);
    expect(second.result.deployed).to.deep.equal(NONE_DEPLOYED);
    expect(deploymentOf(second.result)).to.deep.equal(deploymentOf(first.result));
    expect(await provider!.getTransactionCount(deployer().address)).to.equal(nonce);
    expect(second.lines.filter((line) => line.includes("already deployed at"))).to.have.length(4);
    expect(second.lines.at(-1)).to.equal("Nothing to deploy: every contract was already deployed");
    expect(await readFile(second.result.file!, "utf8")).to.equal(firstFile);
  });
});

describe("deploy/deploy.ts run by `hardhat run`", function () {
  this.timeout(120_000);

  let node: HardhatNode | undefined;

  after(async function () {
    await node?.stop();
  });

  /** Runs the deploy script and returns its output; DEPLOYMENTS_DIR keeps the file out of the repository. */
  async function runDeployScript(
    directory: string,
    { network: networkName, rpcUrl }: { network?: string; rpcUrl?: string } = {},
  ): Promise<string> {
    const args = [HARDHAT_CLI, "run", "--no-compile", "deploy/deploy.ts"];
    if (networkName !== undefined) args.push("--network", networkName);
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        FORCE_COLOR: "0",
        DEPLOYMENTS_DIR: directory,
        ...(rpcUrl === undefined ? {} : { RPC_URL: rpcUrl }),
      },
    });
    return stdout;
  }

  it("deploys on `--network localhost` (a hardhat node), then deploys nothing on a second run with the same addresses", async function () {
    node = await startHardhatNode();
    const directory = await temporaryDirectory();
    const expected = expectedAddresses();

    const first = await runDeployScript(directory, { network: "localhost", rpcUrl: node.url });
    const firstFile = await readFile(join(directory, "31337.json"), "utf8");
    const second = await runDeployScript(directory, { network: "localhost", rpcUrl: node.url });

    expect(first).to.include("Network localhost");
    expect(first).to.include("CREATE2 deployer installed at");
    expect(first).to.include("Deployed 4 of 4 contracts");
    expect(first).to.include(`deployed at ${expected.factory}`);
    expect(first).to.include(`deployed at ${expected.batcher}`);
    expect(second).to.include(`CREATE2 deployer found at ${CREATE2_DEPLOYER}`);
    expect(second).to.include(`already deployed at ${expected.implementation}`);
    expect(second).to.include(`already deployed at ${expected.factory}`);
    expect(second).to.include(`already deployed at ${expected.sessionModule}`);
    expect(second).to.include(`already deployed at ${expected.batcher}`);
    expect(second).to.include("Nothing deployed: already there");
    expect(second).to.not.match(/\(gas /);
    for (const output of [first, second]) {
      expect(output).to.include(`factory         ${expected.factory}`);
      expect(output).to.include(`batcher         ${expected.batcher}`);
    }
    expect(await readFile(join(directory, "31337.json"), "utf8")).to.equal(firstFile);
  });

  it("deploys on the in-process network with no setup", async function () {
    const directory = await temporaryDirectory();

    const output = await runDeployScript(directory);

    expect(output).to.include("Network default");
    expect(output).to.include("Deployed 4 of 4 contracts");
    expect(JSON.parse(await readFile(join(directory, "31337.json"), "utf8"))).to.deep.equal({
      chainId: "31337",
      create2Deployer: CREATE2_DEPLOYER,
      salt: INTENT_WALLET_SALT,
      ...expectedAddresses(),
    });
  });
});
