import type { Handler } from "../handler.js";
import { emptyQuerySchema, intentPathSchema, parseParameters, queryObject } from "../params.js";
import { notFound } from "../refusals.js";
import { renderIntent } from "../renderIntent.js";

/**
 * `GET /v1/intents/:id`: the intent's status (`renderIntent`, through the protocol's
 * `intentStatusResponseSchema`); `400 invalid_field` for an `:id`
 * that is not a bytes32, `404 not_found` for an ID the relayer never accepted.
 */
export const getIntent: Handler = async ({ params, query, service }) => {
  const { id } = parseParameters(intentPathSchema, { id: params.id }, "path parameter");
  parseParameters(emptyQuerySchema, queryObject(query), "query parameter");
  const record = await service.get(id);
  if (record === undefined) throw notFound(`no intent ${id} was accepted by this relayer`, { id });
  return { status: 200, json: renderIntent(record), logFields: { id } };
};
