import { expect } from "chai";

import { MemoryRateCounter } from "../../src/relayer/rates/MemoryRateCounter.js";
import { RATE_WINDOW_MS } from "../../src/relayer/rates/RateCounter.js";

/*
 * The rate counter of one process: an exact sliding window per key. Its use by the per-client
 * and per-wallet limits is tested through HTTP (httpGuards, badInputs).
 */

const T0 = 1_750_000_000_000;

describe("MemoryRateCounter", function () {
  it("counts up to the limit in any minute, the oldest event's exit being the Retry-After", async function () {
    const rates = new MemoryRateCounter();
    expect((await rates.take("k", 2, T0)).ok).to.equal(true);
    expect((await rates.take("k", 2, T0 + 20_000)).ok).to.equal(true);

    expect(await rates.take("k", 2, T0 + 30_000)).to.deep.equal({
      ok: false,
      counted: 2,
      retryAfterSeconds: 30,
    });
    // A refused take is not counted: once the first event leaves, one more fits.
    expect((await rates.take("k", 2, T0 + RATE_WINDOW_MS)).ok).to.equal(true);
    expect(await rates.take("k", 2, T0 + RATE_WINDOW_MS + 19_999)).to.deep.equal({
      ok: false,
      counted: 2,
      retryAfterSeconds: 1,
    });
  });

  it("gives a released take's slot back, and keeps keys apart", async function () {
    const rates = new MemoryRateCounter();
    const first = await rates.take("wallet:a", 1, T0);
    expect((await rates.take("wallet:a", 1, T0)).ok).to.equal(false);
    expect((await rates.take("client:a", 1, T0)).ok).to.equal(true);

    if (!first.ok) expect.fail("the first take was refused");
    await first.release();

    expect((await rates.take("wallet:a", 1, T0 + 1)).ok).to.equal(true);
  });

  it("refuses a limit that is not a positive integer", async function () {
    const rates = new MemoryRateCounter();
    for (const limit of [0, 2.5, Number.POSITIVE_INFINITY]) {
      const error = await rates.take("k", limit, T0).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error, String(limit)).to.be.instanceOf(RangeError);
    }
  });
});
