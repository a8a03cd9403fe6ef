import { parentPort } from "node:worker_threads";

import { recoverSigner } from "./ecdsa.js";

/**
 * The body of a `SignerRecovery` worker thread: recovers the signer of each job it is sent
 * (`recoverSigner`, the wallet's rules) and answers with the job's number.
 */
parentPort?.on("message", (jobs: Array<{ n: number; hash: string; signature: string }>) => {
  const answers = jobs.map(({ n, hash, signature }) => ({
    n,
    signer: recoverSigner(hash, signature),
  }));
  parentPort!.postMessage(answers);
});
