import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  HDNodeWallet,
  Signature,
  Wallet,
  concat,
  isCallException,
  toBeHex,
  verifyTypedData,
} from "ethers";
import { createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import {
  InvalidParameterError,
  buildIntent,
  buildSessionGrant,
  createSessionKey,
  fromEip1193,
  fromViem,
  installModuleCall,
  intentDomain,
  intentTypedData,
  invalidateAllIntentsCall,
  mutableGrantTypes,
  mutableTypes,
  readSessionState,
  sessionDomain,
  signIntent,
  signSessionGrant,
  signSessionIntent,
  toSignTypedDataV4Json,
  type BuildIntentParameters,
  type Eip1193Provider,
  type Intent,
  type SessionGrant,
  type SignedIntent,
  type TypedDataSigner,
  type TypedDataSignerLike,
} from "../../src/sdk/index.js";
import { IntentWallet__factory } from "../../typechain-types/index.js";
import { HARDHAT_MNEMONIC, hardhatAccountPath } from "../helpers/hardhatNode.js";
import { latestTimestamp, pingCall, startNodeWorld, type NodeWorld } from "../helpers/nodeWorld.js";

/** Receipt statuses, as in `IIntentWallet.IntentStatus`. */
const Status = { None: 0n, Succeeded: 1n, Failed: 2n, Canceled: 3n } as const;

type Hex = `0x${string}`;

/** The private key and address of the node's default account `index` (unlocked on the node). */
function nodeKey(index: number): { key: Hex; address: string } {
  const account = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, hardhatAccountPath(index));
  return { key: account.privateKey as Hex, address: account.address };
}

/** One JSON-RPC request an EIP-1193 provider was asked. */
interface RecordedRequest {
  method: string;
  params: unknown[];
}

/**
 * The smallest EIP-1193 provider: `request` POSTs JSON-RPC to `url` (a hardhat node, which
 * answers `eth_signTypedData_v4` for its unlocked default accounts, as a browser wallet does for
 * its accounts). `signAs`, when given, replaces the account asked to sign: a wallet that signs
 * with another account than the one the app named.
 */
function jsonRpcProvider(
  url: string,
  { signAs }: { signAs?: string } = {},
): Eip1193Provider & { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  let nextId = 1;
  return {
    requests,
    async request({ method, params = [] }) {
      requests.push({ method, params });
      const sent =
        signAs !== undefined && method === "eth_signTypedData_v4" ? [signAs, params[1]] : params;
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params: sent }),
      });
      const body = (await response.json()) as { result?: unknown; error?: { message: string } };
      if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
      return body.result;
    },
  };
}

/** The relay signature without its kind byte (0x00): the owner's raw signature. */
function rawOwnerSignature(signed: SignedIntent): string {
  expect(signed.signature.slice(0, 4)).to.equal("0x00");
  return `0x${signed.signature.slice(4)}`;
}

/** What `promise` rejected with; fails if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

/**
 * Intents and session grants signed by every kind of EIP-712 signer the SDK takes (an ethers
 * Signer, a viem local account, a viem WalletClient, a raw EIP-1193 provider), relayed to a real
 * `hardhat node` process: the signatures are the same for the same key, and the contracts take
 * each of them.
 */
describe("SDK signing with ethers, viem or an EIP-1193 provider, on a real hardhat node", function () {
  this.timeout(60_000);

  let world: NodeWorld;

  before(async function () {
    world = await startNodeWorld(0);
  });

  after(async function () {
    await world?.stop();
  });

  async function createWalletOf(owner: string): Promise<string> {
    await (await world.factory.createWallet(owner, 0n)).wait();
    return world.factory.walletAddress(owner, 0n);
  }

  async function intentNow(calls: BuildIntentParameters["calls"]): Promise<Intent> {
    return buildIntent({ calls, now: await latestTimestamp(world) });
  }

  /** Relays `signed` from the deployer account and returns its receipt status. */
  async function relayed(signed: SignedIntent): Promise<bigint> {
    const wallet = IntentWallet__factory.connect(signed.wallet, world.deployer);
    await (await wallet.relay(signed.intent, signed.signature)).wait();
    return wallet.intentStatus(signed.id);
  }

  /** The name of the error a relay of `signed` reverts with (simulated). */
  async function relayRefusal(signed: SignedIntent): Promise<string | undefined> {
    return IntentWallet__factory.connect(signed.wallet, world.deployer)
      .relay.staticCall(signed.intent, signed.signature)
      .then(
        () => "relayed",
        (error: unknown) => (isCallException(error) ? error.revert?.name : String(error)),
      );
  }

  const KINDS: Array<{
    kind: string;
    account: number;
    make(key: Hex, address: string): TypedDataSignerLike;
  }> = [
    { kind: "an ethers Signer (Wallet)", account: 4, make: (key) => new Wallet(key) },
    {
      kind: "a viem local account (privateKeyToAccount)",
      account: 5,
      make: (key) => privateKeyToAccount(key),
    },
    {
      kind: "a viem WalletClient with a local account and a transport to the node",
      account: 6,
      make: (key) =>
        createWalletClient({ account: privateKeyToAccount(key), transport: http(world.node.url) }),
    },
    {
      kind: "a raw EIP-1193 provider (the node's eth_signTypedData_v4 for its account)",
      account: 7,
      make: (_key, address) => fromEip1193(jsonRpcProvider(world.node.url), address),
    },
  ];

  for (const { kind, account, make } of KINDS) {
    describe(`signed by ${kind}`, function () {
      let owner: string;
      let signer: TypedDataSignerLike;
      let wallet: string;

      before(async function () {
        const { key, address } = nodeKey(account);
        owner = address;
        signer = make(key, address);
        wallet = await createWalletOf(owner);
      });

      it("relays the owner's intents, at intent epoch 0 and, after invalidate-all, at epoch 1 (the domain salt)", async function () {
        const setup = await signIntent({
          signer,
          intent: await intentNow([
            installModuleCall({ wallet, module: world.moduleAddress }),
            invalidateAllIntentsCall({ wallet }),
          ]),
          wallet,
          chainId: world.chainId,
        });
        expect(await relayed(setup)).to.equal(Status.Succeeded);
        const walletContract = IntentWallet__factory.connect(wallet, world.provider);
        expect(await walletContract.intentEpoch()).to.equal(1n);
        expect(await walletContract.isModuleInstalled(world.moduleAddress)).to.equal(true);

        const ping = await signIntent({
          signer,
          intent: await intentNow([pingCall(world, 1n)]),
          wallet,
          chainId: world.chainId,
          epoch: 1n,
        });
        expect(ping.id).to.equal(await walletContract.intentId(ping.intent));
        expect(await relayed(ping)).to.equal(Status.Succeeded);
      });

      it("signs a session grant that recovers to the owner and registers on chain, carried by the first session intent", async function () {
        const sessionKey = createSessionKey();
        const grant = buildSessionGrant({
          wallet,
          app: "signers.example.com",
          sessionKey: sessionKey.address,
          permissions: [{ target: world.targetAddress, functionSignature: "ping(uint256)" }],
          validUntil: (await latestTimestamp(world)) + 3_600n,
        });
        const signedGrant = await signSessionGrant({
          signer,
          grant,
          module: world.moduleAddress,
          chainId: world.chainId,
        });
        expect(
          verifyTypedData(
            sessionDomain({ module: world.moduleAddress, chainId: world.chainId }),
            mutableGrantTypes(),
            grant,
            signedGrant.ownerSignature,
          ),
        ).to.equal(owner);
        expect(signedGrant.id).to.equal(await world.module.sessionId(grant));

        const first = await signSessionIntent({
          sessionKey,
          intent: await intentNow([pingCall(world, 2n)]),
          wallet,
          chainId: world.chainId,
          epoch: 1n,
          module: world.moduleAddress,
          carry: signedGrant,
        });
        expect(await relayed(first)).to.equal(Status.Succeeded);
        expect(
          await readSessionState({ module: world.moduleAddress, grant, runner: world.provider }),
        ).to.equal("active");
      });
    });
  }

  describe("one key, every kind of signer", function () {
    const { key, address } = nodeKey(8);
    let wallet: string;
    let intent: Intent;
    let grant: SessionGrant;
    /** Every kind of signer of the same key, by name. */
    let signers: Record<string, TypedDataSignerLike>;
    let eip1193: ReturnType<typeof jsonRpcProvider>;

    before(async function () {
      wallet = await createWalletOf(address);
      intent = await intentNow([pingCall(world, 3n)]);
      grant = buildSessionGrant({
        wallet,
        app: "signers.example.com",
        sessionKey: createSessionKey().address,
        permissions: [{ target: world.targetAddress, functionSignature: "ping(uint256)" }],
        validUntil: (await latestTimestamp(world)) + 3_600n,
        epoch: 9n,
        salt: 2n ** 200n,
      });
      eip1193 = jsonRpcProvider(world.node.url);
      signers = {
        "ethers Wallet": new Wallet(key),
        "viem local account": privateKeyToAccount(key),
        "viem WalletClient (local account)": createWalletClient({
          account: privateKeyToAccount(key),
          transport: http(world.node.url),
        }),
        "viem WalletClient (JSON-RPC account: the node signs)": createWalletClient({
          account: address as Hex,
          transport: http(world.node.url),
        }),
        "EIP-1193 provider": fromEip1193(eip1193, address),
      };
    });

    it("gives the same intent signature with every kind of signer (deterministic ECDSA), at a non-zero epoch", async function () {
      const epoch = 5n;
      const signatures: Record<string, string> = {};
      for (const [name, signer] of Object.entries(signers)) {
        const signed = await signIntent({ signer, intent, wallet, chainId: world.chainId, epoch });
        signatures[name] = rawOwnerSignature(signed);
      }
      const expected = (await new Wallet(key).signTypedData(
        intentDomain({ wallet, chainId: world.chainId, epoch }),
        mutableTypes(),
        intent,
      )) as string;
      for (const name of Object.keys(signers)) {
        expect(signatures[name], name).to.equal(expected);
      }
      expect(
        verifyTypedData(
          intentDomain({ wallet, chainId: world.chainId, epoch }),
          mutableTypes(),
          intent,
          expected,
        ),
      ).to.equal(address);
    });

    it("gives the same session grant signature with every kind of signer", async function () {
      const module = world.moduleAddress;
      const signatures = new Set<string>();
      for (const signer of Object.values(signers)) {
        const signed = await signSessionGrant({ signer, grant, module, chainId: world.chainId });
        expect(signed.id).to.equal(await world.module.sessionId(grant));
        signatures.add(signed.ownerSignature);
      }
      expect([...signatures]).to.deep.equal([
        await new Wallet(key).signTypedData(
          sessionDomain({ module, chainId: world.chainId }),
          mutableGrantTypes(),
          grant,
        ),
      ]);
    });

    it("asks an EIP-1193 provider eth_signTypedData_v4 with the JSON MetaMask expects: EIP712Domain with salt, integers as decimal strings", async function () {
      eip1193.requests.length = 0;
      await signIntent({
        signer: signers["EIP-1193 provider"],
        intent,
        wallet,
        chainId: world.chainId,
        epoch: 7n,
      });
      expect(eip1193.requests.map(({ method }) => method)).to.deep.equal(["eth_signTypedData_v4"]);
      const [signingAddress, json] = eip1193.requests[0].params;
      expect(signingAddress).to.equal(address);
      expect(json).to.be.a("string");
      const typedData = JSON.parse(json as string);
      expect(Object.keys(typedData)).to.deep.equal(["types", "primaryType", "domain", "message"]);
      expect(typedData.types.EIP712Domain).to.deep.equal([
        { name: "name", type: "string" },
        { name: "version", type: "string" },
        { name: "chainId", type: "uint256" },
        { name: "verifyingContract", type: "address" },
        { name: "salt", type: "bytes32" },
      ]);
      expect(Object.keys(typedData.types)).to.deep.equal([
        "EIP712Domain",
        "Intent",
        "Call",
        "Dependency",
      ]);
      expect(typedData.primaryType).to.equal("Intent");
      expect(typedData.domain).to.deep.equal({
        name: "IntentWallet",
        version: "2",
        chainId: world.chainId.toString(),
        verifyingContract: wallet.toLowerCase(),
        salt: toBeHex(7n, 32),
      });
      expect(typedData.message).to.deep.equal({
        calls: intent.calls.map(({ to, value, data }) => ({
          to: to.toLowerCase(),
          value: value.toString(),
          data,
        })),
        dependencies: [],
        salt: intent.salt.toString(),
        validAfter: intent.validAfter.toString(),
        expiration: intent.expiration.toString(),
        maxGasPrice: intent.maxGasPrice.toString(),
        minGasLimit: intent.minGasLimit.toString(),
      });
      expect(json).to.equal(
        toSignTypedDataV4Json(
          intentTypedData({ intent, wallet, chainId: world.chainId, epoch: 7n }),
        ),
      );
    });

    it("refuses a provider's signature made with another account than the address given, naming both", async function () {
      const other = nodeKey(9).address;
      const liar = fromEip1193(jsonRpcProvider(world.node.url, { signAs: other }), address);
      const error = await rejection(
        signIntent({ signer: liar, intent, wallet, chainId: world.chainId }),
      );
      expect(error).to.be.instanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).parameter).to.equal("signer");
      expect((error as Error).message).to.include(`by ${other}, not by its address ${address}`);

      const grantError = await rejection(
        signSessionGrant({
          signer: liar,
          grant,
          module: world.moduleAddress,
          chainId: world.chainId,
        }),
      );
      expect(grantError).to.be.instanceOf(InvalidParameterError);
    });

    it("passes on the signature of a signer without address unchecked, and the wallet refuses the other key's", async function () {
      const other = nodeKey(9).address;
      const liar = fromEip1193(jsonRpcProvider(world.node.url, { signAs: other }), address);
      const withoutAddress: TypedDataSigner = {
        signTypedData: (request) => liar.signTypedData(request),
      };
      const forged = await signIntent({
        signer: withoutAddress,
        intent,
        wallet,
        chainId: world.chainId,
      });
      expect(await relayRefusal(forged)).to.equal("IntentInvalidSignature");

      const honest = await signIntent({
        signer: signers["EIP-1193 provider"],
        intent,
        wallet,
        chainId: world.chainId,
      });
      expect(await relayed(honest)).to.equal(Status.Succeeded);
    });

    it("returns a 65-byte signature with v 0 or 1 (as some hardware wallets sign) with v 27 or 28, as the wallet takes it", async function () {
      const owner = new Wallet(key);
      const lowV: TypedDataSigner = {
        address,
        signTypedData: async ({ domain, types, message }) => {
          const signature = Signature.from(await owner.signTypedData(domain, types, message));
          return concat([signature.r, signature.s, toBeHex(signature.yParity, 1)]);
        },
      };
      const fresh = await intentNow([pingCall(world, 4n)]);
      const signed = await signIntent({
        signer: lowV,
        intent: fresh,
        wallet,
        chainId: world.chainId,
      });
      const expected = await signIntent({
        signer: owner,
        intent: fresh,
        wallet,
        chainId: world.chainId,
      });
      expect(signed.signature).to.equal(expected.signature);
      expect(await relayRefusal(signed)).to.equal("relayed");
    });

    it("refuses a provider that answers something other than a hex signature", async function () {
      for (const answer of [null, "not a signature", 42, "0x"]) {
        const provider: Eip1193Provider = { request: async () => answer };
        const error = await rejection(
          signIntent({
            signer: fromEip1193(provider, address),
            intent,
            wallet,
            chainId: world.chainId,
          }),
        );
        expect(error, String(answer)).to.be.instanceOf(InvalidParameterError);
      }
    });
  });
});

describe("SDK signers of the wrong shape", function () {
  const intent = buildIntent({
    calls: [{ to: "0x" + "11".repeat(20), data: "0x" }],
    now: 1_700_000_000n,
  });
  const wallet = "0x" + "22".repeat(20);
  const grant = buildSessionGrant({
    wallet,
    app: "signers.example.com",
    sessionKey: "0x" + "33".repeat(20),
    permissions: [],
    validUntil: 1_700_003_600n,
  });
  const module = "0x" + "44".repeat(20);

  async function refusal(signer: unknown): Promise<InvalidParameterError> {
    const error = await rejection(
      signIntent({ signer: signer as TypedDataSignerLike, intent, wallet, chainId: 31337n }),
    );
    expect(error).to.be.instanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).to.equal("signer");
    const grantError = await rejection(
      signSessionGrant({ signer: signer as TypedDataSignerLike, grant, module, chainId: 31337n }),
    );
    expect(grantError).to.be.instanceOf(InvalidParameterError);
    return error as InvalidParameterError;
  }

  it("refuses {} with an InvalidParameterError that lists the signers it takes", async function () {
    const error = await refusal({});
    expect(error.shortMessage).to.include(
      "expected an ethers Signer, a viem account or WalletClient with an account, or a TypedDataSigner",
    );
    expect(error.shortMessage).to.include("got an object with no properties");
  });

  it("refuses null, a string and a function", async function () {
    for (const signer of [null, undefined, "0xabc", () => "0x"]) {
      await refusal(signer);
    }
  });

  it("refuses an EIP-1193 provider passed without an address, pointing to fromEip1193", async function () {
    const error = await refusal({ request: async () => "0x" });
    expect(error.shortMessage).to.include("fromEip1193(provider, address)");
  });

  it("refuses a viem WalletClient without an account", async function () {
    const client = createWalletClient({ transport: http("http://127.0.0.1:1") });
    const error = await refusal(client);
    expect(error.shortMessage).to.include("WalletClient without an account");
    expect(() => fromViem(client as unknown as TypedDataSigner)).to.throw(InvalidParameterError);
  });

  it("refuses a viem JSON-RPC account alone, which cannot sign without its WalletClient", async function () {
    const error = await refusal({ address: "0x" + "55".repeat(20), type: "json-rpc" });
    expect(error.shortMessage).to.include("JSON-RPC account");
  });

  it("refuses fromEip1193 without a provider or with a bad address", function () {
    expect(() => fromEip1193({} as Eip1193Provider, "0x" + "55".repeat(20)))
      .to.throw(InvalidParameterError)
      .with.property("parameter", "provider");
    expect(() => fromEip1193({ request: async () => "0x" }, "0x1234"))
      .to.throw(InvalidParameterError)
      .with.property("parameter", "address");
  });
});

describe("the SDK's independence from viem", function () {
  it("imports nothing from viem in src/sdk or src/protocol", function () {
    const source = fileURLToPath(new URL("../../src/", import.meta.url));
    const offenders: string[] = [];
    for (const folder of ["sdk", "protocol"]) {
      for (const file of readdirSync(join(source, folder), { recursive: true, encoding: "utf8" })) {
        if (!file.endsWith(".ts")) continue;
        const text = readFileSync(join(source, folder, file), "utf8");
        if (/from\s+["']viem(\/[^"']*)?["']|import\(\s*["']viem/.test(text)) {
          offenders.push(`${folder}/${file}`);
        }
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
