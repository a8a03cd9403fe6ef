/** The plain EOA baseline: the same token transfers, sent by the holder itself. */
import { AMOUNT, INITIAL_TOKENS, type World, measureTransfers } from "./world.js";

/** Gives the EOA its tokens (not measured). */
export async function fund(world: World): Promise<void> {
  await world.token.mint(world.eoaSender.address, INITIAL_TOKENS);
}

/** One `transfer(to, AMOUNT)` sent by the EOA. */
export async function transfer(world: World, to: string): Promise<bigint> {
  const { eoaSender, token } = world;
  return measureTransfers(world, eoaSender.address, [to], () =>
    token.connect(eoaSender).transfer(to, AMOUNT),
  );
}
