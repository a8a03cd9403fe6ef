/**
 * ERC-4337 v0.8's SimpleAccount (`@account-abstraction/contracts` 0.8.0): ERC-1967 proxies created
 * by SimpleAccountFactory, `execute` for one call and `executeBatch` for more.
 */
import type { BaseContract } from "ethers";

import type { EntryPoint } from "../../typechain-types/index.js";
import type { AccountKind } from "./erc4337.js";
import type { World } from "./world.js";

/** Deploys SimpleAccountFactory (which deploys the SimpleAccount implementation) for `entryPoint`. */
export async function deploy(world: World, entryPoint: EntryPoint): Promise<AccountKind> {
  const { ethers, deployer } = world;
  const factory = await ethers.deployContract(
    "SimpleAccountFactory",
    [await entryPoint.getAddress()],
    deployer,
  );
  // SimpleAccount is built as part of SimpleAccountFactory (no artifact of its own): its two calls.
  const account = new ethers.Interface([
    "function execute(address target, uint256 value, bytes data)",
    "function executeBatch((address target, uint256 value, bytes data)[] calls)",
  ]);
  return {
    // (BaseContract's getAddress: the factory's own getAddress is the account address.)
    factoryAddress: await (factory as BaseContract).getAddress(),
    accountAddress: (owner, salt) => factory.getFunction("getAddress")(owner, salt),
    createAccountData: (owner, salt) =>
      factory.interface.encodeFunctionData("createAccount", [owner, salt]),
    executeData: (calls) =>
      calls.length === 1
        ? account.encodeFunctionData("execute", [calls[0].to, 0n, calls[0].data])
        : account.encodeFunctionData("executeBatch", [
            calls.map(({ to, data }) => ({ target: to, value: 0n, data })),
          ]),
  };
}
