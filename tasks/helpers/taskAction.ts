import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Result } from "hardhat/types/utils";

/** What every IntentWallet task returns: its value, or the error it stopped on. */
export type TaskResult<ValueT> = Result<ValueT, Error>;

/**
 * Wraps a task's body: its value comes back as a successful `Result`; an error is printed as one
 * line (`Error: IntentAlreadyRelayed(id=0x…)`, with the stack only under `--show-stack-traces`)
 * and comes back as a failed `Result`, so the CLI exits with code 1 without a stack trace for an
 * expected failure such as a missing deployment or a revert.
 *
 * @example
 * export default taskAction(async (args: WalletAddressArguments, hre) => {
 *   // ...
 *   return { address };
 * });
 */
export function taskAction<ArgumentsT, ValueT>(
  run: (args: ArgumentsT, hre: HardhatRuntimeEnvironment) => Promise<ValueT>,
): (args: ArgumentsT, hre: HardhatRuntimeEnvironment) => Promise<TaskResult<ValueT>> {
  return async (args, hre) => {
    try {
      return { success: true, value: await run(args, hre) };
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      console.error(`Error: ${error.message}`);
      if (hre.globalOptions.showStackTraces) console.error(error);
      return { success: false, error };
    }
  };
}
