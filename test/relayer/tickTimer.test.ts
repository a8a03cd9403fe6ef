import { expect } from "chai";

import { TickTimer } from "../../src/relayer/scheduler/tickTimer.js";

/** Resolves after `ms` of wall time. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * The scheduler's tick timer: ticks come when asked for, coalesced, never overlapping, and a
 * time far ahead (an intent expiring in a year) neither fires at once nor busy-loops.
 */
describe("TickTimer", function () {
  let timer: TickTimer | undefined;

  afterEach(function () {
    timer?.stop();
  });

  it("makes one tick of many asks made before it runs", async function () {
    let ticks = 0;
    timer = new TickTimer(
      async () => void ticks++,
      () => undefined,
    );
    timer.start(10_000);
    await sleep(20);
    const before = ticks;
    for (let i = 0; i < 50; i++) timer.soon();
    await sleep(20);
    expect(ticks - before).to.equal(1);
  });

  it("never runs two ticks at once, and runs one more after a tick asked for during it", async function () {
    let running = 0;
    let overlapped = false;
    let ticks = 0;
    timer = new TickTimer(
      async () => {
        running++;
        overlapped ||= running > 1;
        ticks++;
        await sleep(30);
        running--;
      },
      () => undefined,
    );
    timer.start(10_000);
    await sleep(10); // the first tick is running
    timer.soon();
    timer.soon();
    await sleep(100);
    expect(overlapped).to.equal(false);
    expect(ticks).to.equal(2);
  });

  it("waits for the interval, not for a time a year ahead, and does not fire at once for it", async function () {
    let ticks = 0;
    timer = new TickTimer(
      async () => void ticks++,
      () => undefined,
    );
    timer.start(200);
    await sleep(20);
    const afterFirst = ticks;
    timer.at(Date.now() + 365 * 24 * 3600 * 1000);
    await sleep(100);
    expect(ticks, "a year-ahead time fired").to.equal(afterFirst);
    await sleep(200);
    expect(ticks, "the interval tick came").to.be.greaterThan(afterFirst);
    expect(ticks).to.be.lessThan(afterFirst + 4);
  });

  it("reports a failed tick and keeps ticking", async function () {
    const errors: unknown[] = [];
    let ticks = 0;
    timer = new TickTimer(
      async () => {
        ticks++;
        throw new Error("node down");
      },
      (fields) => errors.push(fields),
    );
    timer.start(20);
    await sleep(110);
    expect(errors.length).to.be.greaterThan(1);
    expect(errors[0]).to.deep.equal({ error: "Error: node down" });
    expect(ticks).to.equal(errors.length);
  });

  it("ticks no more once stopped", async function () {
    let ticks = 0;
    timer = new TickTimer(
      async () => void ticks++,
      () => undefined,
    );
    timer.start(10);
    await sleep(30);
    timer.stop();
    const atStop = ticks;
    timer.soon();
    await sleep(40);
    expect(ticks).to.equal(atStop);
  });
});
