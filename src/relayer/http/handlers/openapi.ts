import fastifySwagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { createJsonSchemaTransform } from "fastify-type-provider-zod";
import { z } from "zod";

import { errorResponses, type RelayerApp } from "../responses.js";

/**
 * Where the API's OpenAPI document is served.
 *
 * @example
 * const document = await (await fetch(`${url}${OPENAPI_PATH}`)).json();
 */
export const OPENAPI_PATH = "/v1/openapi.json";

/** An OpenAPI 3 document: what this route answers, open to every other field. */
const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/**
 * A zod node's JSON schema as the wire has it. Every codec of the API (an on-chain integer:
 * a decimal string in JSON, a bigint in the relayer) is described by its JSON side, for
 * requests and answers alike: fastify-type-provider-zod describes answers by their output
 * side, which for a bigint says nothing.
 */
function describeWireSide(context: {
  zodSchema: z.core.$ZodType;
  jsonSchema: z.core.JSONSchema.BaseSchema;
}): void {
  const def = context.zodSchema._zod.def as { type: string; in?: z.core.$ZodType };
  if (def.type !== "pipe" || def.in === undefined) return;
  const wire = z.toJSONSchema(def.in, { io: "input", unrepresentable: "any" });
  const { $schema: _dialect, ...rest } = wire as Record<string, unknown>;
  for (const key of Object.keys(context.jsonSchema)) {
    delete (context.jsonSchema as Record<string, unknown>)[key];
  }
  Object.assign(context.jsonSchema, rest);
}

/**
 * Registers @fastify/swagger, which builds an OpenAPI 3.1 document from the routes' zod
 * schemas (through fastify-type-provider-zod's transform), before the routes are declared.
 *
 * @example
 * registerOpenApi(app);
 * app.register(routes);
 */
export function registerOpenApi(app: FastifyInstance): void {
  app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "IntentWallet relayer API",
        version: "1",
        description:
          "Submit signed intents and follow them until relayed (docs/relayer-api.md). Every error answer is { error: { code, message, details } }.",
      },
    },
    transform: createJsonSchemaTransform({ zodToJsonConfig: { override: describeWireSide } }),
  });
}

/**
 * `GET /v1/openapi.json`: the OpenAPI 3.1 document of the API, generated from the routes' zod
 * schemas: every route, its parameters, body and answers.
 *
 * @example
 * openApiRoute(app);
 */
export function openApiRoute(app: RelayerApp): void {
  app.route({
    method: "GET",
    url: OPENAPI_PATH,
    schema: {
      summary: "This API's OpenAPI 3.1 document",
      response: {
        200: openApiDocumentSchema.describe("the OpenAPI document"),
        ...errorResponses(500),
      },
    },
    handler: async (_request, reply) => {
      return reply.code(200).send(app.swagger() as z.output<typeof openApiDocumentSchema>);
    },
  });
}
