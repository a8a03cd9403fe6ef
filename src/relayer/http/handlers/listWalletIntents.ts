import { z } from "zod";

import { listWalletIntentsResponseSchema } from "../../../protocol/relayerApi/schemas.js";
import type { Handler } from "../handler.js";
import { listQuerySchema, parseParameters, queryObject, walletPathSchema } from "../params.js";
import { intentStatusOf } from "../renderIntent.js";

/**
 * `GET /v1/wallets/:address/intents?limit&cursor`: a page of the wallet's intents, newest
 * first, and `nextCursor` unless it is the last page, encoded through the protocol's
 * `listWalletIntentsResponseSchema`. A wallet without intents is an empty list.
 */
export const listWalletIntents: Handler = async ({ params, query, service }) => {
  const { address } = parseParameters(
    walletPathSchema,
    { address: params.address },
    "path parameter",
  );
  const { limit, cursor } = parseParameters(listQuerySchema, queryObject(query), "query parameter");
  const page = await service.listByWallet(address, {
    limit,
    ...(cursor === undefined ? {} : { cursor }),
  });
  return {
    status: 200,
    json: z.encode(listWalletIntentsResponseSchema, {
      intents: page.intents.map(intentStatusOf),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    }),
    logFields: { wallet: address, count: page.intents.length },
  };
};
