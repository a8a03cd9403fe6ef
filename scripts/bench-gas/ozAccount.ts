/**
 * OpenZeppelin Contracts 5.7's Account (ERC-4337) with SignerECDSA and ERC-7821 batch execution,
 * as contracts/peers/OZAccountECDSA.sol composes it: ERC-1167 clones created and initialized by
 * contracts/peers/OZAccountFactory.sol, every call made through ERC-7821 `execute` in batch mode
 * (the only mode it supports), one call being a batch of one.
 */
import assert from "node:assert/strict";

import type { EntryPoint } from "../../typechain-types/index.js";
import type { AccountKind } from "./erc4337.js";
import type { World } from "./world.js";

/** ERC-7579's execution mode "batch of calls, revert on failure": call type 0x01, the rest zero. */
const BATCH_MODE = `0x01${"00".repeat(31)}`;

/**
 * Deploys OZAccountFactory (which deploys the OZAccountECDSA implementation) for `entryPoint`,
 * from the later peers' deployer.
 */
export async function deploy(world: World, entryPoint: EntryPoint): Promise<AccountKind> {
  const { ethers, laterDeployer } = world;
  const entryPointAddress = await entryPoint.getAddress();
  const factory = await ethers.deployContract(
    "OZAccountFactory",
    [entryPointAddress],
    laterDeployer,
  );
  const account = await ethers.getContractAt("OZAccountECDSA", await factory.implementation());
  assert.equal(await account.entryPoint(), entryPointAddress);
  const coder = ethers.AbiCoder.defaultAbiCoder();
  return {
    factoryAddress: await factory.getAddress(),
    accountAddress: (owner, salt) => factory.predictAddress(owner, salt),
    createAccountData: (owner, salt) =>
      factory.interface.encodeFunctionData("createAccount", [owner, salt]),
    executeData: (calls) =>
      account.interface.encodeFunctionData("execute", [
        BATCH_MODE,
        coder.encode(
          ["tuple(address target, uint256 value, bytes callData)[]"],
          [calls.map(({ to, data }) => [to, 0n, data])],
        ),
      ]),
  };
}
