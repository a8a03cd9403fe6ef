/**
 * The relayer service's command: `npm run relayer` (node --import tsx/esm src/relayer/main.ts).
 * Configuration comes from RELAYER_* environment variables (see src/relayer/config.ts and the
 * README); it is checked before anything starts.
 */
import { loadRelayerConfig } from "./config.js";
import { startRelayer } from "./startRelayer.js";

try {
  const relayer = await startRelayer(loadRelayerConfig());
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await relayer.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // A line that tools (and tests) wait for, with where to reach the relayer.
  process.stdout.write(`relayer listening on ${relayer.url}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
