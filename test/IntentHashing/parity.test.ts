import { expect } from "chai";
import {
  concat,
  getAddress,
  hexlify,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  TypedDataEncoder,
  ZeroAddress,
  ZeroHash,
} from "ethers";
import { network } from "hardhat";

import { getIntentId, hashIntentStruct, intentDomain, type Intent } from "../../src/sdk/index.js";
import type { IntentWallet } from "../../typechain-types/index.js";
import { formatIntent, Prng, randomIntent } from "../helpers/randomIntents.js";
import { deployWalletWorld, type WalletWorld } from "../helpers/walletFixture.js";

/**
 * Parity of intent IDs between the SDK (ethers' EIP-712 encoder) and the wallet contract, over
 * hundreds of seeded random intents and epochs, plus fixed vectors that
 * test/solidity/IntentHashing.t.sol pins to the same bytes.
 */

const { ethers, networkHelpers } = await network.create();

/** Seed of the random intents; a failure prints it with the intent's index, so it can be replayed. */
const SEED = Number(process.env.PARITY_SEED ?? 0x1d_2024);
const RANDOM_INTENTS = 300;
const MAX_EPOCH = 3;
const MAX_UINT256 = 2n ** 256n - 1n;

/** The wallet's ERC-7201 header slot: the epoch (uint32) in its low 32 bits. */
const WALLET_STORAGE_SLOT = "0xeaed0808e4d28157af1ac47c2a3073cd360637305de8411ec956cb7051ecbf00";

/*//////////////////////////////////////////////////////////////
                         FIXED VECTORS
//////////////////////////////////////////////////////////////*/

interface Vector {
  name: string;
  wallet: string;
  chainId: bigint;
  epoch: bigint;
  intent: Intent;
  id: string;
  structHash: string;
  domainSeparator: string;
}

const TARGET_A = "0xE9df421Cb57CA40877037E6c39c41B583BcCdBae";
const TARGET_B = "0x81521caA19CC643818c8BB3Fa623bdcAf47BAbC1";
const TARGET_C = "0x02B14e5d97fc52bE3fF497AB56d1BfD4e22fe35f";
const DEPENDENCY_WALLET = "0xDc9c5655Eb61AcB411C53e4bA9011f61C954b869";
const VECTOR_WALLET_1 = "0xA8971C76f9a35069c4A83A3e18356f30e9C88585";
const VECTOR_WALLET_2 = "0x33f45b997aEC55EeD22BFd69bBAE779008E9eB03";
const VECTOR_WALLET_3 = "0xc37904DaB277201FA6afcaC12d30DFF9165A8f4f";

/** The same vectors, byte for byte, as test/solidity/IntentHashing.t.sol. */
const VECTORS: Vector[] = [
  {
    name: "minimal: one call, no data, no dependencies (chain 31337, epoch 0)",
    wallet: VECTOR_WALLET_1,
    chainId: 31337n,
    epoch: 0n,
    intent: {
      calls: [{ to: TARGET_A, value: 0n, data: "0x" }],
      dependencies: [],
      salt: 0n,
      validAfter: 0n,
      expiration: 1767225600n,
      maxGasPrice: MAX_UINT256,
      minGasLimit: 0n,
    },
    id: "0x9bd320989676df65ba1778f63c309718f125630aa8b29e6bca8b974c2390c866",
    structHash: "0x1441b0af29c028ccc170e6c995f48b215d3876e3ed10ac3d3e14d22bc844af9c",
    domainSeparator: "0xcdd64e74c7768fb8772f6608fac31fcd187f6a0cd57e795f07e9c82e8fbacf60",
  },
  {
    name: "batch: two calls, two dependencies, a validAfter (chain 31337, epoch 3)",
    wallet: VECTOR_WALLET_2,
    chainId: 31337n,
    epoch: 3n,
    intent: {
      calls: [
        {
          to: TARGET_B,
          value: 10n ** 18n,
          data: "0x773acdef0000000000000000000000000000000000000000000000000000000000000007", // ping(7)
        },
        { to: TARGET_C, value: 0n, data: "0xdeadbeef" },
      ],
      dependencies: [
        { wallet: VECTOR_WALLET_2, id: keccak256(toUtf8Bytes("first intent")) },
        { wallet: DEPENDENCY_WALLET, id: "0x" + "11".repeat(32) },
      ],
      salt: 42n,
      validAfter: 1767225600n,
      expiration: 1893456000n,
      maxGasPrice: 100_000_000_000n,
      minGasLimit: 150_000n,
    },
    id: "0xeee4bbdb601d7c7cf60414dd3334ed490974b1f743a27b3b8c71e9b3ed6693f6",
    structHash: "0x8f605ab2bbc8f8a34c2d07083182daa024f61b8a6bc6fd6f1fbf33c6d14fad60",
    domainSeparator: "0xdaaf032656acc412a402370f7b40dda9283b222768b4ab592dbafb2a8fbe1b3a",
  },
  {
    name: "extremes: zero address, 2^256-1 everywhere, 100 bytes of data (chain 31338, epoch 2^32-1)",
    wallet: VECTOR_WALLET_3,
    chainId: 31338n,
    epoch: 2n ** 32n - 1n,
    intent: {
      calls: [
        { to: ZeroAddress, value: MAX_UINT256, data: "0x" },
        { to: TARGET_A, value: 1n, data: hexlify(Uint8Array.from({ length: 100 }, (_, i) => i)) },
        { to: VECTOR_WALLET_3, value: 0n, data: "0x00" },
      ],
      dependencies: [{ wallet: ZeroAddress, id: ZeroHash }],
      salt: MAX_UINT256,
      validAfter: MAX_UINT256,
      expiration: 1n,
      maxGasPrice: 0n,
      minGasLimit: MAX_UINT256,
    },
    id: "0xe136c7731a79a0fa3b544c20573568776695ea93ddc6d7f071cd3c179280c7c4",
    structHash: "0x72999e8e2c44511cbd9208f1a44f3bf5a2af433494c6e31427ac8f581a37f352",
    domainSeparator: "0xfa58464e21efe77eacb025a4aae3c0e45e72bc92413baf0800b9f8b31c875c8b",
  },
];

/*//////////////////////////////////////////////////////////////
                             TESTS
//////////////////////////////////////////////////////////////*/

/** The EIP-712 digest from a domain separator and a struct hash, built by hand. */
function digest(domainSeparator: string, structHash: string): string {
  return keccak256(concat(["0x1901", domainSeparator, structHash]));
}

function describeIntent(index: number, epoch: bigint, intent: Intent): string {
  return `random intent #${index} (seed ${SEED}, epoch ${epoch}): ${formatIntent(intent)}`;
}

/** Places the real wallet code at `address` with intent epoch `epoch`, and returns it. */
async function walletAt(
  connection: { ethers: typeof ethers; networkHelpers: typeof networkHelpers },
  world: WalletWorld,
  address: string,
  epoch: bigint,
): Promise<IntentWallet> {
  await connection.networkHelpers.setCode(
    address,
    await connection.ethers.provider.getCode(world.walletAddress),
  );
  await connection.networkHelpers.setStorageAt(address, WALLET_STORAGE_SLOT, toBeHex(epoch, 32));
  return (await connection.ethers.getContractAt(
    "IntentWallet",
    address,
  )) as unknown as IntentWallet;
}

describe("IntentHashing parity: SDK vs wallet contract", function () {
  async function fixture() {
    return deployWalletWorld(ethers);
  }

  it(`getIntentId equals wallet.intentId for ${RANDOM_INTENTS} random intents over epochs 0..${MAX_EPOCH}`, async function () {
    this.timeout(60_000);
    const world = await networkHelpers.loadFixture(fixture);
    const { wallet, walletAddress, owner, chainId } = world;
    const rng = new Prng(SEED);

    const byEpoch: Array<Array<{ index: number; intent: Intent }>> = Array.from(
      { length: MAX_EPOCH + 1 },
      () => [],
    );
    for (let index = 0; index < RANDOM_INTENTS; index++) {
      const epoch = rng.int(0, MAX_EPOCH);
      byEpoch[epoch].push({ index, intent: randomIntent(rng, walletAddress) });
    }

    let checked = 0;
    for (let epoch = 0n; epoch <= BigInt(MAX_EPOCH); epoch++) {
      if (epoch > 0n) await wallet.connect(owner).invalidateAllIntents();
      expect(await wallet.intentEpoch()).to.equal(epoch);
      const domainSeparator = await wallet.domainSeparator();
      expect(domainSeparator).to.equal(
        TypedDataEncoder.hashDomain(intentDomain({ wallet: walletAddress, chainId, epoch })),
        `domain separator at epoch ${epoch}`,
      );

      const cases = byEpoch[Number(epoch)];
      const onChain = await Promise.all(cases.map(({ intent }) => wallet.intentId(intent)));
      cases.forEach(({ index, intent }, k) => {
        const what = describeIntent(index, epoch, intent);
        expect(onChain[k]).to.equal(
          getIntentId({ intent, wallet: walletAddress, chainId, epoch }),
          what,
        );
        // The struct hash, checked through the digest the wallet builds from its own domain separator.
        expect(onChain[k]).to.equal(digest(domainSeparator, hashIntentStruct(intent)), what);
      });
      checked += cases.length;
    }
    expect(checked).to.equal(RANDOM_INTENTS);
  });

  it("an ID from another epoch, wallet or chain never matches (random intents)", async function () {
    const world = await networkHelpers.loadFixture(fixture);
    const rng = new Prng(SEED ^ 0x5a5a5a5a);
    for (let index = 0; index < 50; index++) {
      const intent = randomIntent(rng, world.walletAddress);
      const base = { intent, wallet: world.walletAddress, chainId: world.chainId };
      const ids = new Set([
        getIntentId(base),
        getIntentId({ ...base, epoch: 1n }),
        getIntentId({ ...base, chainId: base.chainId + 1n }),
        getIntentId({ ...base, wallet: getAddress(hexlify(rng.bytes(20))) }),
        getIntentId({ ...base, intent: { ...intent, salt: intent.salt ^ 1n } }),
      ]);
      expect(ids.size).to.equal(5, describeIntent(index, 0n, intent));
      expect(await world.wallet.intentId(intent)).to.equal(getIntentId(base));
    }
  });

  describe("fixed vectors (the same as test/solidity/IntentHashing.t.sol)", function () {
    for (const vector of VECTORS) {
      it(`SDK: ${vector.name}`, function () {
        const domain = { wallet: vector.wallet, chainId: vector.chainId, epoch: vector.epoch };
        expect(hashIntentStruct(vector.intent)).to.equal(vector.structHash, "struct hash");
        expect(TypedDataEncoder.hashDomain(intentDomain(domain))).to.equal(
          vector.domainSeparator,
          "domain separator",
        );
        expect(getIntentId({ intent: vector.intent, ...domain })).to.equal(vector.id, "id");
        expect(digest(vector.domainSeparator, vector.structHash)).to.equal(
          vector.id,
          "digest by hand",
        );
      });
    }

    it("wallet contract on chain 31337: the wallet code at the vector's address and epoch", async function () {
      const world = await networkHelpers.loadFixture(fixture);
      for (const vector of VECTORS.filter((v) => v.chainId === world.chainId)) {
        const wallet = await walletAt(
          { ethers, networkHelpers },
          world,
          vector.wallet,
          vector.epoch,
        );
        expect(await wallet.intentEpoch()).to.equal(vector.epoch, vector.name);
        expect(await wallet.domainSeparator()).to.equal(vector.domainSeparator, vector.name);
        expect(await wallet.intentId(vector.intent)).to.equal(vector.id, vector.name);
      }
    });

    it("wallet contract on chain 31338 (otherChain)", async function () {
      const other = await network.create("otherChain");
      const world = await deployWalletWorld(other.ethers);
      expect(world.chainId).to.equal(31338n);
      const vectors = VECTORS.filter((v) => v.chainId === 31338n);
      expect(vectors).to.have.length.greaterThan(0);
      for (const vector of vectors) {
        const wallet = await walletAt(other, world, vector.wallet, vector.epoch);
        expect(await wallet.intentEpoch()).to.equal(vector.epoch, vector.name);
        expect(await wallet.domainSeparator()).to.equal(vector.domainSeparator, vector.name);
        expect(await wallet.intentId(vector.intent)).to.equal(vector.id, vector.name);
      }
      await other.close();
    });
  });
});
