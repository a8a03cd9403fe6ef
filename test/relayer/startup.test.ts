import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { getAddress, JsonRpcProvider, Network } from "ethers";

import { predictIntentWalletAddresses } from "../../deploy/deployIntentWallet.js";
import { serializeDeployment } from "../../deploy/writeDeployment.js";
import { CREATE2_DEPLOYER } from "../../deploy/create2.js";
import { deployCommandFor } from "../../src/relayer/startup.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import { startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";
import { loadRelayerConfig } from "../../src/relayer/config.js";
import { nodeAccount } from "../helpers/nodeWorld.js";
import { runRelayerUntilExit, startRelayerProcess } from "../helpers/relayerProcess.js";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Temporary folders, removed after the run. */
const folders: string[] = [];
async function temporaryFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** A port nothing listens on right now. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("Relayer service start-up: it refuses to start on a broken setting, naming it and the remedy", function () {
  this.timeout(120_000);

  let node: HardhatNode;
  let provider: JsonRpcProvider;
  /** An IntentWallet implementation deployed on the node (plain CREATE, not recorded). */
  let implementation: string;
  /** What `deploy/deploy.ts` would record for the node's chain, none of it deployed there. */
  let staleRecord: string;

  before(async function () {
    node = await startHardhatNode();
    provider = new JsonRpcProvider(node.url, Network.from(node.chainId), {
      staticNetwork: true,
      cacheTimeout: -1,
    });
    const deployed = await new IntentWallet__factory(nodeAccount(0, provider)).deploy();
    implementation = await deployed.getAddress();
    staleRecord = serializeDeployment({
      chainId: node.chainId,
      create2Deployer: CREATE2_DEPLOYER,
      salt: "0x" + "00".repeat(32),
      ...predictIntentWalletAddresses(),
    });
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  /** The environment of a relayer on the test's node, its records and database in temporary folders. */
  async function relayerEnv(extra: Record<string, string>): Promise<Record<string, string>> {
    return {
      RELAYER_RPC_URL: node.url,
      RELAYER_DB_PATH: join(await temporaryFolder("relayer-startup-"), "relayer.db"),
      DEPLOYMENTS_DIR: await temporaryFolder("relayer-startup-deployments-"),
      RELAYER_LOG_LEVEL: "warn",
      ...extra,
    };
  }

  /** The command that deploys to the test's node, as the relayer must name it. */
  function deployToNode(): string {
    return `\`RPC_URL=${node.url} npx hardhat run deploy/deploy.ts --network localhost\``;
  }

  it("refuses RELAYER_IMPLEMENTATION with no code on the node, naming the command that deploys to it", async function () {
    const nothing = getAddress("0x" + "00".repeat(19) + "aa");

    const { code, output } = await runRelayerUntilExit(
      await relayerEnv({ RELAYER_IMPLEMENTATION: nothing }),
    );

    expect(code, output).to.equal(1);
    expect(output).to.include(
      `RELAYER_IMPLEMENTATION=${nothing} has no code on chain 31337 (RELAYER_RPC_URL=${node.url})`,
    );
    expect(output).to.include(deployToNode());
    expect(output).to.not.include("relayer listening");
  });

  it("refuses an implementation recorded for the chain but with no code on the node (a restarted node), naming the record and the deploy command", async function () {
    const env = await relayerEnv({});
    await writeFile(join(env.DEPLOYMENTS_DIR, "31337.json"), staleRecord);

    const { code, output } = await runRelayerUntilExit(env);

    expect(code, output).to.equal(1);
    expect(output).to.include(
      `the implementation ${predictIntentWalletAddresses().implementation} recorded in ${join(env.DEPLOYMENTS_DIR, "31337.json")} has no code on chain 31337`,
    );
    expect(output).to.include(deployToNode());
  });

  it("refuses to start with nothing to serve, naming the command that deploys to the node, not the in-process `npm run deploy`", async function () {
    const { code, output } = await runRelayerUntilExit(await relayerEnv({}));

    expect(code, output).to.equal(1);
    expect(output).to.include(`no wallets to serve on chain 31337 (RELAYER_RPC_URL=${node.url})`);
    expect(output).to.include(deployToNode());
    expect(output).to.not.include("npm run deploy");
  });

  it("refuses a RELAYER_RPC_URL where no node answers: names the setting, its value, ECONNREFUSED and how to start a node", async function () {
    const url = `http://127.0.0.1:${await deadPort()}`;

    const { code, output } = await runRelayerUntilExit(
      await relayerEnv({ RELAYER_RPC_URL: url, RELAYER_IMPLEMENTATION: implementation }),
    );

    expect(code, output).to.equal(1);
    expect(output).to.include(
      `RELAYER_RPC_URL=${url}: no node answers (ECONNREFUSED); start one with \`npx hardhat node\``,
    );
  });

  it("refuses a RELAYER_DB_PATH in a folder that does not exist: names the setting, its value and what to do", async function () {
    const folder = join(await temporaryFolder("relayer-startup-"), "missing");
    const path = join(folder, "relayer.db");

    const { code, output } = await runRelayerUntilExit(
      await relayerEnv({ RELAYER_DB_PATH: path, RELAYER_IMPLEMENTATION: implementation }),
    );

    expect(code, output).to.equal(1);
    expect(output).to.include(`RELAYER_DB_PATH=${path}: cannot open the database`);
    expect(output).to.include(`its folder ${folder} does not exist: create it`);
    expect(existsSync(folder)).to.equal(false);
  });

  it("refuses a RELAYER_DATABASE_URL where no database answers: names the setting, the URL with its password masked, and the cause", async function () {
    const url = `postgres://relayer:s3cret@127.0.0.1:${await deadPort()}/relayer`;
    const { RELAYER_DB_PATH: _none, ...env } = await relayerEnv({
      RELAYER_DATABASE_URL: url,
      RELAYER_IMPLEMENTATION: implementation,
    });

    const { code, output } = await runRelayerUntilExit(env);

    expect(code, output).to.equal(1);
    expect(output).to.include(
      `cannot connect to the database at RELAYER_DATABASE_URL (postgres://relayer:***@127.0.0.1:`,
    );
    expect(output).to.include("ECONNREFUSED");
    expect(output).to.not.include("s3cret");
  });

  it("refuses RELAYER_DATABASE_URL that is no postgres URL, or set beside RELAYER_DB_PATH, naming both", function () {
    expect(() => loadRelayerConfig({ RELAYER_DATABASE_URL: "mysql://db/relayer" })).to.throw(
      "RELAYER_DATABASE_URL: not a postgres:// or postgresql:// URL",
    );
    expect(() =>
      loadRelayerConfig({
        RELAYER_DATABASE_URL: "postgres://127.0.0.1/relayer",
        RELAYER_DB_PATH: "relayer.db",
      }),
    ).to.throw(
      "RELAYER_DATABASE_URL: set either RELAYER_DATABASE_URL (Postgres) or RELAYER_DB_PATH (SQLite), not both",
    );
    expect(() => loadRelayerConfig({ RELAYER_LEASE_MS: "100" })).to.throw("RELAYER_LEASE_MS");
  });

  it("keeps its database in .relayer/relayer-<chainId>.db of the working directory by default, creating the folder", async function () {
    const cwd = await temporaryFolder("relayer-startup-cwd-");
    const { RELAYER_DB_PATH: _none, ...env } = await relayerEnv({
      RELAYER_IMPLEMENTATION: implementation,
    });

    const relayer = await startRelayerProcess(env, 30_000, { cwd });
    await relayer.stop();

    expect(await readdir(cwd)).to.deep.equal([".relayer"]);
    expect(await readdir(join(cwd, ".relayer"))).to.include("relayer-31337.db");
  });
});

describe("Relayer service database files and git", function () {
  it("git ignores the default database folder and relayer.db files left by older versions, with their -wal and -shm", async function () {
    const paths = [
      ".relayer/relayer-31337.db",
      ".relayer/relayer-31337.db-wal",
      ".relayer/relayer-31337.db-shm",
      "relayer.db",
      "relayer.db-wal",
      "relayer.db-shm",
    ];
    const ignored = await promisify(execFile)("git", ["check-ignore", "--no-index", ...paths], {
      cwd: PROJECT_ROOT,
    }).then(
      ({ stdout }) => stdout.trim().split("\n"),
      () => [],
    );

    expect(ignored).to.deep.equal(paths);
  });
});

describe("deployCommandFor", function () {
  it("names Hardhat's localhost network for a local node, with RPC_URL when it is not at the default URL", function () {
    expect(deployCommandFor({ chainId: 31337n, rpcUrl: "http://127.0.0.1:8545" })).to.equal(
      "npx hardhat run deploy/deploy.ts --network localhost",
    );
    expect(deployCommandFor({ chainId: 31337n, rpcUrl: "http://127.0.0.1:9545" })).to.equal(
      "RPC_URL=http://127.0.0.1:9545 npx hardhat run deploy/deploy.ts --network localhost",
    );
  });

  it("names a network of hardhat.config.ts for any other chain", function () {
    expect(deployCommandFor({ chainId: 11155111n, rpcUrl: "https://rpc.example" })).to.equal(
      "npx hardhat run deploy/deploy.ts --network <the network of hardhat.config.ts for this node>",
    );
  });
});
