import { intentStatusResponseSchema } from "../../../protocol/relayerApi/schemas.js";
import { sendRefusal } from "../errorAnswers.js";
import { emptyQuerySchema, intentPathSchema } from "../params.js";
import { notFound } from "../refusals.js";
import { intentStatusOf } from "../renderIntent.js";
import { errorResponses, type RelayerApp, type RouteDependencies } from "../responses.js";

/**
 * `GET /v1/intents/:id`: the intent's status (`intentStatusOf`, encoded through the protocol's
 * `intentStatusResponseSchema`); `400 invalid_field` for an `:id` that is not a bytes32,
 * `404 not_found` for an ID the relayer never accepted.
 *
 * @example
 * getIntentRoute(app, { service, limits });
 */
export function getIntentRoute(app: RelayerApp, { service }: RouteDependencies): void {
  app.route({
    method: "GET",
    url: "/v1/intents/:id",
    schema: {
      summary: "One intent's status",
      params: intentPathSchema,
      querystring: emptyQuerySchema,
      response: {
        200: intentStatusResponseSchema.describe("the intent's status"),
        ...errorResponses(400, 404, 500),
      },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      request.notes.fields = { id };
      const record = await service.get(id);
      if (record === undefined) {
        return sendRefusal(
          request,
          reply,
          notFound(`no intent ${id} was accepted by this relayer`, { id }),
        );
      }
      return reply.code(200).send(intentStatusOf(record));
    },
  });
}
