import { expect } from "chai";
import { spawnSync } from "node:child_process";

import { createLogger, LOG_LEVELS, type LogLevel } from "../../src/relayer/logger.js";
import { RelayerRefusal } from "../../src/relayer/refusal.js";

const LOGGER_URL = new URL("../../src/relayer/logger.ts", import.meta.url).href;
const TSX_LOADER = import.meta.resolve("tsx/esm");
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A logger writing into an array, and its lines parsed. */
function capture(parameters: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createLogger({ ...parameters, stream: { write: (line) => lines.push(line) } });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe("relayer logger on pino", function () {
  it("writes one JSON line per call: level by name, ISO time, base fields, the call's fields and msg", function () {
    const { logger, lines, parsed } = capture({
      base: { service: "relayer" },
      now: () => new Date(Date.UTC(2025, 5, 1, 12)),
    });

    logger.info("intent accepted", { id: "0x01", attempts: 2 });

    expect(lines).to.have.length(1);
    expect(lines[0].endsWith("}\n")).to.equal(true);
    expect(parsed()[0]).to.deep.equal({
      level: "info",
      time: "2025-06-01T12:00:00.000Z",
      service: "relayer",
      id: "0x01",
      attempts: 2,
      msg: "intent accepted",
    });
  });

  it("writes a level and the more severe ones, and nothing at silent", function () {
    const written = (level: LogLevel) => {
      const { logger, parsed } = capture({ level });
      logger.debug("d");
      logger.info("i");
      logger.warn("w");
      logger.error("e");
      return parsed().map((line) => line.level);
    };

    expect(written("debug")).to.deep.equal(["debug", "info", "warn", "error"]);
    expect(written("info")).to.deep.equal(["info", "warn", "error"]);
    expect(written("warn")).to.deep.equal(["warn", "error"]);
    expect(written("error")).to.deep.equal(["error"]);
    expect(written("silent")).to.deep.equal([]);
    expect(createLogger({ level: "warn" }).isLevelEnabled("info")).to.equal(false);
    expect(createLogger({ level: "warn" }).isLevelEnabled("error")).to.equal(true);
  });

  it("refuses an unknown level with a RangeError that lists the known ones", function () {
    expect(() => createLogger({ level: "verbose" as LogLevel })).to.throw(
      RangeError,
      `unknown log level "verbose" (expected ${LOG_LEVELS.join(", ")})`,
    );
  });

  it("keeps time, level and msg its own: a call's fields of those names are left out", function () {
    const { logger, lines, parsed } = capture();

    logger.warn("kept", { time: "forged", level: "error", msg: "forged", other: 1 });

    expect(lines[0].match(/"level"/g)).to.have.length(1);
    expect(parsed()[0]).to.deep.include({ level: "warn", msg: "kept", other: 1 });
    expect(parsed()[0].time).to.match(ISO_TIME);
  });

  it("writes bigints as decimal strings, Maps as objects, Sets as arrays and Dates as ISO times", function () {
    const { logger, parsed } = capture();

    logger.info("values", {
      wei: 2n ** 256n - 1n,
      nested: { fees: [1n, 2n] },
      byNonce: new Map([[7, "0xabc"]]),
      ids: new Set(["a", "b"]),
      at: new Date(Date.UTC(2025, 0, 1)),
    });

    expect(parsed()[0]).to.deep.include({
      wei: (2n ** 256n - 1n).toString(),
      nested: { fees: ["1", "2"] },
      byNonce: { "7": "0xabc" },
      ids: ["a", "b"],
      at: "2025-01-01T00:00:00.000Z",
    });
  });

  it("cuts a reference back to an enclosing object, and writes an object met twice twice", function () {
    const { logger, parsed } = capture();
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    const shared = { hash: "0x01" };

    logger.info("references", { loop, first: shared, second: shared });

    expect(parsed()[0]).to.deep.include({
      loop: { name: "loop", self: "[Circular]" },
      first: { hash: "0x01" },
      second: { hash: "0x01" },
    });
  });

  it("serializes errors: name, type, message, stack, own fields (bigints as strings) and causes", function () {
    const { logger, parsed } = capture();
    const refusal = new RelayerRefusal("rate_limited", "slow down", { wallet: "0x01" }, 30);
    const wrapped = Object.assign(new Error("send failed", { cause: refusal }), { nonce: 7n });
    const plainCause = new Error("no answer", { cause: "timeout" });
    const chained = new Error("outer", { cause: new TypeError("inner") });

    logger.error("failed", { error: wrapped, other: plainCause, chained });

    const { error, other } = parsed()[0] as Record<string, Record<string, unknown>>;
    expect(error).to.deep.include({ name: "Error", type: "Error", message: "send failed" });
    expect(error.nonce).to.equal("7");
    expect(error.stack).to.be.a("string").and.include("send failed");
    expect(error.cause).to.deep.include({
      name: "RelayerRefusal",
      type: "RelayerRefusal",
      message: "slow down",
      code: "rate_limited",
      details: { wallet: "0x01" },
      retryAfterSeconds: 30,
    });
    expect(other.cause).to.equal("timeout");
    expect(parsed()[0].chained).to.have.deep.nested.property("cause.name", "TypeError");
  });

  it("serializes errors logged through its pino logger under err or error the same way", function () {
    const { logger, parsed } = capture();

    logger.pino.error({ err: new RelayerRefusal("expired", "too late") }, "direct");
    logger.pino.error({ error: new TypeError("bad") }, "direct");

    const [first, second] = parsed();
    expect(first.err).to.deep.include({ name: "RelayerRefusal", code: "expired" });
    expect(second.error).to.deep.include({ name: "TypeError", message: "bad" });
  });

  it("gives child loggers their parent's stream, level and fields, plus their own", function () {
    const { logger, parsed } = capture({ level: "warn", base: { service: "relayer" } });
    const child = logger.child({ component: "sender", nonce: 3n });

    child.info("not written");
    child.warn("written", { hash: "0x02" });

    expect(child.level).to.equal("warn");
    expect(parsed()).to.have.length(1);
    expect(parsed()[0]).to.deep.include({
      level: "warn",
      service: "relayer",
      component: "sender",
      nonce: "3",
      hash: "0x02",
    });
  });

  it("exposes its pino logger, which writes the same lines at the same level", function () {
    const { logger, parsed } = capture({ level: "warn", base: { service: "relayer" } });

    logger.pino.info("not written");
    logger.pino.warn({ route: "/health" }, "from pino");

    expect(logger.pino.level).to.equal("warn");
    expect(parsed()).to.have.length(1);
    expect(parsed()[0]).to.deep.include({ level: "warn", service: "relayer", msg: "from pino" });
    expect(parsed()[0].time).to.match(ISO_TIME);
    expect(parsed()[0]).not.to.have.any.keys("pid", "hostname");
  });

  it("writes a message with % signs as it is, and reads no field of a line it does not write", function () {
    const { logger, parsed } = capture();
    let reads = 0;

    logger.info("100% done %s %d", { n: 1 });
    logger.debug("skipped", {
      get expensive() {
        reads += 1;
        return 1;
      },
    });

    expect(parsed().map((line) => line.msg)).to.deep.equal(["100% done %s %d"]);
    expect(reads).to.equal(0);
  });

  it("writes to standard output synchronously by default, so a killed process loses no line", function () {
    const script = [
      `const { createLogger } = await import(${JSON.stringify(LOGGER_URL)});`,
      `const logger = createLogger({ base: { service: "relayer" } });`,
      `for (let n = 0; n < 2000; n++) logger.info("line", { n: BigInt(n) });`,
      `process.kill(process.pid, "SIGKILL");`,
    ].join("\n");

    const child = spawnSync(
      process.execPath,
      ["--import", TSX_LOADER, "--input-type=module", "--eval", script],
      { encoding: "utf8", timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
    );

    expect(child.signal, child.stderr).to.equal("SIGKILL");
    const lines = child.stdout.trimEnd().split("\n");
    expect(lines).to.have.length(2000);
    expect(JSON.parse(lines[1999])).to.deep.include({
      level: "info",
      service: "relayer",
      n: "1999",
      msg: "line",
    });
  });
});
