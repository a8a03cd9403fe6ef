import { expect } from "chai";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { Interface, Wallet, id as keccakId } from "ethers";

import {
  buildIntent,
  IntentWalletSdkError,
  RelayerClient,
  RelayerError,
  serializeSignedIntent,
  signIntent,
  toSignedIntentJson,
  type RelayerIntentStatus,
  type SignedIntent,
} from "../../src/sdk/index.js";

/** A request the fake relayer received. */
interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the fake relayer answers: a JSON value (or a raw string), a status, headers, a delay. */
interface FakeAnswer {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

const WALLET = "0x8464135c8F25Da09e49BC8782676a84730C318bC";
const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const RELAYER_ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OTHER_ID = `0x${"ab".repeat(32)}`;
const MAX_UINT256 = 2n ** 256n - 1n;

/** A status body as the relayer writes it. */
function statusBody(id: string, status: RelayerIntentStatus, extra: Record<string, unknown> = {}) {
  return {
    id,
    wallet: WALLET,
    status,
    createdAt: "2025-06-01T12:00:00.000Z",
    updatedAt: "2025-06-01T12:00:01.000Z",
    ...extra,
  };
}

describe("RelayerClient", function () {
  let server: Server;
  let url: string;
  let requests: ReceivedRequest[];
  let answer: (request: ReceivedRequest) => FakeAnswer;
  let owner: Wallet;
  let signed: SignedIntent;

  before(async function () {
    server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        const request: ReceivedRequest = {
          method: incoming.method ?? "",
          url: incoming.url ?? "",
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        requests.push(request);
        const { status, body, raw, headers = {}, delayMs = 0 } = answer(request);
        setTimeout(() => {
          if (response.destroyed) return;
          response.writeHead(status, { "content-type": "application/json", ...headers });
          response.end(raw ?? (body === undefined ? "" : JSON.stringify(body)));
        }, delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    owner = new Wallet(keccakId("relayerClient test owner"));
    const transfer = new Interface(["function transfer(address,uint256)"]).encodeFunctionData(
      "transfer",
      [RELAYER_ACCOUNT, 5n * 10n ** 18n],
    );
    const intent = buildIntent({
      calls: [
        { to: TOKEN, data: transfer },
        { to: RELAYER_ACCOUNT, value: 12_345_678_901_234_567_890n },
      ],
      dependencies: [{ wallet: WALLET, id: OTHER_ID }],
      salt: 2n ** 200n,
      expiration: 1_767_225_600n,
      minGasLimit: 100_000n,
    });
    signed = await signIntent({ signer: owner, intent, wallet: WALLET, chainId: 31337n });
  });

  beforeEach(function () {
    requests = [];
    answer = () => ({ status: 500, body: { error: { code: "internal_error", message: "unset" } } });
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe("submit", function () {
    it("posts the signed intent to /v1/intents as version-2 JSON with every bigint as a decimal string", async function () {
      answer = () => ({ status: 202, body: { id: signed.id, status: "queued" } });

      await new RelayerClient({ url }).submit(signed);

      expect(requests).to.have.length(1);
      const [request] = requests;
      expect(request.method).to.equal("POST");
      expect(request.url).to.equal("/v1/intents");
      expect(request.headers["content-type"]).to.equal("application/json");
      expect(request.headers.accept).to.equal("application/json");
      expect(JSON.parse(request.body)).to.deep.equal({
        version: 2,
        wallet: WALLET,
        chainId: "31337",
        id: signed.id,
        signature: signed.signature,
        ...(signed.epoch === undefined ? {} : { epoch: signed.epoch.toString() }),
        intent: {
          calls: [
            { to: TOKEN, value: "0", data: signed.intent.calls[0].data },
            { to: RELAYER_ACCOUNT, value: "12345678901234567890", data: "0x" },
          ],
          dependencies: [{ wallet: WALLET, id: OTHER_ID }],
          salt: (2n ** 200n).toString(),
          validAfter: "0",
          expiration: "1767225600",
          maxGasPrice: MAX_UINT256.toString(),
          minGasLimit: "100000",
        },
      });
      const withoutVersion = request.body.replace('"version":2', "");
      expect(withoutVersion).to.not.match(/:\s*-?\d/, "no JSON number but the version");
    });

    it("writes the same JSON as serializeSignedIntent, so either can feed the relayer", async function () {
      const atEpoch7 = await signIntent({
        signer: owner,
        intent: signed.intent,
        wallet: WALLET,
        chainId: 31337n,
        epoch: 7n,
      });

      for (const each of [signed, atEpoch7]) {
        expect(toSignedIntentJson(each)).to.deep.equal(JSON.parse(serializeSignedIntent(each)));
      }
    });

    it("writes the epoch as a decimal string only when the signed intent names one", async function () {
      answer = () => ({ status: 202, body: { id: signed.id, status: "queued" } });
      const client = new RelayerClient({ url });

      const { epoch: _epoch, ...withoutEpoch } = signed;
      await client.submit({ ...signed, epoch: 3n });
      await client.submit(withoutEpoch);

      expect(JSON.parse(requests[0].body).epoch).to.equal("3");
      expect(JSON.parse(requests[1].body)).to.not.have.property("epoch");
    });

    it("returns the id and status of a new intent (202) and marks a resubmission (200) as already known", async function () {
      const client = new RelayerClient({ url });

      answer = () => ({ status: 202, body: { id: signed.id, status: "queued" } });
      expect(await client.submit(signed)).to.deep.equal({
        id: signed.id,
        status: "queued",
        alreadyKnown: false,
      });

      answer = () => ({ status: 200, body: { id: signed.id, status: "relayed" } });
      expect(await client.submit(signed)).to.deep.equal({
        id: signed.id,
        status: "relayed",
        alreadyKnown: true,
      });
    });

    it("refuses an answer whose id is not the submitted intent's", async function () {
      answer = () => ({ status: 202, body: { id: OTHER_ID, status: "queued" } });

      const error = await rejection(new RelayerClient({ url }).submit(signed));

      expect(error.code).to.equal("invalid_response");
      expect(error.status).to.equal(202);
      expect(error.shortMessage).to.contain(OTHER_ID);
    });
  });

  describe("reading", function () {
    it("reads an intent's status with blockNumber as a bigint and the reason of a failure", async function () {
      const reason = {
        code: "call_reverted",
        message: "WalletCallReverted(0, TargetFailed(7))",
        details: { revertData: "0x1234" },
      };
      answer = () => ({
        status: 200,
        body: statusBody(signed.id, "failed", {
          txHash: OTHER_ID,
          blockNumber: "9007199254740993",
          relayedBy: RELAYER_ACCOUNT,
          reason,
          futureField: "ignored",
        }),
      });

      const status = await new RelayerClient({ url }).status(signed.id);

      expect(requests[0].method).to.equal("GET");
      expect(requests[0].url).to.equal(`/v1/intents/${signed.id}`);
      expect(status).to.deep.equal({
        id: signed.id,
        wallet: WALLET,
        status: "failed",
        txHash: OTHER_ID,
        blockNumber: 9_007_199_254_740_993n,
        relayedBy: RELAYER_ACCOUNT,
        reason,
        createdAt: "2025-06-01T12:00:00.000Z",
        updatedAt: "2025-06-01T12:00:01.000Z",
      });
    });

    it("refuses a status it does not know, or a blockNumber that is not a decimal string", async function () {
      const client = new RelayerClient({ url });

      answer = () => ({ status: 200, body: statusBody(signed.id, "done" as RelayerIntentStatus) });
      expect((await rejection(client.status(signed.id))).code).to.equal("invalid_response");

      answer = () => ({ status: 200, body: statusBody(signed.id, "relayed", { blockNumber: 42 }) });
      expect((await rejection(client.status(signed.id))).code).to.equal("invalid_response");
    });

    it("lists a wallet's intents, passing limit and cursor in the query", async function () {
      answer = () => ({
        status: 200,
        body: { intents: [statusBody(signed.id, "queued")], nextCursor: "page-2" },
      });
      const client = new RelayerClient({ url });

      const page = await client.listWalletIntents(WALLET, { limit: 50, cursor: "page-1" });
      await client.listWalletIntents(WALLET);

      expect(requests[0].url).to.equal(`/v1/wallets/${WALLET}/intents?limit=50&cursor=page-1`);
      expect(requests[1].url).to.equal(`/v1/wallets/${WALLET}/intents`);
      expect(page.nextCursor).to.equal("page-2");
      expect(page.intents.map(({ id, status }) => ({ id, status }))).to.deep.equal([
        { id: signed.id, status: "queued" },
      ]);
    });

    it("reads the relayer's health with chainId, blockNumber and balance as bigints", async function () {
      answer = () => ({
        status: 200,
        body: {
          status: "ok",
          chainId: "31337",
          relayer: RELAYER_ACCOUNT,
          blockNumber: "42",
          balance: "9999987654321000000000",
          pending: 3,
          version: "0.1.0",
        },
      });

      const health = await new RelayerClient({ url }).health();

      expect(requests[0].url).to.equal("/health");
      expect(health).to.deep.equal({
        status: "ok",
        chainId: 31337n,
        relayer: RELAYER_ACCOUNT,
        blockNumber: 42n,
        balance: 9_999_987_654_321_000_000_000n,
        pending: 3,
      });
    });

    it("reads the metrics as text", async function () {
      const text =
        "# TYPE relayer_intents_accepted_total counter\nrelayer_intents_accepted_total 7\n";
      answer = () => ({
        status: 200,
        raw: text,
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });

      expect(await new RelayerClient({ url }).metrics()).to.equal(text);
      expect(requests[0].headers.accept).to.equal("text/plain");
    });

    it("keeps the base URL's path prefix, drops its trailing slash and sends the headers it is given", async function () {
      answer = () => ({ status: 200, body: statusBody(signed.id, "queued") });
      const client = new RelayerClient({
        url: `${url}/relayer/`,
        headers: { authorization: "Bearer app-key" },
      });

      await client.status(signed.id);

      expect(requests[0].url).to.equal(`/relayer/v1/intents/${signed.id}`);
      expect(requests[0].headers.authorization).to.equal("Bearer app-key");
    });

    it("uses the fetch it is given", async function () {
      answer = () => ({ status: 200, body: statusBody(signed.id, "queued") });
      const seen: string[] = [];
      const fetch: typeof globalThis.fetch = (input, init) => {
        seen.push(`${init?.method} ${String(input)}`);
        return globalThis.fetch(input, init);
      };

      await new RelayerClient({ url, fetch }).status(signed.id);

      expect(seen).to.deep.equal([`GET ${url}/v1/intents/${signed.id}`]);
    });
  });

  describe("errors", function () {
    const refusals = [
      { status: 400, code: "invalid_signature", details: { signer: RELAYER_ACCOUNT } },
      {
        status: 400,
        code: "unknown_field",
        details: { path: "intent.foo", reason: "unknown field" },
      },
      { status: 409, code: "already_relayed", details: { status: "succeeded", blockNumber: "7" } },
      { status: 403, code: "wallet_not_served", details: { wallet: WALLET } },
      { status: 413, code: "body_too_large", details: { limitBytes: 131072 } },
    ];
    for (const refusal of refusals) {
      it(`turns a ${refusal.status} ${refusal.code} body into a RelayerError with its status, code, message and details`, async function () {
        const message = `the relayer says ${refusal.code}`;
        answer = () => ({
          status: refusal.status,
          body: { error: { code: refusal.code, message, details: refusal.details } },
        });

        const error = await rejection(new RelayerClient({ url }).submit(signed));

        expect(error).to.be.an.instanceOf(RelayerError);
        expect(error).to.be.an.instanceOf(IntentWalletSdkError);
        expect(error.name).to.equal("RelayerError");
        expect(error.status).to.equal(refusal.status);
        expect(error.code).to.equal(refusal.code);
        expect(error.shortMessage).to.equal(message);
        expect(error.message).to.contain(message).and.to.contain(refusal.code);
        expect(error.errorDetails).to.deep.equal(refusal.details);
        expect(error.request).to.equal("POST /v1/intents");
        expect(error.retryAfterSeconds).to.equal(undefined);
      });
    }

    it("exposes the Retry-After of a 429 as retryAfterSeconds", async function () {
      answer = () => ({
        status: 429,
        headers: { "retry-after": "17" },
        body: { error: { code: "rate_limited", message: "slow down", details: { limit: 10 } } },
      });

      const error = await rejection(new RelayerClient({ url }).submit(signed));

      expect(error.status).to.equal(429);
      expect(error.code).to.equal("rate_limited");
      expect(error.retryAfterSeconds).to.equal(17);
    });

    it("reads a Retry-After given as an HTTP date", async function () {
      const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
      answer = () => ({
        status: 429,
        headers: { "retry-after": inOneMinute },
        body: { error: { code: "budget_exhausted", message: "come back later" } },
      });

      const error = await rejection(new RelayerClient({ url }).submit(signed));

      expect(error.code).to.equal("budget_exhausted");
      expect(error.retryAfterSeconds).to.be.within(58, 60);
    });

    it("reports a 404 for an unknown intent as not_found", async function () {
      answer = () => ({
        status: 404,
        body: { error: { code: "not_found", message: `no intent ${OTHER_ID}` } },
      });

      const error = await rejection(new RelayerClient({ url }).status(OTHER_ID));

      expect(error.status).to.equal(404);
      expect(error.code).to.equal("not_found");
      expect(error.request).to.equal(`GET /v1/intents/${OTHER_ID}`);
    });

    it("reports an error answer without the error body as http_error", async function () {
      answer = () => ({ status: 502, raw: "<html>Bad Gateway</html>" });

      const error = await rejection(new RelayerClient({ url }).health());

      expect(error.status).to.equal(502);
      expect(error.code).to.equal("http_error");
      expect(error.shortMessage).to.contain("502").and.to.contain("Bad Gateway");
    });

    it("reports a 2xx answer that is not JSON as invalid_response", async function () {
      answer = () => ({ status: 200, raw: "ok" });

      const error = await rejection(new RelayerClient({ url }).status(signed.id));

      expect(error.status).to.equal(200);
      expect(error.code).to.equal("invalid_response");
    });

    it("aborts a request that gets no answer within timeoutMs with a RelayerError timeout", async function () {
      answer = () => ({ status: 200, body: statusBody(signed.id, "queued"), delayMs: 2_000 });
      const started = Date.now();

      const error = await rejection(new RelayerClient({ url, timeoutMs: 150 }).status(signed.id));

      expect(error.status).to.equal(0);
      expect(error.code).to.equal("timeout");
      expect(Date.now() - started).to.be.within(140, 1_000);
    });

    it("reports a refused connection as network_error", async function () {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      const error = await rejection(
        new RelayerClient({ url: `http://127.0.0.1:${port}` }).health(),
      );

      expect(error.status).to.equal(0);
      expect(error.code).to.equal("network_error");
      expect(error.shortMessage).to.contain("ECONNREFUSED");
      expect(error.cause).to.be.an.instanceOf(Error);
    });
  });

  describe("waitFor", function () {
    /** Answers the status requests with `statuses` in turn, the last one from then on. */
    function answerInTurn(...statuses: Array<RelayerIntentStatus | FakeAnswer>) {
      let polls = 0;
      answer = () => {
        const next = statuses[Math.min(polls++, statuses.length - 1)];
        return typeof next === "string"
          ? {
              status: 200,
              body: statusBody(signed.id, next, next === "relayed" ? { blockNumber: "42" } : {}),
            }
          : next;
      };
    }

    it("polls the status until the intent is relayed and returns it", async function () {
      answerInTurn("queued", "waiting_dependencies", "submitted", "relayed");
      const seen: RelayerIntentStatus[] = [];

      const final = await new RelayerClient({ url }).waitFor(signed.id, {
        intervalMs: 10,
        onStatus: ({ status }) => seen.push(status),
      });

      expect(final.status).to.equal("relayed");
      expect(final.blockNumber).to.equal(42n);
      expect(seen).to.deep.equal(["queued", "waiting_dependencies", "submitted", "relayed"]);
      expect(requests.map(({ method, url: path }) => `${method} ${path}`)).to.deep.equal(
        Array(4).fill(`GET /v1/intents/${signed.id}`),
      );
    });

    it("stops at a status listed in until", async function () {
      answerInTurn("queued", "submitted", "relayed");

      const submitted = await new RelayerClient({ url }).waitFor(signed.id, {
        until: ["submitted"],
        intervalMs: 10,
      });

      expect(submitted.status).to.equal("submitted");
      expect(requests).to.have.length(2);
    });

    it("returns a final status at once even when until does not list it", async function () {
      answerInTurn("queued", "rejected");

      const final = await new RelayerClient({ url }).waitFor(signed.id, {
        until: ["relayed"],
        intervalMs: 10,
      });

      expect(final.status).to.equal("rejected");
      expect(requests).to.have.length(2);
    });

    it("keeps polling through 503 and 429 answers, waiting out the Retry-After", async function () {
      const unavailable = { error: { code: "unavailable", message: "rpc down" } };
      const limited = { error: { code: "rate_limited", message: "slow down" } };
      answerInTurn(
        { status: 503, body: unavailable },
        { status: 429, body: limited, headers: { "retry-after": "1" } },
        "relayed",
      );
      const started = Date.now();

      const final = await new RelayerClient({ url }).waitFor(signed.id, { intervalMs: 10 });

      expect(final.status).to.equal("relayed");
      expect(requests).to.have.length(3);
      expect(Date.now() - started).to.be.at.least(1_000);
    });

    it("gives up after timeoutMs with wait_timeout and the last status it read", async function () {
      answerInTurn("waiting_gas_price");

      const error = await rejection(
        new RelayerClient({ url }).waitFor(signed.id, { intervalMs: 20, timeoutMs: 150 }),
      );

      expect(error.code).to.equal("wait_timeout");
      expect(error.status).to.equal(0);
      expect(error.errorDetails?.lastStatus).to.include({ status: "waiting_gas_price" });
      expect(requests.length).to.be.within(3, 10);
    });

    it("throws an error that waiting cannot fix at once", async function () {
      answerInTurn({ status: 404, body: { error: { code: "not_found", message: "no intent" } } });

      const error = await rejection(
        new RelayerClient({ url }).waitFor(signed.id, { intervalMs: 10, timeoutMs: 5_000 }),
      );

      expect(error.code).to.equal("not_found");
      expect(requests).to.have.length(1);
    });

    it("stops when its signal aborts", async function () {
      answerInTurn("queued");
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user left")), 100);

      let caught: unknown;
      try {
        await new RelayerClient({ url }).waitFor(signed.id, {
          intervalMs: 20,
          signal: controller.signal,
        });
      } catch (error) {
        caught = error;
      }

      expect(caught).to.be.an.instanceOf(Error).with.property("message", "user left");
    });
  });
});

/** The `RelayerError` that `promise` rejects with (fails the test if it resolves or rejects otherwise). */
async function rejection(promise: Promise<unknown>): Promise<RelayerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RelayerError) return error;
    throw error;
  }
  expect.fail("expected a RelayerError");
}
