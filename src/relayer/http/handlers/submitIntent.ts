import type { FastifyRequest } from "fastify";

import type { SerializableSignedIntent } from "../../../protocol/intent/json.js";
import { submitIntentResponseSchema } from "../../../protocol/relayerApi/schemas.js";
import { sendRefusal } from "../errorAnswers.js";
import { checkJsonContentType } from "../jsonBody.js";
import { emptyQuerySchema } from "../params.js";
import { takeClientRate } from "../rateLimit.js";
import { errorResponses, type RelayerApp, type RouteDependencies } from "../responses.js";
import { signedIntentBodySchema, signedIntentValidatorCompiler } from "../signedIntentBody.js";

/**
 * `POST /v1/intents`, in the order of docs/relayer-api.md section 3: the client's rate (every
 * submission counts, refused or not), the content type, the body limit, the JSON, then the
 * body against the relayer's limits and the protocol's schema (`readSignedIntentBody`: the
 * recomputed ID included), and only then the service. Answers `202 { id, status }` for a new
 * intent, `200` for one already known, encoded through the protocol's
 * `submitIntentResponseSchema`; a refusal of the service with its status.
 *
 * @example
 * submitIntentRoute(app, { service, limits, rates });
 */
export function submitIntentRoute(
  app: RelayerApp,
  { service, limits, rates }: RouteDependencies,
): void {
  app.route({
    method: "POST",
    url: "/v1/intents",
    schema: {
      summary: "Submit a signed intent",
      description:
        "Checks the signed intent (docs/relayer-api.md section 3), persists it, and answers before any transaction.",
      querystring: emptyQuerySchema,
      body: signedIntentBodySchema(limits),
      response: {
        200: submitIntentResponseSchema.describe(
          "the same signed intent again: its current status",
        ),
        202: submitIntentResponseSchema.describe("a new intent, accepted and persisted"),
        ...errorResponses(400, 403, 409, 413, 415, 429, 500, 503),
      },
    },
    validatorCompiler: signedIntentValidatorCompiler(limits),
    onRequest: [
      async (request) =>
        takeClientRate(rates, clientOf(request), limits.clientRatePerMinute, Date.now()),
      async (request) => checkJsonContentType(request.headers),
    ],
    handler: async (request, reply) => {
      // The route's validator (readSignedIntentBody) made the body a signed intent.
      const signed = request.body as unknown as SerializableSignedIntent;
      const outcome = await service.submit(signed);
      if (!outcome.ok) return sendRefusal(request, reply, outcome.refusal);
      const id = outcome.record.id.toLowerCase();
      request.notes.fields = { id, wallet: signed.wallet, alreadyKnown: outcome.alreadyKnown };
      return reply
        .code(outcome.alreadyKnown ? 200 : 202)
        .send({ id, status: outcome.record.status });
    },
  });
}

/** The client of a request: the address of its connection's peer. */
function clientOf(request: FastifyRequest): string {
  return request.ip ?? request.socket.remoteAddress ?? "unknown";
}
