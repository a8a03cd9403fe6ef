import { listWalletIntentsResponseSchema } from "../../../protocol/relayerApi/schemas.js";
import { sendRefusal } from "../errorAnswers.js";
import { listQuerySchema, walletPathSchema } from "../params.js";
import { intentStatusOf } from "../renderIntent.js";
import { errorResponses, type RelayerApp, type RouteDependencies } from "../responses.js";

/**
 * `GET /v1/wallets/:address/intents?limit&cursor`: a page of the wallet's intents, newest
 * first, and `nextCursor` unless it is the last page, encoded through the protocol's
 * `listWalletIntentsResponseSchema`. A wallet without intents is an empty list; a cursor this
 * relayer never gave out is the service's `400 invalid_field`.
 *
 * @example
 * listWalletIntentsRoute(app, { service, limits });
 */
export function listWalletIntentsRoute(app: RelayerApp, { service }: RouteDependencies): void {
  app.route({
    method: "GET",
    url: "/v1/wallets/:address/intents",
    schema: {
      summary: "A wallet's intents, newest first",
      params: walletPathSchema,
      querystring: listQuerySchema,
      response: {
        200: listWalletIntentsResponseSchema.describe("a page of the wallet's intents"),
        ...errorResponses(400, 500),
      },
    },
    handler: async (request, reply) => {
      const { address } = request.params;
      const { limit, cursor } = request.query;
      const outcome = await service.listByWallet(address, {
        limit,
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (!outcome.ok) return sendRefusal(request, reply, outcome.refusal);
      const { intents, nextCursor } = outcome.page;
      request.notes.fields = { wallet: address, count: intents.length };
      return reply.code(200).send({
        intents: intents.map(intentStatusOf),
        ...(nextCursor === undefined ? {} : { nextCursor }),
      });
    },
  });
}
