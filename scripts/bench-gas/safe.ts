/**
 * Safe 1.4.1: one owner, threshold 1, created by SafeProxyFactory; `execTransaction` signed by the
 * owner and sent by a separate relayer account; batches through MultiSendCallOnly.
 */
import assert from "node:assert/strict";

import type { Wallet } from "ethers";

import type { MultiSendCallOnly, Safe, SafeProxyFactory } from "../../typechain-types/index.js";
import {
  INITIAL_TOKENS,
  type World,
  gasUsed,
  measureTransfers,
  transferCalls,
  transferData,
} from "./world.js";

/** Safe's contracts, and the Safe the steady-state rows use once created. */
export interface SafePeer {
  world: World;
  singleton: Safe;
  proxyFactory: SafeProxyFactory;
  multiSend: MultiSendCallOnly;
  /** The next `saltNonce` of `createProxyWithNonce`. */
  nextSaltNonce: bigint;
  /** The Safe of the creation row, used by the steady-state rows. */
  main?: { owner: Wallet; address: string };
}

/** Deploys the Safe singleton, SafeProxyFactory and MultiSendCallOnly. */
export async function deploy(world: World): Promise<SafePeer> {
  const { ethers, deployer } = world;
  const singleton = await ethers.deployContract("Safe", [], deployer);
  const proxyFactory = await ethers.deployContract("SafeProxyFactory", [], deployer);
  const multiSend = await ethers.deployContract("MultiSendCallOnly", [], deployer);
  return { world, singleton, proxyFactory, multiSend, nextSaltNonce: 0n };
}

/** Row "wallet creation": `createProxyWithNonce` with `setup`; the Safe then gets its tokens. */
export async function createSafe(safe: SafePeer, owner: Wallet): Promise<bigint> {
  const { world } = safe;
  const created = await newSafe(safe, setupData(safe, owner.address));
  const gas = await gasUsed(created.create());
  const contract = await world.ethers.getContractAt("Safe", created.address);
  assert.deepEqual([...(await contract.getOwners())], [owner.address]);
  await world.token.mint(created.address, INITIAL_TOKENS);
  safe.main = { owner, address: created.address };
  return gas;
}

/**
 * Row "creation + first transfer": no signed first transaction can ride along the creation; the
 * natural one-transaction form is setup's own delegatecall (to MultiSendCallOnly, making the
 * transfer), bound to the address by the CREATE2 salt rather than by an owner signature.
 */
export async function createSafeAndTransfer(
  safe: SafePeer,
  owner: Wallet,
  to: string,
): Promise<bigint> {
  const { world } = safe;
  const initializer = setupData(
    safe,
    owner.address,
    await safe.multiSend.getAddress(),
    multiSendData(safe, transferCalls(world, [to])),
  );
  const created = await newSafe(safe, initializer);
  await world.token.mint(created.address, INITIAL_TOKENS);
  return measureTransfers(world, created.address, [to], created.create);
}

/**
 * Rows "transfer" and "batch": one `execTransaction` of the main Safe paying each recipient (a
 * plain call for one, a delegatecall to MultiSendCallOnly for more).
 */
export async function transfer(safe: SafePeer, recipients: string[]): Promise<bigint> {
  const { world } = safe;
  assert(safe.main, "createSafe first");
  const { owner, address } = safe.main;
  const contract = await world.ethers.getContractAt("Safe", address);
  const [to, data, operation] =
    recipients.length === 1
      ? [world.tokenAddress, transferData(world, recipients[0]), 0]
      : [
          await safe.multiSend.getAddress(),
          multiSendData(safe, transferCalls(world, recipients)),
          1, // DELEGATECALL
        ];
  const ZERO = world.ethers.ZeroAddress;
  const nonce = await contract.nonce();
  const hash = await contract.getTransactionHash(
    to,
    0n,
    data,
    operation,
    0n,
    0n,
    0n,
    ZERO,
    ZERO,
    nonce,
  );
  const signature = owner.signingKey.sign(hash).serialized; // plain ECDSA, v = 27/28
  const gas = await measureTransfers(world, address, recipients, () =>
    contract
      .connect(world.relayer)
      .execTransaction(to, 0n, data, operation, 0n, 0n, 0n, ZERO, ZERO, signature),
  );
  assert.equal(await contract.nonce(), nonce + 1n);
  return gas;
}

/** `setup` with one owner, threshold 1, and an optional delegatecall `to` with `data`. */
function setupData(safe: SafePeer, owner: string, to?: string, data = "0x"): string {
  const ZERO = safe.world.ethers.ZeroAddress;
  return safe.singleton.interface.encodeFunctionData("setup", [
    [owner],
    1n,
    to ?? ZERO,
    data,
    ZERO,
    ZERO,
    0n,
    ZERO,
  ]);
}

/** The next Safe for `initializer`: its address and its creation. */
async function newSafe(safe: SafePeer, initializer: string) {
  const { ethers, relayer } = safe.world;
  const saltNonce = safe.nextSaltNonce++;
  const args = [await safe.singleton.getAddress(), initializer, saltNonce] as const;
  // SafeProxyFactory's CREATE2 address (computed, as setup may not succeed before funding).
  const address = ethers.getCreate2Address(
    await safe.proxyFactory.getAddress(),
    ethers.solidityPackedKeccak256(
      ["bytes32", "uint256"],
      [ethers.keccak256(initializer), saltNonce],
    ),
    ethers.keccak256(
      ethers.concat([
        await safe.proxyFactory.proxyCreationCode(),
        ethers.zeroPadValue(args[0], 32),
      ]),
    ),
  );
  const create = () => safe.proxyFactory.connect(relayer).createProxyWithNonce(...args);
  return { address, create };
}

/** MultiSendCallOnly's packed encoding of plain calls. */
function multiSendData(safe: SafePeer, calls: Array<{ to: string; data: string }>): string {
  const { ethers } = safe.world;
  const packed = ethers.concat(
    calls.map(({ to, data }) =>
      ethers.solidityPacked(
        ["uint8", "address", "uint256", "uint256", "bytes"],
        [0, to, 0n, ethers.dataLength(data), data],
      ),
    ),
  );
  return safe.multiSend.interface.encodeFunctionData("multiSend", [packed]);
}
