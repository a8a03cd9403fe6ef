import { format } from "node:util";

import hre from "hardhat";

import type { TaskResult } from "../../tasks/helpers/taskAction.js";

/** What a task printed (stdout and stderr), and its value. */
export interface TaskRun<T> {
  value: T;
  stdout: string;
  stderr: string;
}

/**
 * Runs task `id` in-process with `args`, capturing what it prints; throws if it failed.
 *
 * @example
 * const { value } = await runTask<WalletCreateResult>(["wallet", "create"], { salt: "0" });
 */
export async function runTask<T>(id: string[], args: Record<string, unknown>): Promise<TaskRun<T>> {
  const { result, stdout, stderr } = await captureTask<T>(id, args);
  if (!result.success) {
    throw new Error(`task ${id.join(" ")} failed: ${result.error.message}\n${stdout}\n${stderr}`);
  }
  return { value: result.value, stdout, stderr };
}

/**
 * Runs task `id`, expecting it to fail; returns its error's message.
 *
 * @example
 * expect(await taskFailure(["intent", "sign"], { expiration: "1" })).to.match(/--expiration/);
 */
export async function taskFailure(id: string[], args: Record<string, unknown>): Promise<string> {
  const { result } = await captureTask(id, args);
  if (result.success) throw new Error(`task ${id.join(" ")} succeeded, expected a failure`);
  return result.error.message;
}

/**
 * Runs task `id` in-process, with `console.log` and `console.error` captured: its result and
 * what it printed, whether it succeeded or not.
 *
 * @example
 * const { result, stdout } = await captureTask(["session", "list"], { wallet });
 */
export async function captureTask<T>(
  id: string[],
  args: Record<string, unknown>,
): Promise<{ result: TaskResult<T>; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => out.push(format(...parts));
  console.error = (...parts: unknown[]) => err.push(format(...parts));
  try {
    const result = (await hre.tasks.getTask(id).run(args)) as TaskResult<T>;
    return { result, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}
