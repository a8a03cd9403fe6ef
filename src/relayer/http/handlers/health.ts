import type { Handler } from "../handler.js";

/**
 * `GET /health`: `200` with the service's health (chain, relayer account, block, balance,
 * pending; bigints as decimal strings), or the service's `503 unavailable` refusal.
 */
export const health: Handler = async ({ service }) => {
  return { status: 200, json: await service.health() };
};
