import { z } from "zod";

import { relayerHealthResponseSchema } from "../../../protocol/relayerApi/schemas.js";
import type { Handler } from "../handler.js";

/**
 * `GET /health`: `200` with the service's health (chain, relayer account, block, balance,
 * pending), encoded through the protocol's `relayerHealthResponseSchema` (bigints as decimal
 * strings), or the service's `503 unavailable` refusal.
 */
export const health: Handler = async ({ service }) => {
  return { status: 200, json: z.encode(relayerHealthResponseSchema, await service.health()) };
};
