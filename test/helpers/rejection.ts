import { expect } from "chai";

/**
 * The error `promise` rejects with; fails the test if it fulfils.
 *
 * @example
 * expect(await rejectionOf(store.get(id))).to.be.instanceOf(StoreClosedError);
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail("expected a rejection");
}
