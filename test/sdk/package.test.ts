import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { id, Wallet } from "ethers";

import {
  exportTarget,
  findModuleGraphProblems,
  findPackageProblems,
  npmEnvironment,
  packSdkPackage,
  readPackageJson,
  ROOT,
  run,
  type PackageJson,
  type PackedSdk,
} from "../../scripts/sdk-package.js";
import {
  buildIntent,
  buildSessionGrant,
  installModuleCall,
  readSessionState,
  signIntent,
  signSessionGrant,
} from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import {
  latestTimestamp,
  nodeAccount,
  pingCall,
  relayerEnvFor,
  startNodeWorld,
  type NodeWorld,
} from "../helpers/nodeWorld.js";
import { startRelayerProcess, type RelayerProcess } from "../helpers/relayerProcess.js";

const PACKAGE_NAME = "@intentwallet/sdk";

/** The system's Node 20, which the compiled package must run on as well as the project's 22. */
const NODE_20 = "/usr/bin/node";

const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");

/**
 * The app a developer writes after `npm install @intentwallet/sdk ethers@6`: plain JavaScript,
 * run by plain Node. Given its input as JSON (argv[2]), it computes its wallet's address,
 * deploys the wallet, has the owner sign an intent (installing the session module and calling
 * the target) and the relayer relay it, then has the owner sign a session grant and the
 * session key sign an intent carrying it, relayed too. It prints what it got as JSON.
 */
const APP_SCRIPT = `
import { JsonRpcProvider, Network, Wallet } from "ethers";
import * as sdk from "${PACKAGE_NAME}";
import * as browserSdk from "${PACKAGE_NAME}/browser";

const {
  RelayerClient,
  SessionSigner,
  WalletClient,
  buildIntent,
  buildSessionGrant,
  computeWalletAddress,
  installModuleCall,
  signIntent,
  signSessionGrant,
} = sdk;

const input = JSON.parse(process.argv[2]);
const chainId = BigInt(input.chainId);
const now = BigInt(input.now);
const salt = BigInt(input.salt);
const { factory, implementation, module } = input;
const provider = new JsonRpcProvider(input.rpcUrl, Network.from(chainId), {
  staticNetwork: true,
  pollingInterval: 50,
});
const relayer = new RelayerClient({ url: input.relayerUrl });
const follow = (id) => relayer.waitFor(id, { intervalMs: 50, timeoutMs: 30_000 });
const final = ({ status, txHash, reason }) => ({ status, txHash, reason: reason?.message });

try {
  const owner = new Wallet(input.ownerKey);
  const wallet = computeWalletAddress({ factory, implementation, owner: owner.address, salt });
  const payer = new Wallet(input.payerKey, provider);
  const deployment = await WalletClient.counterfactual({
    factory, implementation, owner: owner.address, salt, runner: payer,
  }).deploy();

  const intent = buildIntent({ calls: [installModuleCall({ wallet, module }), input.ownerCall], now });
  const signed = await signIntent({ signer: owner, intent, wallet, chainId });
  const submitted = await relayer.submit(signed);
  const relayed = await follow(signed.id);

  const sessionKey = new Wallet(input.sessionKey);
  const grant = buildSessionGrant({
    wallet,
    app: input.app,
    sessionKey: sessionKey.address,
    permissions: [{ target: input.sessionCall.to, functionSignature: "ping(uint256)" }],
    validUntil: BigInt(input.validUntil),
  });
  const signedGrant = await signSessionGrant({ signer: owner, grant, module, chainId });
  const session = new SessionSigner({ sessionKey, signedGrant });
  const sessionSigned = await session.signIntent(buildIntent({ calls: [input.sessionCall], now }));
  await relayer.submit(sessionSigned);
  const sessionRelayed = await follow(sessionSigned.id);

  console.log(JSON.stringify({
    node: process.version,
    exports: Object.keys(sdk).sort(),
    browserExports: Object.keys(browserSdk).sort(),
    wallet,
    deployed: deployment.alreadyDeployed ? "already" : deployment.receipt.status,
    intent: { id: signed.id, signature: signed.signature },
    submitted: submitted.status,
    relayed: final(relayed),
    grant: { id: signedGrant.id, ownerSignature: signedGrant.ownerSignature },
    sessionIntent: final(sessionRelayed),
  }));
} finally {
  provider.destroy();
}
`;

/**
 * A TypeScript file of the app, typechecked with the README's example: the declarations must
 * give real types (the @ts-expect-error lines fail if they were \`any\`), from both entries.
 */
const CONSUMER_TS = `
import { JsonRpcProvider } from "ethers";
import {
  RelayerClient,
  WalletClient,
  computeWalletAddress,
  type IntentStatusResponse,
  type SignedIntent,
} from "${PACKAGE_NAME}";
import * as browser from "${PACKAGE_NAME}/browser";

const address: string = computeWalletAddress({
  factory: "0x0000000000000000000000000000000000000001",
  implementation: "0x0000000000000000000000000000000000000002",
  owner: "0x0000000000000000000000000000000000000003",
  salt: 0n,
});
// @ts-expect-error the salt is a bigint
computeWalletAddress({ factory: address, implementation: address, owner: address, salt: 0 });

const relayer: RelayerClient = new browser.RelayerClient({ url: "http://127.0.0.1:8080" });
const status: Promise<IntentStatusResponse> = relayer.status("0x");
// @ts-expect-error submit takes a signed intent
void relayer.submit({ id: "0x" });
const submit = (signed: SignedIntent) => relayer.submit(signed);
const wallet = WalletClient.at(address, new JsonRpcProvider("http://127.0.0.1:8545"));
const owner: Promise<string> = wallet.owner();

export { status, submit, owner };
`;

/** The TypeScript code blocks of a Markdown file, joined. */
function typescriptBlocks(markdown: string): string {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]).join("\n");
}

/** What the Node entry has beyond the browser entry: deployment records read with node:fs. */
const NODE_ONLY_EXPORTS = ["DEPLOYMENTS_DIRECTORY", "readDeployment"];

describe("The SDK as an npm package installed in a fresh app", function () {
  this.timeout(150_000);

  let temp: string;
  let app: string;
  let packed: PackedSdk;
  /** The tarball's contents, extracted (`package/` is the package). */
  let tarballPackage: string;
  let installedPackage: string;
  let world: NodeWorld | undefined;
  let relayer: RelayerProcess | undefined;
  let relayerEnv: Record<string, string> | undefined;

  before(async function () {
    temp = mkdtempSync(join(tmpdir(), "intentwallet-sdk-package-"));
    app = join(temp, "app");
    const packAndInstall = async () => {
      packed = await packSdkPackage({ destination: join(temp, "tarball") });
      tarballPackage = join(temp, "extracted", "package");
      mkdirSync(dirname(tarballPackage), { recursive: true });
      await run("tar", ["-xzf", packed.tarball, "-C", dirname(tarballPackage)]);
      mkdirSync(app);
      writeFileSync(
        join(app, "package.json"),
        `${JSON.stringify({ name: "sdk-app", private: true, type: "module" }, null, 2)}\n`,
      );
      await run(
        "npm",
        ["install", packed.tarball, "ethers@6", "--no-audit", "--no-fund", "--prefer-offline"],
        { cwd: app, env: npmEnvironment() },
      );
      installedPackage = join(app, "node_modules", ...PACKAGE_NAME.split("/"));
    };
    const startChainAndRelayer = async () => {
      world = await startNodeWorld(0);
      relayerEnv = relayerEnvFor(world);
      relayer = await startRelayerProcess(relayerEnv);
    };
    const outcomes = await Promise.allSettled([packAndInstall(), startChainAndRelayer()]);
    for (const outcome of outcomes) if (outcome.status === "rejected") throw outcome.reason;
  });

  after(async function () {
    await relayer?.stop();
    await world?.stop();
    if (relayerEnv !== undefined) {
      rmSync(dirname(relayerEnv.RELAYER_DB_PATH), { recursive: true, force: true });
    }
    if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && relayer !== undefined) {
      console.log(relayer.output().slice(-5_000));
    }
  });

  it("packs only the compiled entries, their declarations and the contract bindings, with no install script", function () {
    const manifest = readPackageJson(tarballPackage);
    expect(manifest.name).to.equal(PACKAGE_NAME);
    expect(manifest.version).to.equal(readPackageJson(ROOT).version);
    expect(manifest.type).to.equal("module");
    expect(manifest.license).to.equal("MIT");
    expect(manifest.sideEffects).to.equal(false);
    expect(manifest.scripts ?? {}, "an install would run these").to.deep.equal({});
    expect(manifest.peerDependencies)
      .to.have.property("ethers")
      .that.matches(/^\^6\./);
    expect(manifest.dependencies)
      .to.have.property("zod")
      .that.matches(/^\^4\./);
    expect(manifest.dependencies).to.not.have.property("ethers");
    expect(manifest).to.not.have.property("devDependencies");

    for (const file of packed.files) {
      expect(file).to.match(/^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts))$/);
    }
    expect(packed.files).to.include.members([
      "README.md",
      "dist/src/sdk/index.js",
      "dist/src/sdk/index.d.ts",
      "dist/src/sdk/browser.js",
      "dist/src/sdk/browser.d.ts",
      "dist/typechain-types/factories/contracts/IntentWallet__factory.js",
      "dist/typechain-types/factories/contracts/WalletFactory__factory.js",
      "dist/typechain-types/factories/contracts/modules/SessionKeyModule__factory.js",
    ]);
    expect(packed.files.includes("LICENSE")).to.equal(existsSync(join(ROOT, "LICENSE")));
    for (const subpath of [".", "./browser"]) {
      for (const condition of ["default", "types", "browser"] as const) {
        const target = exportTarget(manifest, subpath, condition);
        expect(existsSync(join(tarballPackage, target)), `${subpath} ${condition}: ${target}`).to.be
          .true;
      }
    }
  });

  it("gives browsers an entry whose compiled module graph imports no Node built-in", function () {
    const manifest: PackageJson = readPackageJson(installedPackage);
    const allowedPackages = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const [subpath, condition] of [
      ["./browser", "default"],
      [".", "browser"],
    ] as const) {
      const graph = findModuleGraphProblems(
        join(installedPackage, exportTarget(manifest, subpath, condition)),
        { allowedPackages, forbidNodeBuiltins: true },
      );
      expect(graph.problems, `${subpath} (${condition})`).to.deep.equal([]);
      // The walk did reach the bindings, deep in the graph.
      expect(graph.files.map((file) => file.replaceAll("\\", "/"))).to.satisfy((files: string[]) =>
        files.some((file) => file.endsWith("/factories/contracts/IntentWallet__factory.js")),
      );
      expect(graph.bareImports).to.include("ethers");
    }
    // And the Node entry imports nothing but the package's dependencies (no hardhat, no chai).
    expect(findPackageProblems(installedPackage)).to.deep.equal([]);
  });

  it("finds Node built-ins, devDependencies and .ts or JSON paths in a module graph", function () {
    const folder = join(temp, "graph");
    mkdirSync(folder);
    writeFileSync(join(folder, "entry.js"), 'export * from "./inner.js";\nimport("node:fs");\n');
    writeFileSync(
      join(folder, "inner.js"),
      [
        'import { readFile } from "fs/promises";',
        'import "./source.ts";',
        'import data from "./data.json" with { type: "json" };',
        '// import { expect } from "chai": a comment, not an import',
        'import hre from "hardhat";',
        'import { id } from "ethers";',
      ].join("\n"),
    );
    const { problems } = findModuleGraphProblems(join(folder, "entry.js"), {
      allowedPackages: ["ethers"],
      forbidNodeBuiltins: true,
    });
    expect(problems).to.have.members([
      'entry.js imports the Node built-in "node:fs"',
      'inner.js imports the Node built-in "fs/promises"',
      'inner.js imports "./source.ts", not a .js file',
      'inner.js imports "./data.json", not a .js file',
      'inner.js imports "hardhat", which is not a dependency or peer dependency',
    ]);
  });

  /**
   * Runs the app with `node` (of version `major`), with an owner of its own, and checks everything it printed against the
   * chain and against the repository's own SDK.
   */
  async function runAppAndCheck(node: string, major: number, x: bigint) {
    const label = `Node ${major}`;
    const w = world!;
    const owner = new Wallet(id(`package test owner on ${label}`));
    const sessionKey = new Wallet(id(`package test session key on ${label}`));
    const salt = 7n;
    const now = await latestTimestamp(w);
    const validUntil = now + 3_600n;
    const appName = "package-test.example";
    const ownerCall = pingCall(w, x);
    const sessionCall = pingCall(w, x + 1n);
    const input = {
      rpcUrl: w.node.url,
      relayerUrl: relayer!.url,
      chainId: String(w.chainId),
      factory: await w.factory.getAddress(),
      implementation: w.implementation,
      module: w.moduleAddress,
      payerKey: nodeAccount(2, w.provider).privateKey,
      ownerKey: owner.privateKey,
      sessionKey: sessionKey.privateKey,
      salt: String(salt),
      now: String(now),
      validUntil: String(validUntil),
      app: appName,
      ownerCall,
      sessionCall,
    };
    writeFileSync(join(app, "app.mjs"), APP_SCRIPT);
    const output = await run(node, ["app.mjs", JSON.stringify(input)], { cwd: app });
    const result = JSON.parse(output.trim().split("\n").at(-1)!);

    expect(result.node).to.match(new RegExp(`^v${major}\\.`));
    // The Node entry is the browser entry and the reading of deployment records from disk.
    expect(result.exports).to.deep.equal([...result.browserExports, ...NODE_ONLY_EXPORTS].sort());

    // The address the factory computes on-chain, where a wallet now lives.
    const wallet = await w.factory.walletAddress(owner.address, salt);
    expect(result.wallet).to.equal(wallet);
    expect(result.deployed).to.equal(1);
    expect(await w.provider.getCode(wallet)).to.not.equal("0x");

    // The owner's intent: the ID the wallet computes, the signature the repository's SDK makes.
    const intent = buildIntent({
      calls: [installModuleCall({ wallet, module: w.moduleAddress }), ownerCall],
      now,
    });
    const expected = await signIntent({ signer: owner, intent, wallet, chainId: w.chainId });
    const walletContract = IntentWallet__factory.connect(wallet, w.provider);
    expect(result.intent.id).to.equal(await walletContract.intentId(intent));
    expect(result.intent).to.deep.equal({ id: expected.id, signature: expected.signature });
    expect(result.submitted).to.equal("queued");
    expect(result.relayed.status, result.relayed.reason).to.equal("relayed");
    const receipt = await w.provider.getTransactionReceipt(result.relayed.txHash);
    expect(receipt!.status).to.equal(1);
    expect(await walletContract.isModuleInstalled(w.moduleAddress)).to.equal(true);

    // The session grant: the ID the module computes, the owner's signature, then in use.
    const grant = buildSessionGrant({
      wallet,
      app: appName,
      sessionKey: sessionKey.address,
      permissions: [{ target: sessionCall.to, functionSignature: "ping(uint256)" }],
      validUntil,
    });
    const expectedGrant = await signSessionGrant({
      signer: owner,
      grant,
      module: w.moduleAddress,
      chainId: w.chainId,
    });
    expect(result.grant.id).to.equal(await w.module.sessionId(grant));
    expect(result.grant.ownerSignature).to.equal(expectedGrant.ownerSignature);
    expect(result.sessionIntent.status, result.sessionIntent.reason).to.equal("relayed");
    expect(await readSessionState({ module: w.moduleAddress, grant, runner: w.provider })).to.equal(
      "active",
    );

    // Both intents' calls ran: the target saw the wallet ping x, then x + 1.
    const pings = await w.target.queryFilter(w.target.filters.Pinged(wallet));
    expect(pings.map((event) => event.args.x)).to.deep.equal([x, x + 1n]);
  }

  it("runs a plain .mjs app on the project's Node 22: wallet address, signed intent and grant, relayed", async function () {
    expect(process.versions.node).to.match(/^22\./);
    await runAppAndCheck(process.execPath, 22, 22_000n);
  });

  it("runs the same app on Node 20", async function () {
    if (!existsSync(NODE_20)) {
      console.log(`    skipped: no Node 20 at ${NODE_20}`);
      this.skip();
    }
    const version = (await run(NODE_20, ["--version"])).trim();
    expect(version, `${NODE_20} is not Node 20`).to.match(/^v20\./);
    await runAppAndCheck(NODE_20, 20, 20_000n);
  });

  it("ships declarations that a TypeScript app, the README's example included, typechecks against", async function () {
    const readme = readFileSync(join(installedPackage, "README.md"), "utf8");
    const example = typescriptBlocks(readme);
    expect(example).to.include(`from "${PACKAGE_NAME}"`);
    writeFileSync(join(app, "readme-example.ts"), example);
    writeFileSync(join(app, "consumer.ts"), CONSUMER_TS);
    // As strict as an app can be, with no ambient types (no @types/node): only what ships.
    const tsconfig = {
      compilerOptions: {
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        strict: true,
        noEmit: true,
        types: [],
      },
      files: ["readme-example.ts", "consumer.ts"],
    };
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    await run(process.execPath, [TSC, "-p", app], { cwd: app });
  });
});
