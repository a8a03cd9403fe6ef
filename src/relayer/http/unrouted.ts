import type { FastifyInstance, FastifyRequest } from "fastify";

import type { RelayerRefusal } from "../refusal.js";
import { shorten } from "./observe.js";
import { methodNotAllowed, notFound } from "./refusals.js";

/**
 * Check 1 of docs/relayer-api.md section 3, before anything else (no body is read): a path no
 * route serves is `404 not_found`; a path a route serves with other methods is
 * `405 method_not_allowed`, with an `Allow` header. Fastify routes; the routes it registered
 * (seen through its `onRoute` hook) tell the two apart.
 */

/** A registered route: its template, the pattern of the paths it serves, its methods. */
interface KnownRoute {
  template: string;
  pattern: RegExp;
  methods: Set<string>;
}

/**
 * Collects the routes registered after it (call it first), and adds the onRequest hook that
 * refuses a request no route matched, with a thrown `RelayerRefusal`, and the not-found
 * handler behind it.
 *
 * @example
 * refuseUnrouted(app);
 * app.get("/health", handler);
 */
export function refuseUnrouted(app: FastifyInstance): void {
  const routes = new Map<string, KnownRoute>();
  app.addHook("onRoute", ({ url, method }) => {
    const known = routes.get(url) ?? { template: url, pattern: patternOf(url), methods: new Set() };
    for (const each of [method].flat()) known.methods.add(each);
    routes.set(url, known);
  });
  app.addHook("onRequest", async (request) => {
    if (request.is404) throw unrouted([...routes.values()], request);
  });
  app.setNotFoundHandler(async (request) => {
    throw unrouted([...routes.values()], request);
  });
}

/** The 404 or 405 of a request that matched no route; a 405 names its route in the notes. */
function unrouted(routes: readonly KnownRoute[], request: FastifyRequest): RelayerRefusal {
  const path = request.url.split("?")[0];
  const route = routes.find((known) => known.pattern.test(path));
  if (route === undefined) return notFound(`no route ${request.method} ${shorten(path)}`);
  request.notes.route = route.template;
  return methodNotAllowed(request.method, route.template, [...route.methods].join(", "));
}

/** The paths a template such as `/v1/wallets/:address/intents` serves. */
function patternOf(template: string): RegExp {
  const segments = template
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    );
  return new RegExp(`^${segments.join("/")}$`);
}
