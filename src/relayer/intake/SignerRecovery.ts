import { Worker } from "node:worker_threads";

import { recoverSigner } from "./ecdsa.js";

/** A recovery asked for, until its answer comes. */
interface Job {
  hash: string;
  signature: string;
  resolve: (signer: string | undefined) => void;
}

/**
 * Recovers ECDSA signers (`recoverSigner`) on worker threads, so that the relayer's event loop
 * does not spend a third of each submission on elliptic-curve arithmetic: the jobs of one turn
 * go to a worker together, in one message. Without workers (`threads` 0), once closed, or if a
 * worker fails or exits, it recovers inline, the jobs it was waiting for included. Workers run
 * the TypeScript source through tsx, as the relayer does.
 *
 * @example
 * const recovery = SignerRecovery.start(1);
 * const signer = await recovery.recover(signed.id, dataSlice(signed.signature, 1));
 * await recovery.close();
 */
export class SignerRecovery {
  readonly #workers: Worker[];
  readonly #jobs = new Map<number, Job>();
  #queued: number[] = [];
  #next = 0;
  #turn = 0;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    for (const worker of workers) {
      worker.on("message", (answers: Array<{ n: number; signer?: string }>) =>
        this.#answer(answers),
      );
      worker.on("error", () => void this.close());
      worker.on("exit", () => void this.close());
      worker.unref();
    }
  }

  /** Starts `threads` workers (0: recover inline). */
  static start(threads: number): SignerRecovery {
    const url = new URL("./signerRecoveryWorker.ts", import.meta.url);
    // Only the TypeScript loader: a host's other flags (an exit hook reading stdin, say) are
    // not for a worker.
    const execArgv = ["--disable-warning=ExperimentalWarning", "--import", "tsx/esm"];
    return new SignerRecovery(Array.from({ length: threads }, () => new Worker(url, { execArgv })));
  }

  /** The address the 65-byte `signature` of `hash` recovers to, as `recoverSigner` says. */
  recover(hash: string, signature: string): Promise<string | undefined> {
    if (this.#workers.length === 0) return Promise.resolve(recoverSigner(hash, signature));
    const n = this.#next++;
    const answered = new Promise<string | undefined>((resolve) => {
      this.#jobs.set(n, { hash, signature, resolve });
    });
    if (this.#queued.push(n) === 1) setImmediate(() => this.#send());
    return answered;
  }

  /** Stops the workers; every recovery still waiting is made inline. */
  async close(): Promise<void> {
    const workers = this.#workers.splice(0);
    for (const [n, { hash, signature, resolve }] of this.#jobs) {
      this.#jobs.delete(n);
      resolve(recoverSigner(hash, signature));
    }
    this.#queued = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #send(): void {
    const numbers = this.#queued;
    this.#queued = [];
    if (numbers.length === 0 || this.#workers.length === 0) return;
    const jobs = numbers.flatMap((n) => {
      const job = this.#jobs.get(n);
      return job === undefined ? [] : [{ n, hash: job.hash, signature: job.signature }];
    });
    this.#workers[this.#turn++ % this.#workers.length].postMessage(jobs);
  }

  #answer(answers: Array<{ n: number; signer?: string }>): void {
    for (const { n, signer } of answers) {
      this.#jobs.get(n)?.resolve(signer);
      this.#jobs.delete(n);
    }
  }
}
