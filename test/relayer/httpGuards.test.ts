import { expect } from "chai";
import type { AddressInfo } from "node:net";
import { request as httpRequest, type Server } from "node:http";

import { Wallet, id as keccakId } from "ethers";

import { createRelayerHttpServer } from "../../src/relayer/http/server.js";
import { createLogger } from "../../src/relayer/logger.js";
import { RelayerMetrics } from "../../src/relayer/metrics.js";
import {
  buildIntent,
  signIntent,
  toSignedIntentJson,
  type SignedIntentJson,
} from "../../src/sdk/index.js";
import { rawHttpExchange } from "../helpers/rawHttp.js";
import { AcceptingRelayerService } from "../helpers/acceptingRelayerService.js";

/*
 * The HTTP layer's guards against bodies that are cheap to send and dear to refuse: a key given
 * twice, far more calls than the relayer takes, and a flood of refused bodies from one client.
 */

const WALLET = "0x8464135c8F25Da09e49BC8782676a84730C318bC";
const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CLIENT_RATE = 20;

/** An answer read whole. */
interface Answer {
  status: number;
  retryAfter: string | null;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

describe("relayer HTTP guards", function () {
  let server: Server;
  let url: string;
  let service: AcceptingRelayerService;
  let wire: SignedIntentJson;

  before(async function () {
    const owner = new Wallet(keccakId("relayer http guards owner"));
    const signed = await signIntent({
      signer: owner,
      intent: buildIntent({ calls: [{ to: TOKEN }], expiration: 1_767_225_600n }),
      wallet: WALLET,
      chainId: 31337n,
    });
    wire = toSignedIntentJson(signed);
  });

  beforeEach(async function () {
    service = new AcceptingRelayerService();
    server = createRelayerHttpServer({
      service,
      metrics: new RelayerMetrics(),
      logger: createLogger({ level: "silent" }),
      clientRatePerMinute: CLIENT_RATE,
    } as Parameters<typeof createRelayerHttpServer>[0]);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function post(body: string): Promise<Answer> {
    const response = await fetch(`${url}/v1/intents`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const json = (await response.json()) as { error?: Answer["error"] };
    return { ...json, status: response.status, retryAfter: response.headers.get("retry-after") };
  }

  /** The wire body with `count` calls, each `{ to, value: "0", data: "0x" }`. */
  function withCalls(count: number, to: string): SignedIntentJson {
    const calls = Array.from({ length: count }, () => ({ to, value: "0", data: "0x" }));
    return { ...wire, intent: { ...wire.intent, calls } };
  }

  describe("a key given twice", function () {
    it("refuses a top-level key given twice with 400 malformed_json naming its path, though both values agree", async function () {
      const text = JSON.stringify(wire);
      const twice = text.replace('"wallet":', `"wallet":"${WALLET}","wallet":`);

      const answer = await post(twice);

      expect(answer.status).to.equal(400);
      expect(answer.error?.code).to.equal("malformed_json");
      expect(answer.error?.message).to.include('"wallet"').and.include("twice");
      expect(answer.error?.details).to.deep.include({ path: "wallet" });
      expect(answer.error?.details?.position).to.equal(twice.lastIndexOf('"wallet"'));
      expect(service.submitted).to.deep.equal([]);
    });

    it("refuses a nested key given twice, even written with an escape, naming its full path", async function () {
      const text = JSON.stringify(wire);
      const twice = text.replace('"salt":"0"', '"salt":"0","s\\u0061lt":"1"');

      const answer = await post(twice);

      expect(answer.status).to.equal(400);
      expect(answer.error?.code).to.equal("malformed_json");
      expect(answer.error?.details).to.deep.include({ path: "intent.salt" });
    });

    it("still takes the same key in different objects (each call has its own `to`)", async function () {
      const answer = await post(JSON.stringify(withCalls(3, TOKEN)));

      // The ID no longer matches three calls: the body got past the JSON step to the schema.
      expect(answer.error?.code).to.equal("invalid_field");
      expect(answer.error?.details?.path).to.equal("id");
    });
  });

  describe("the relayer's limits come before any hashing", function () {
    it("refuses 1,200 calls (a 90 KiB body) as too many calls before checking any address's checksum", async function () {
      // Every `to` has a bad checksum, found only by hashing it: the limit must answer first.
      const badChecksum = TOKEN.replace("F", "f");
      const body = JSON.stringify(withCalls(1_200, badChecksum));
      expect(body.length).to.be.within(85 * 1024, 100 * 1024);

      const answer = await post(body);

      expect(answer.status).to.equal(400);
      expect(answer.error?.code).to.equal("invalid_field");
      expect(answer.error?.details?.path).to.equal("intent.calls");
      expect(answer.error?.message).to.include("too many calls: 1200");
      expect(service.submitted).to.deep.equal([]);
    });

    it("refuses 1,200 valid calls under a stale ID as too many calls, not as an ID mismatch (the ID is never computed)", async function () {
      const answer = await post(JSON.stringify(withCalls(1_200, TOKEN)));

      expect(answer.error?.code).to.equal("invalid_field");
      expect(answer.error?.details?.path).to.equal("intent.calls");
      expect(answer.error?.details).not.to.have.property("expected");
    });

    it("refuses 200 dependencies as too many dependencies before checking the calls", async function () {
      const dependencies = Array.from({ length: 200 }, () => ({ wallet: WALLET, id: wire.id }));
      const calls = [{ to: "0xnot", value: "0", data: "0x" }];

      const answer = await post(
        JSON.stringify({ ...wire, intent: { ...wire.intent, calls, dependencies } }),
      );

      expect(answer.error?.details?.path).to.equal("intent.dependencies");
      expect(answer.error?.message).to.include("too many dependencies: 200");
    });

    it("still names version first: a version 1 body with 1,200 calls is refused for its version", async function () {
      const answer = await post(JSON.stringify({ ...withCalls(1_200, TOKEN), version: 1 }));

      expect(answer.error?.details?.path).to.equal("version");
    });
  });

  describe("the per-client rate, which counts refusals", function () {
    it("answers 429 rate_limited with Retry-After once a client has sent its limit of malformed bodies", async function () {
      const statuses: number[] = [];
      let limited: Answer | undefined;
      for (let i = 0; i < CLIENT_RATE + 5; i++) {
        const answer = await post('{"version":2,');
        statuses.push(answer.status);
        if (answer.status === 429) limited ??= answer;
      }

      expect(statuses.slice(0, CLIENT_RATE)).to.deep.equal(Array(CLIENT_RATE).fill(400));
      expect(statuses.slice(CLIENT_RATE)).to.deep.equal(Array(5).fill(429));
      expect(limited?.error?.code).to.equal("rate_limited");
      expect(limited?.error?.details).to.deep.include({ limit: CLIENT_RATE, windowSeconds: 60 });
      expect(limited?.error?.message).to.include("127.0.0.1");
      expect(Number(limited?.retryAfter)).to.be.within(1, 60);
    });

    it("counts accepted submissions too, and refuses the next one without reading its body", async function () {
      for (let i = 0; i < CLIENT_RATE; i++)
        expect((await post(JSON.stringify(wire))).status).to.equal(202);

      const answer = await post("not even JSON");

      expect(answer.status).to.equal(429);
      expect(service.submitted).to.have.length(CLIENT_RATE);
    });

    it("limits each client on its own: another address still submits", async function () {
      for (let i = 0; i < CLIENT_RATE; i++) await post("{");
      expect((await post("{")).status).to.equal(429);

      const status = await new Promise<number>((resolve, reject) => {
        const body = JSON.stringify(wire);
        const sent = httpRequest(
          `${url}/v1/intents`,
          {
            method: "POST",
            localAddress: "127.0.0.2",
            headers: { "content-type": "application/json", "content-length": body.length },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        sent.on("error", reject);
        sent.end(body);
      });

      expect(status).to.equal(202);
    });

    it("does not count status reads: a client at its limit still reads /health and intents", async function () {
      for (let i = 0; i < CLIENT_RATE; i++) await post("{");

      expect((await fetch(`${url}/health`)).status).to.equal(200);
      expect((await fetch(`${url}/v1/intents/${wire.id}`)).status).to.equal(404);
    });
  });

  describe("Fastify's own errors, with the API's error body", function () {
    it("answers headers over Node's limit with 431 headers_too_large, then closes the connection", async function () {
      const answer = await rawHttpExchange(
        server,
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`,
      );

      const [head, body] = answer.split("\r\n\r\n");
      expect(head).to.match(/^HTTP\/1\.1 431 /);
      expect(JSON.parse(body)).to.deep.equal({
        error: { code: "headers_too_large", message: "the request headers are too large" },
      });
    });

    it("answers a path of bad percent-encoding with 404 not_found", async function () {
      const response = await fetch(`${url}/v1/intents/%zz`);
      const body = (await response.json()) as { error: { code: string; message: string } };

      expect(response.status).to.equal(404);
      expect(response.headers.get("content-type")).to.equal("application/json; charset=utf-8");
      expect(body.error.code).to.equal("not_found");
      expect(body.error.message).to.include("percent-encoding");
    });

    it("answers /health within 1 s with 503 unavailable and Retry-After even when the service hangs (the handler timeout)", async function () {
      service.health = () => new Promise(() => {});
      const started = performance.now();

      const response = await fetch(`${url}/health`);
      const body = (await response.json()) as { error: { code: string; details: object } };

      expect(performance.now() - started).to.be.lessThan(1_500);
      expect(response.status).to.equal(503);
      expect(response.headers.get("retry-after")).to.equal("5");
      expect(body.error).to.deep.include({ code: "unavailable" });
      expect(body.error.details).to.deep.equal({ component: "relayer", reason: "timeout" });
    });

    it("answers HEAD with 405 method_not_allowed: no route answers HEAD", async function () {
      const response = await fetch(`${url}/health`, { method: "HEAD" });

      expect(response.status).to.equal(405);
      expect(response.headers.get("allow")).to.equal("GET");
    });
  });
});
