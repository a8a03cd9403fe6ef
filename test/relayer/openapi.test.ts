import { expect } from "chai";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createRelayerHttpServer } from "../../src/relayer/http/server.js";
import { createLogger } from "../../src/relayer/logger.js";
import { RelayerMetrics } from "../../src/relayer/metrics.js";
import { AcceptingRelayerService } from "../helpers/acceptingRelayerService.js";

/** An OpenAPI operation, as much of it as the test reads. */
interface Operation {
  summary?: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: object }[];
  requestBody?: { content: Record<string, { schema: Record<string, any> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}

const PAGE = readFileSync(new URL("../../docs/relayer-api.md", import.meta.url), "utf8");

/** The routes of the table at the top of docs/relayer-api.md: method, path and 2xx statuses. */
function documentedRoutes(): { method: string; path: string; success: string[] }[] {
  const lines = PAGE.split("\n");
  const header = lines.findIndex((line) => line.startsWith("| method and path "));
  const rows = lines.slice(header + 2, lines.indexOf("", header));
  return rows.map((row) => {
    const [route, , success] = row
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim());
    const [method, path] = route.replaceAll("`", "").split(" ");
    return { method, path, success: [...success.matchAll(/`(2\d\d)`/g)].map((m) => m[1]) };
  });
}

/** The statuses besides 500 each route answers with the error body (docs/relayer-api.md 3, 5). */
const ERROR_STATUSES: Record<string, string[]> = {
  "POST /v1/intents": ["400", "403", "409", "413", "415", "429", "503"],
  "GET /v1/intents/:id": ["400", "404"],
  "GET /v1/wallets/:address/intents": ["400"],
  "GET /health": ["503"],
  "GET /metrics": [],
  "GET /v1/openapi.json": [],
};

describe("relayer OpenAPI document (GET /v1/openapi.json)", function () {
  let server: Server;
  let document: {
    openapi: string;
    info: { title: string };
    paths: Record<string, Record<string, Operation>>;
  };
  let contentType: string | null;

  before(async function () {
    server = createRelayerHttpServer({
      service: new AcceptingRelayerService(),
      metrics: new RelayerMetrics(),
      logger: createLogger({ level: "silent" }),
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const response = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/openapi.json`,
    );
    expect(response.status).to.equal(200);
    contentType = response.headers.get("content-type");
    document = JSON.parse(await response.text());
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function operation(method: string, path: string): Operation {
    const openApiPath = path.replace(/:(\w+)/g, "{$1}");
    const found = document.paths[openApiPath]?.[method.toLowerCase()];
    expect(found, `${method} ${path} is not in the document`).not.to.equal(undefined);
    return found!;
  }

  it("is JSON of OpenAPI 3.x, served as application/json", function () {
    expect(contentType).to.equal("application/json; charset=utf-8");
    expect(document.openapi).to.match(/^3\.\d+\.\d+$/);
    expect(document.info.title).to.be.a("string");
  });

  it("describes exactly the routes docs/relayer-api.md lists, the document's own among them", function () {
    const documented = documentedRoutes();
    expect(documented.map(({ method, path }) => `${method} ${path}`)).to.include.members([
      "POST /v1/intents",
      "GET /v1/openapi.json",
    ]);
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map(
        (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`,
      ),
    );

    expect(described.sort()).to.deep.equal(
      documented.map(({ method, path }) => `${method} ${path}`).sort(),
    );
  });

  it("describes every route's answers: its documented successes and errors, each with a description and a schema", function () {
    for (const { method, path, success } of documentedRoutes()) {
      const { responses } = operation(method, path);
      const statuses = [...success, ...ERROR_STATUSES[`${method} ${path}`], "500"];

      expect(Object.keys(responses).sort(), `${method} ${path}`).to.deep.equal(statuses.sort());
      for (const [status, response] of Object.entries(responses)) {
        expect(response.description, `${method} ${path} ${status}`)
          .to.be.a("string")
          .and.not.equal("");
        const media = Object.values(response.content ?? {});
        expect(media, `${method} ${path} ${status} has no schema`).to.have.length(1);
        if (status >= "400") {
          expect(media[0].schema).to.deep.include({ required: ["error"] });
        }
      }
    }
  });

  it("describes the path and query parameters", function () {
    const names = (method: string, path: string) =>
      (operation(method, path).parameters ?? []).map((p) => `${p.in}:${p.name}:${p.required}`);

    expect(names("GET", "/v1/intents/:id")).to.deep.equal(["path:id:true"]);
    expect(names("GET", "/v1/wallets/:address/intents").sort()).to.deep.equal([
      "path:address:true",
      "query:cursor:false",
      "query:limit:false",
    ]);
  });

  it("describes the submission's body as the signed intent of section 2, with the relayer's limits", function () {
    const body = operation("POST", "/v1/intents").requestBody!.content["application/json"].schema;

    expect(body.required).to.have.members([
      "version",
      "wallet",
      "chainId",
      "intent",
      "id",
      "signature",
    ]);
    expect(body.additionalProperties).to.equal(false);
    expect(body.properties.intent.properties.calls).to.include({ minItems: 1, maxItems: 64 });
    expect(body.properties.intent.properties.dependencies).to.include({ maxItems: 16 });
    expect(body.properties.intent.properties.salt).to.deep.equal({ type: "string" });
  });

  it("writes on-chain integers of answers as the strings they are on the wire", function () {
    const health = operation("GET", "/health").responses["200"].content!["application/json"]
      .schema as { properties: Record<string, object> };

    expect(health.properties.blockNumber).to.deep.equal({ type: "string" });
    expect(health.properties.balance).to.deep.equal({ type: "string" });
  });
});
