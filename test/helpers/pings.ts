import { buildIntent, signIntent, type SignedIntent } from "../../src/sdk/index.js";
import { latestTimestamp, pingCall, type NodeWorld } from "./nodeWorld.js";

/**
 * `count` owner-signed intents that each call the world's `CallTarget.ping(i)`, spread over
 * its wallets in turn, salts `firstSalt`, `firstSalt + 1`, ...: independent intents for
 * relaying in bulk, signed before anything is measured.
 *
 * @example
 * const signed = await signPings(world, 3000);
 */
export async function signPings(
  world: NodeWorld,
  count: number,
  firstSalt = 0,
): Promise<SignedIntent[]> {
  const now = await latestTimestamp(world);
  const signed: SignedIntent[] = [];
  for (let i = 0; i < count; i++) {
    const wallet = i % world.wallets.length;
    const intent = buildIntent({
      calls: [pingCall(world, BigInt(i))],
      salt: BigInt(firstSalt + i),
      now,
    });
    signed.push(
      await signIntent({
        signer: world.owners[wallet],
        intent,
        wallet: world.wallets[wallet],
        chainId: world.chainId,
      }),
    );
  }
  return signed;
}
