import { expect } from "chai";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

import { Interface, Wallet, id as keccakId } from "ethers";

import type {
  HealthOutcome,
  ListOutcome,
  RelayerService,
  SubmitOutcome,
} from "../../src/relayer/http/RelayerService.js";
import { RelayerRefusal } from "../../src/relayer/refusal.js";
import { createRelayerHttpServer, renderIntent } from "../../src/relayer/http/server.js";
import { createLogger, type LogLevel } from "../../src/relayer/logger.js";
import { RelayerMetrics } from "../../src/relayer/metrics.js";
import { queuedRecord } from "../helpers/acceptingRelayerService.js";
import { rawHttpExchange } from "../helpers/rawHttp.js";
import type { IntentPage, IntentRecord } from "../../src/relayer/types.js";
import {
  buildIntent,
  RelayerClient,
  RelayerError,
  signIntent,
  toSignedIntentJson,
  type RelayerHealthResponse,
  type SerializableSignedIntent,
  type SignedIntent,
  type SignedIntentJson,
} from "../../src/sdk/index.js";

const CHAIN_ID = 31337n;
const WALLET = "0x8464135c8F25Da09e49BC8782676a84730C318bC";
const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const RELAYER_ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const OTHER_ID = `0x${"ab".repeat(32)}`;
const LIMIT_BYTES = 128 * 1024;
const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** What the fake service was asked to list. */
interface ListCall {
  wallet: string;
  options: { limit: number; cursor?: string };
}

/**
 * A `RelayerService` that keeps records in a map and records what it was given. `onSubmit`,
 * when set, decides a submission instead (return an outcome, a refusal as data, or throw: a
 * fault).
 */
class FakeRelayerService implements RelayerService {
  readonly records = new Map<string, IntentRecord>();
  readonly submitted: SerializableSignedIntent[] = [];
  readonly gets: string[] = [];
  readonly lists: ListCall[] = [];
  onSubmit?: (signed: SignedIntent) => Promise<SubmitOutcome>;
  onHealth?: () => Promise<HealthOutcome>;
  onGet?: (id: string) => Promise<IntentRecord | undefined>;
  onList?: () => Promise<ListOutcome>;
  page?: IntentPage;

  constructor(readonly relayerMetrics: RelayerMetrics) {}

  reset(): void {
    this.records.clear();
    this.submitted.length = 0;
    this.gets.length = 0;
    this.lists.length = 0;
    this.onSubmit = undefined;
    this.onHealth = undefined;
    this.onGet = undefined;
    this.onList = undefined;
    this.page = undefined;
  }

  async submit(signed: SignedIntent): Promise<SubmitOutcome> {
    this.submitted.push(signed);
    if (this.onSubmit !== undefined) return this.onSubmit(signed);
    const known = this.records.get(signed.id);
    if (known !== undefined) {
      if (known.signed.signature === signed.signature) {
        return { ok: true, record: known, alreadyKnown: true };
      }
      const refusal = new RelayerRefusal("duplicate", `intent ${signed.id} has another signature`, {
        status: known.status,
      });
      return { ok: false, refusal };
    }
    const record = queuedRecord(signed);
    this.records.set(signed.id, record);
    return { ok: true, record, alreadyKnown: false };
  }

  async get(id: string): Promise<IntentRecord | undefined> {
    this.gets.push(id);
    if (this.onGet !== undefined) return this.onGet(id);
    return this.records.get(id);
  }

  async listByWallet(
    wallet: string,
    options: { limit: number; cursor?: string },
  ): Promise<ListOutcome> {
    this.lists.push({ wallet, options });
    if (this.onList !== undefined) return this.onList();
    if (this.page !== undefined) return { ok: true, page: this.page };
    const intents = [...this.records.values()].filter((record) => record.wallet === wallet);
    return { ok: true, page: { intents: intents.slice(0, options.limit) } };
  }

  async health(): Promise<HealthOutcome> {
    if (this.onHealth !== undefined) return this.onHealth();
    const health: RelayerHealthResponse = {
      status: "ok",
      chainId: CHAIN_ID,
      relayer: RELAYER_ACCOUNT,
      blockNumber: 42n,
      balance: 9_999_987_654_321_000_000_000n,
      nonce: 7,
      pending: this.records.size,
    };
    return { ok: true, health };
  }

  async metrics(): Promise<string> {
    return this.relayerMetrics.render();
  }
}

/** An answer read whole: status, headers, the body as text and (if it is JSON) parsed. */
interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** The error body of an answer, checked to be exactly `{ error: { code, message, details? } }`. */
function errorOf(answer: RawAnswer): {
  code: string;
  message: string;
  details?: Record<string, unknown>;
} {
  const body = answer.json as { error: { code: string; message: string; details?: never } };
  expect(Object.keys(body), answer.text).to.deep.equal(["error"]);
  expect(body.error.code).to.be.a("string");
  expect(body.error.message).to.be.a("string");
  return body.error;
}

/** A copy of the wire body with `edit` applied (the edit may break anything). */
function edited(
  wire: SignedIntentJson,
  edit: (body: Record<string, any>) => void,
): Record<string, unknown> {
  const copy = structuredClone(wire) as Record<string, any>;
  edit(copy);
  return copy;
}

/** One row of the bad-input table: a request and what it must be answered with. */
interface BadInput {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** A value is sent as JSON; a string or bytes as they are. */
  body?: unknown;
  status: number;
  code: string;
  /** `details.path`, when the code has one. */
  fieldPath?: string;
  /** Words the message must contain (the field, the value, what is wrong). */
  says: string[];
}

describe("relayer HTTP server", function () {
  let server: Server;
  let url: string;
  let service: FakeRelayerService;
  let metrics: RelayerMetrics;
  let logLines: Record<string, unknown>[];
  let client: RelayerClient;
  let signed: SignedIntent;
  let wire: SignedIntentJson;
  let badInputs: BadInput[];

  /** A request with fetch; `body` as in `BadInput`. */
  async function send({
    method = "POST",
    path = "/v1/intents",
    headers,
    body,
  }: Pick<BadInput, "method" | "path" | "headers" | "body">): Promise<RawAnswer> {
    const payload =
      body === undefined || typeof body === "string" || body instanceof Uint8Array
        ? (body as string | Uint8Array | undefined)
        : JSON.stringify(body);
    const response = await fetch(`${url}${path}`, {
      method,
      headers: headers ?? (payload === undefined ? {} : { "content-type": "application/json" }),
      body: payload,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** The signed intent of `parameters`, by the test owner, on WALLET. */
  async function sign(parameters: Parameters<typeof buildIntent>[0]): Promise<SignedIntent> {
    const owner = new Wallet(keccakId("relayer http test owner"));
    const intent = buildIntent({ expiration: 1_767_225_600n, ...parameters });
    return signIntent({ signer: owner, intent, wallet: WALLET, chainId: CHAIN_ID });
  }

  before(async function () {
    const transfer = new Interface(["function transfer(address,uint256)"]).encodeFunctionData(
      "transfer",
      [RELAYER_ACCOUNT, 5n * 10n ** 18n],
    );
    signed = await sign({
      calls: [
        { to: TOKEN, data: transfer },
        { to: RELAYER_ACCOUNT, value: 12_345_678_901_234_567_890n },
      ],
      dependencies: [{ wallet: WALLET, id: OTHER_ID }],
      salt: 2n ** 200n,
      minGasLimit: 100_000n,
    });
    wire = toSignedIntentJson(signed);

    metrics = new RelayerMetrics();
    service = new FakeRelayerService(metrics);
    const logger = createLogger({
      level: "debug",
      stream: { write: (line: string) => logLines.push(JSON.parse(line)) },
    });
    server = createRelayerHttpServer({ service, metrics, logger });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new RelayerClient({ url, timeoutMs: 5_000 });

    const tooManyCalls = await sign({ calls: Array.from({ length: 65 }, () => ({ to: TOKEN })) });
    const tooManyDependencies = await sign({
      calls: [{ to: TOKEN }],
      dependencies: Array.from({ length: 17 }, (_, i) => ({
        wallet: WALLET,
        id: keccakId(`dependency ${i}`),
      })),
    });
    const idPath = `/v1/intents/${signed.id}`;
    const listPath = `/v1/wallets/${WALLET}/intents`;

    badInputs = [
      // The body: JSON.
      {
        name: "malformed JSON",
        body: '{"version": 2, "wallet": ',
        status: 400,
        code: "malformed_json",
        says: ["not valid JSON"],
      },
      {
        name: "a body that is not UTF-8",
        body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
        status: 400,
        code: "malformed_json",
        says: ["UTF-8"],
      },
      {
        name: "an empty body",
        body: "",
        status: 400,
        code: "malformed_json",
        says: ["empty"],
      },
      // The body: the schema.
      {
        name: "a JSON array instead of an object",
        body: [wire],
        status: 400,
        code: "invalid_field",
        fieldPath: "",
        says: ["expected a JSON object", "an array"],
      },
      {
        name: "the intent encoded twice (a JSON string)",
        body: JSON.stringify(JSON.stringify(wire)),
        status: 400,
        code: "invalid_field",
        fieldPath: "",
        says: ["expected a JSON object"],
      },
      {
        name: "an unknown top-level field",
        body: { ...wire, gasSponsor: "me" },
        status: 400,
        code: "unknown_field",
        fieldPath: "gasSponsor",
        says: ["gasSponsor", "unknown field"],
      },
      {
        name: "an unknown field in intent",
        body: edited(wire, (body) => (body.intent.foo = 1)),
        status: 400,
        code: "unknown_field",
        fieldPath: "intent.foo",
        says: ["intent.foo", "unknown field"],
      },
      {
        name: "an unknown field in a call",
        body: edited(wire, (body) => (body.intent.calls[1].gas = "21000")),
        status: 400,
        code: "unknown_field",
        fieldPath: "intent.calls[1].gas",
        says: ["intent.calls[1].gas", "unknown field"],
      },
      {
        name: "an unknown field before a bad value in the same object (unknown fields first)",
        body: edited(wire, (body) => {
          body.intent.salt = -1;
          body.intent.extra = true;
        }),
        status: 400,
        code: "unknown_field",
        fieldPath: "intent.extra",
        says: ["intent.extra"],
      },
      {
        name: "a value as a JSON number",
        body: edited(wire, (body) => (body.intent.calls[1].value = 1e18)),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls[1].value",
        says: ["intent.calls[1].value", "decimal string", "1000000000000000000"],
      },
      {
        name: "calls that are not an array",
        body: edited(wire, (body) => (body.intent.calls = { to: TOKEN })),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls",
        says: ["intent.calls", "expected an array"],
      },
      {
        name: "a missing version",
        body: edited(wire, (body) => delete body.version),
        status: 400,
        code: "invalid_field",
        fieldPath: "version",
        says: ["version", "missing"],
      },
      {
        name: "version 3",
        body: { ...wire, version: 3 },
        status: 400,
        code: "invalid_field",
        fieldPath: "version",
        says: ["version", "unsupported version 3"],
      },
      {
        name: "version 1 (an intent signed before validAfter existed)",
        body: { ...wire, version: 1 },
        status: 400,
        code: "invalid_field",
        fieldPath: "version",
        says: ["version 1", "before validAfter", "sign the intent again"],
      },
      {
        name: 'version "2" as a string',
        body: { ...wire, version: "2" },
        status: 400,
        code: "invalid_field",
        fieldPath: "version",
        says: ["version", '"2"'],
      },
      {
        name: "a missing validAfter",
        body: edited(wire, (body) => delete body.intent.validAfter),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.validAfter",
        says: ["intent.validAfter", "missing field"],
      },
      {
        name: "a missing field",
        body: edited(wire, (body) => delete body.intent.minGasLimit),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.minGasLimit",
        says: ["intent.minGasLimit", "missing field"],
      },
      {
        name: "a short address",
        body: { ...wire, wallet: "0x8464135c8F25Da09e49BC8782676a84730C318" },
        status: 400,
        code: "invalid_field",
        fieldPath: "wallet",
        says: ["wallet", "not an address", "0x8464135c8F25Da09e49BC8782676a84730C318"],
      },
      {
        name: "an address with a bad checksum",
        body: edited(wire, (body) => (body.intent.calls[0].to = TOKEN.replace("F", "f"))),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls[0].to",
        says: ["intent.calls[0].to", "checksum"],
      },
      {
        name: "calldata that is not hex",
        body: edited(wire, (body) => (body.intent.calls[0].data = "0xzz")),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls[0].data",
        says: ["intent.calls[0].data", "not hex", "0xzz"],
      },
      {
        name: "calldata of an odd number of hex digits",
        body: edited(wire, (body) => (body.intent.calls[0].data = "0xa9059")),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls[0].data",
        says: ["intent.calls[0].data", "odd number of hex digits"],
      },
      {
        name: "a dependency ID of 31 bytes",
        body: edited(wire, (body) => (body.intent.dependencies[0].id = `0x${"ab".repeat(31)}`)),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.dependencies[0].id",
        says: ["intent.dependencies[0].id", "expected 32 bytes"],
      },
      {
        name: "a hex salt (not a decimal string)",
        body: edited(wire, (body) => (body.intent.salt = "0x10")),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.salt",
        says: ["intent.salt", "not a decimal integer string", "0x10"],
      },
      {
        name: "a negative value",
        body: edited(wire, (body) => (body.intent.calls[1].value = "-1")),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls[1].value",
        says: ["intent.calls[1].value", "negative"],
      },
      {
        name: "a decimal with a leading zero",
        body: edited(wire, (body) => (body.intent.expiration = "01767225600")),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.expiration",
        says: ["intent.expiration", "leading zeros"],
      },
      {
        name: "an exponent",
        body: edited(wire, (body) => (body.intent.minGasLimit = "1e5")),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.minGasLimit",
        says: ["intent.minGasLimit", "1e5"],
      },
      {
        name: "2^256 (out of range)",
        body: edited(wire, (body) => (body.intent.maxGasPrice = (2n ** 256n).toString())),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.maxGasPrice",
        says: ["intent.maxGasPrice", "out of range"],
      },
      {
        name: "no calls",
        body: edited(wire, (body) => (body.intent.calls = [])),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls",
        says: ["intent.calls", "at least one call"],
      },
      {
        name: "a field nested 20,000 levels deep",
        body: `{"version":2,"wallet":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)},"chainId":"1","intent":{},"id":"0x","signature":"0x"}`,
        status: 400,
        code: "invalid_field",
        fieldPath: "wallet",
        says: ["wallet", "nested too deeply"],
      },
      {
        name: "65 calls (over the relayer's limit of 64)",
        body: toSignedIntentJson(tooManyCalls),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.calls",
        says: ["intent.calls", "too many calls: 65", "64"],
      },
      {
        name: "17 dependencies (over the relayer's limit of 16)",
        body: toSignedIntentJson(tooManyDependencies),
        status: 400,
        code: "invalid_field",
        fieldPath: "intent.dependencies",
        says: ["intent.dependencies", "too many dependencies: 17", "16"],
      },
      {
        name: "a signature of an unknown kind",
        body: { ...wire, signature: `0x03${signed.signature.slice(4)}` },
        status: 400,
        code: "invalid_field",
        fieldPath: "signature",
        says: ["signature", "kind byte"],
      },
      {
        name: "an id that does not match the intent",
        body: edited(wire, (body) => (body.intent.salt = "1")),
        status: 400,
        code: "invalid_field",
        fieldPath: "id",
        says: ["id", "does not match the intent", "chain 31337, epoch 0 is 0x"],
      },
      {
        name: "an unknown query parameter on a submission",
        path: "/v1/intents?priority=high",
        body: wire,
        status: 400,
        code: "unknown_field",
        fieldPath: "priority",
        says: ["priority", "unknown query parameter"],
      },
      // The request: content type.
      {
        name: "Content-Type text/plain",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify(wire),
        status: 415,
        code: "unsupported_media_type",
        says: ["text/plain", "application/json"],
      },
      {
        name: "no Content-Type",
        headers: {},
        body: new TextEncoder().encode(JSON.stringify(wire)),
        status: 415,
        code: "unsupported_media_type",
        says: ["Content-Type is missing"],
      },
      {
        name: "a charset other than UTF-8",
        headers: { "content-type": "application/json; charset=iso-8859-1" },
        body: JSON.stringify(wire),
        status: 415,
        code: "unsupported_media_type",
        says: ["iso-8859-1", "utf-8"],
      },
      {
        name: "a compressed body",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: JSON.stringify(wire),
        status: 415,
        code: "unsupported_media_type",
        says: ["Content-Encoding", "gzip"],
      },
      // The request: route and method.
      {
        name: "an unknown route",
        method: "GET",
        path: "/v1/intent",
        status: 404,
        code: "not_found",
        says: ["no route", "GET /v1/intent"],
      },
      {
        name: "an unknown version of the API",
        path: "/v2/intents",
        body: wire,
        status: 404,
        code: "not_found",
        says: ["/v2/intents"],
      },
      {
        name: "GET on /v1/intents",
        method: "GET",
        path: "/v1/intents",
        status: 405,
        code: "method_not_allowed",
        says: ["GET", "/v1/intents", "POST"],
      },
      {
        name: "DELETE on an intent",
        method: "DELETE",
        path: idPath,
        status: 405,
        code: "method_not_allowed",
        says: ["DELETE", "/v1/intents/:id", "GET"],
      },
      {
        name: "POST on /health",
        path: "/health",
        body: {},
        status: 405,
        code: "method_not_allowed",
        says: ["POST", "/health"],
      },
      // Path and query parameters.
      {
        name: "an :id that is too short",
        method: "GET",
        path: "/v1/intents/0x1234",
        status: 400,
        code: "invalid_field",
        fieldPath: "id",
        says: ["id", "64 hex digits", "0x1234"],
      },
      {
        name: "an :id that is not hex",
        method: "GET",
        path: `/v1/intents/0x${"zz".repeat(32)}`,
        status: 400,
        code: "invalid_field",
        fieldPath: "id",
        says: ["id", "zzzz"],
      },
      {
        name: "an unknown query parameter on a status",
        method: "GET",
        path: `${idPath}?verbose=1`,
        status: 400,
        code: "unknown_field",
        fieldPath: "verbose",
        says: ["verbose", "unknown query parameter", "takes none"],
      },
      {
        name: "an :address that is too short",
        method: "GET",
        path: "/v1/wallets/0x1234/intents",
        status: 400,
        code: "invalid_field",
        fieldPath: "address",
        says: ["address", "40 hex digits", "0x1234"],
      },
      {
        name: "an :address with a bad checksum",
        method: "GET",
        path: `/v1/wallets/${WALLET.replace("C", "c")}/intents`,
        status: 400,
        code: "invalid_field",
        fieldPath: "address",
        says: ["address", "checksum"],
      },
      {
        name: "limit 0",
        method: "GET",
        path: `${listPath}?limit=0`,
        status: 400,
        code: "invalid_field",
        fieldPath: "limit",
        says: ["limit", "from 1 to 500", '"0"'],
      },
      {
        name: "limit 501",
        method: "GET",
        path: `${listPath}?limit=501`,
        status: 400,
        code: "invalid_field",
        fieldPath: "limit",
        says: ["limit", "from 1 to 500", '"501"'],
      },
      {
        name: "limit that is not an integer",
        method: "GET",
        path: `${listPath}?limit=1.5`,
        status: 400,
        code: "invalid_field",
        fieldPath: "limit",
        says: ["limit", '"1.5"'],
      },
      {
        name: "limit given twice",
        method: "GET",
        path: `${listPath}?limit=5&limit=6`,
        status: 400,
        code: "invalid_field",
        fieldPath: "limit",
        says: ["limit", "more than once"],
      },
      {
        name: "an empty cursor",
        method: "GET",
        path: `${listPath}?cursor=`,
        status: 400,
        code: "invalid_field",
        fieldPath: "cursor",
        says: ["cursor", "empty"],
      },
      {
        name: "an unknown query parameter on a list",
        method: "GET",
        path: `${listPath}?limit=5&offset=10`,
        status: 400,
        code: "unknown_field",
        fieldPath: "offset",
        says: ["offset", "unknown query parameter", "limit, cursor"],
      },
    ];
  });

  beforeEach(function () {
    service.reset();
    logLines = [];
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe("bad inputs", function () {
    // The rows are built in `before` (they need a signed intent): one test walks them all and
    // reports every row that failed, then the rows are checked again concurrently.
    it("answers each bad input of the table with its status, code, path and a message naming the problem", async function () {
      const failures: string[] = [];
      for (const row of badInputs) {
        const answer = await send(row);
        try {
          expect(answer.status, "status").to.equal(row.status);
          expect(answer.headers.get("content-type")).to.equal(JSON_CONTENT_TYPE);
          const error = errorOf(answer);
          expect(error.code, "code").to.equal(row.code);
          for (const words of row.says) expect(error.message).to.include(words);
          if (row.fieldPath !== undefined) {
            expect(error.details?.path, "details.path").to.equal(row.fieldPath);
            expect(error.details?.reason, "details.reason").to.be.a("string");
          }
        } catch (failure) {
          failures.push(`${row.name}: ${(failure as Error).message}\n    got ${answer.text}`);
        }
      }
      expect(failures, failures.join("\n")).to.deep.equal([]);
      expect(service.submitted, "the service saw a bad body").to.deep.equal([]);
    });

    it("counts every bad input of the table (they are not trivially few)", function () {
      expect(badInputs.length).to.be.greaterThan(45);
    });

    it("gives the expected ID in the details of an id that does not match the intent", async function () {
      const body = edited(wire, (edit) => (edit.intent.salt = "1"));
      const { id: expected } = await sign({
        calls: signed.intent.calls,
        dependencies: signed.intent.dependencies,
        salt: 1n,
        minGasLimit: 100_000n,
      });

      const error = errorOf(await send({ body }));

      expect(error.details).to.deep.include({ path: "id", expected });
    });

    it("says where malformed JSON breaks (details.position)", async function () {
      const error = errorOf(await send({ body: '{"version":2,}' }));

      expect(error.code).to.equal("malformed_json");
      expect(error.details).to.deep.equal({ position: 13 });
    });

    it("lists the allowed methods in an Allow header on a 405", async function () {
      const answer = await send({ method: "GET", path: "/v1/intents" });

      expect(answer.headers.get("allow")).to.equal("POST");
      expect(errorOf(answer).details).to.deep.equal({ allow: "POST" });
    });

    it("refuses a 1 MiB body with 413 body_too_large at once, before reading it", async function () {
      const started = Date.now();
      const answer = await send({ body: `{"pad":"${"x".repeat(1024 * 1024)}"}` });

      expect(answer.status).to.equal(413);
      expect(errorOf(answer)).to.deep.equal({
        code: "body_too_large",
        message: `the body is larger than the limit of ${LIMIT_BYTES} bytes`,
        details: { limitBytes: LIMIT_BYTES },
      });
      expect(Date.now() - started).to.be.lessThan(2_000);
      expect(service.submitted).to.deep.equal([]);
    });

    it("stops reading a streamed body without Content-Length once it passes the limit", async function () {
      const total = 64 * 1024 * 1024;
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= total) return controller.close();
          pulled += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const started = Date.now();

      const response = await fetch(`${url}/v1/intents`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit);

      expect(response.status).to.equal(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(
        "body_too_large",
      );
      expect(Date.now() - started).to.be.lessThan(2_000);
      // The client could hand over only what fits in the socket buffers: the server stopped reading.
      expect(pulled).to.be.lessThan(total / 4);
    });

    it("takes a body of exactly the limit, and refuses one byte more", async function () {
      const json = JSON.stringify(wire);
      const exact = json + " ".repeat(LIMIT_BYTES - json.length);
      expect(Buffer.byteLength(exact)).to.equal(LIMIT_BYTES);

      expect((await send({ body: `${exact} ` })).status).to.equal(413);
      expect(service.submitted).to.deep.equal([]);
      expect((await send({ body: exact })).status).to.equal(202);
      expect(service.submitted).to.have.length(1);
    });

    it("takes application/json with charset=utf-8, in any case", async function () {
      const answer = await send({
        headers: { "content-type": "Application/JSON; Charset=UTF-8" },
        body: JSON.stringify(wire),
      });

      expect(answer.status).to.equal(202);
    });

    it("still answers /health with 200 after a storm of bad inputs sent at once, and the service saw none of them", async function () {
      const answers = await Promise.all(badInputs.map((row) => send(row)));

      expect(answers.map((answer) => answer.status)).to.deep.equal(
        badInputs.map((row) => row.status),
      );
      expect(service.submitted).to.deep.equal([]);
      expect(service.gets).to.deep.equal([]);
      expect(service.lists).to.deep.equal([]);
      const health = await send({ method: "GET", path: "/health" });
      expect(health.status).to.equal(200);
      expect((await client.health()).status).to.equal("ok");
    });
  });

  describe("requests that are not HTTP", function () {
    it("answers a malformed request with 400 and the JSON error body, then closes the connection", async function () {
      const answer = await rawHttpExchange(
        server,
        "POST /v1/intents HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      );

      const [head, body] = answer.split("\r\n\r\n");
      expect(head).to.match(/^HTTP\/1\.1 400 /);
      expect(head.toLowerCase()).to.include(`content-type: ${JSON_CONTENT_TYPE}`);
      expect(JSON.parse(body)).to.deep.equal({
        error: { code: "malformed_request", message: "the request is not valid HTTP/1.1" },
      });
      expect((await client.health()).status).to.equal("ok");
    });
  });

  describe("POST /v1/intents", function () {
    it("hands the parsed signed intent to the service and answers 202 with its ID and status", async function () {
      const answer = await send({ body: wire });

      expect(answer.status).to.equal(202);
      expect(answer.headers.get("content-type")).to.equal(JSON_CONTENT_TYPE);
      expect(answer.json).to.deep.equal({ id: signed.id, status: "queued" });
      expect(service.submitted).to.deep.equal([signed]);
    });

    it("answers 200 with the current status when the same signed intent comes again (RelayerClient: alreadyKnown)", async function () {
      const first = await client.submit(signed);
      service.records.get(signed.id)!.status = "submitted";
      const second = await client.submit(signed);

      expect(first).to.deep.equal({ id: signed.id, status: "queued", alreadyKnown: false });
      expect(second).to.deep.equal({ id: signed.id, status: "submitted", alreadyKnown: true });
    });

    it("takes an intent without epoch, with hex in upper case and a lowercase wallet", async function () {
      const body = edited(wire, (edit) => {
        delete edit.epoch;
        edit.wallet = WALLET.toLowerCase();
        edit.id = `0x${signed.id.slice(2).toUpperCase()}`;
        edit.intent.calls[0].data = `0x${edit.intent.calls[0].data.slice(2).toUpperCase()}`;
      });

      const answer = await send({ body });

      expect(answer.status).to.equal(202);
      const { epoch: _epoch, ...withoutEpoch } = signed;
      expect(service.submitted).to.deep.equal([withoutEpoch]);
    });

    // Every refusal of the service goes through as it is: code, message, details and Retry-After,
    // with the status docs/relayer-api.md section 5 gives its code, and RelayerClient turns it
    // into a RelayerError with the same fields.
    const refusals: {
      refusal: RelayerRefusal;
      /** The documented HTTP status of its code. */
      status: number;
      details: Record<string, unknown>;
      retryAfter?: number;
    }[] = [
      {
        refusal: new RelayerRefusal("wrong_chain", "chainId 1 is not this relayer's chain 31337", {
          expected: 31337n,
          received: 1n,
        }),
        status: 400,
        details: { expected: "31337", received: "1" },
      },
      {
        refusal: new RelayerRefusal(
          "invalid_signature",
          `the signature does not authorize ${OTHER_ID} for wallet ${WALLET}`,
          { signer: RELAYER_ACCOUNT },
        ),
        status: 400,
        details: { signer: RELAYER_ACCOUNT },
      },
      {
        refusal: new RelayerRefusal(
          "expired",
          "expired at 1767225600, the chain is at 1767225601",
          {
            expiration: 1_767_225_600n,
            now: 1_767_225_601n,
          },
        ),
        status: 400,
        details: { expiration: "1767225600", now: "1767225601" },
      },
      {
        refusal: new RelayerRefusal("already_relayed", "already relayed in block 42", {
          status: "succeeded",
          blockNumber: 42n,
          relayer: RELAYER_ACCOUNT,
        }),
        status: 409,
        details: { status: "succeeded", blockNumber: "42", relayer: RELAYER_ACCOUNT },
      },
      {
        refusal: new RelayerRefusal("canceled", "the owner canceled this intent", {
          reason: "canceled",
        }),
        status: 409,
        details: { reason: "canceled" },
      },
      {
        refusal: new RelayerRefusal("duplicate", "accepted already with another signature", {
          status: "queued",
        }),
        status: 409,
        details: { status: "queued" },
      },
      {
        refusal: new RelayerRefusal("dependency_cycle", "the dependencies form a cycle", {
          cycle: [{ wallet: WALLET, id: OTHER_ID }],
        }),
        status: 400,
        details: { cycle: [{ wallet: WALLET, id: OTHER_ID }] },
      },
      {
        refusal: new RelayerRefusal("dependency_failed", "a dependency failed on-chain", {
          dependency: { wallet: WALLET, id: OTHER_ID },
          status: "failed",
        }),
        status: 409,
        details: { dependency: { wallet: WALLET, id: OTHER_ID }, status: "failed" },
      },
      {
        refusal: new RelayerRefusal("wallet_not_served", `wallet ${WALLET} is not served`, {
          wallet: WALLET,
        }),
        status: 403,
        details: { wallet: WALLET },
      },
      {
        refusal: new RelayerRefusal(
          "rate_limited",
          "more than 10 intents in 60 s from this wallet",
          { limit: 10, windowSeconds: 60 },
          7,
        ),
        status: 429,
        details: { limit: 10, windowSeconds: 60 },
        retryAfter: 7,
      },
      {
        refusal: new RelayerRefusal(
          "budget_exhausted",
          "the gas budget of this period is used up",
          { periodEndsAt: "2025-06-01T13:00:00.000Z" },
          1800.2,
        ),
        status: 429,
        details: { periodEndsAt: "2025-06-01T13:00:00.000Z" },
        retryAfter: 1801,
      },
      {
        refusal: new RelayerRefusal("unavailable", "the store is not writable", {
          component: "store",
        }),
        status: 503,
        details: { component: "store" },
      },
    ];

    for (const { refusal, status, details, retryAfter } of refusals) {
      it(`maps the service's ${refusal.code} refusal to ${status} ${refusal.code}${retryAfter === undefined ? "" : " with Retry-After"}`, async function () {
        service.onSubmit = async () => ({ ok: false, refusal });

        const answer = await send({ body: wire });
        const error = await client.submit(signed).catch((caught: unknown) => caught);

        expect(answer.status).to.equal(status);
        expect(answer.headers.get("content-type")).to.equal(JSON_CONTENT_TYPE);
        expect(errorOf(answer)).to.deep.equal({
          code: refusal.code,
          message: refusal.message,
          details,
        });
        expect(answer.headers.get("retry-after")).to.equal(
          retryAfter === undefined ? null : String(retryAfter),
        );
        expect(error).to.be.instanceOf(RelayerError);
        const relayerError = error as RelayerError;
        expect(relayerError.status).to.equal(status);
        expect(relayerError.code).to.equal(refusal.code);
        expect(relayerError.shortMessage).to.equal(refusal.message);
        expect(relayerError.errorDetails).to.deep.equal(details);
        expect(relayerError.retryAfterSeconds).to.equal(retryAfter);
      });
    }

    it("gives a 429 without a Retry-After of its own a Retry-After of 1 second", async function () {
      service.onSubmit = async () => ({
        ok: false,
        refusal: new RelayerRefusal("rate_limited", "slow down", { limit: 1, windowSeconds: 1 }),
      });

      const answer = await send({ body: wire });

      expect(answer.headers.get("retry-after")).to.equal("1");
    });

    it("answers 500 internal_error on a thrown error, without leaking its message, and logs it", async function () {
      service.onSubmit = async () => {
        throw new Error("SQLITE_IOERR: disk I/O error at /var/lib/relayer/secret-intents.db");
      };

      const answer = await send({ body: wire });

      expect(answer.status).to.equal(500);
      expect(errorOf(answer)).to.deep.equal({
        code: "internal_error",
        message: "internal error: the request was not carried out; retrying it is safe",
      });
      expect(answer.text).not.to.match(/SQLITE|secret|\/var\//);
      const logged = logLines.find((line) => line.level === "error");
      expect(logged?.msg).to.equal("internal error while answering a request");
      expect(JSON.stringify(logged)).to.include("SQLITE_IOERR");
      expect((await client.health()).status).to.equal("ok");
    });

    it("answers 500 when the service throws a refusal instead of returning it: a thrown error is a fault", async function () {
      service.onSubmit = async () => {
        throw new RelayerRefusal("expired", "expired, but thrown");
      };

      const answer = await send({ body: wire });

      expect(answer.status).to.equal(500);
      expect(errorOf(answer).code).to.equal("internal_error");
    });

    it("answers 500 when the service throws something that is not an Error", async function () {
      service.onSubmit = async () => {
        throw "a string";
      };

      const answer = await send({ body: wire });

      expect(answer.status).to.equal(500);
      expect(errorOf(answer).code).to.equal("internal_error");
    });
  });

  describe("GET /v1/intents/:id", function () {
    it("renders the record: decimal blockNumber, ISO times, lowercase hashes, checksummed addresses, reason", async function () {
      const record: IntentRecord = {
        id: signed.id,
        wallet: WALLET.toLowerCase(),
        signed,
        status: "failed",
        txHash: `0x${"4A5F".repeat(16)}`,
        blockNumber: 42n,
        relayedBy: RELAYER_ACCOUNT.toLowerCase(),
        reason: {
          code: "call_reverted",
          message: "WalletCallReverted(0, TargetFailed(7))",
          details: { revertData: "0x1234", gasUsed: 21_000n },
        },
        createdAt: Date.UTC(2025, 5, 1, 12, 0, 0, 0),
        updatedAt: Date.UTC(2025, 5, 1, 12, 0, 2, 314),
      };
      service.records.set(signed.id, record);

      const answer = await send({
        method: "GET",
        path: `/v1/intents/${signed.id.toUpperCase().replace("0X", "0x")}`,
      });
      const status = await client.status(signed.id);

      expect(answer.status).to.equal(200);
      expect(answer.json).to.deep.equal({
        id: signed.id,
        wallet: WALLET,
        status: "failed",
        txHash: `0x${"4a5f".repeat(16)}`,
        blockNumber: "42",
        relayedBy: RELAYER_ACCOUNT,
        reason: {
          code: "call_reverted",
          message: "WalletCallReverted(0, TargetFailed(7))",
          details: { revertData: "0x1234", gasUsed: "21000" },
        },
        createdAt: "2025-06-01T12:00:00.000Z",
        updatedAt: "2025-06-01T12:00:02.314Z",
      });
      expect(renderIntent(record)).to.deep.equal(answer.json);
      expect(service.gets).to.deep.equal([signed.id, signed.id]);
      expect(status.blockNumber).to.equal(42n);
      expect(status.reason?.details).to.deep.equal({ revertData: "0x1234", gasUsed: "21000" });
    });

    it("leaves out the fields a queued intent does not have yet", async function () {
      await client.submit(signed);

      const answer = await send({ method: "GET", path: `/v1/intents/${signed.id}` });

      expect(Object.keys(answer.json as object)).to.deep.equal([
        "id",
        "wallet",
        "status",
        "createdAt",
        "updatedAt",
      ]);
    });

    it("answers 404 not_found for an ID the relayer never accepted", async function () {
      const answer = await send({ method: "GET", path: `/v1/intents/${OTHER_ID}` });
      const error = await client.status(OTHER_ID).catch((caught: unknown) => caught);

      expect(answer.status).to.equal(404);
      expect(errorOf(answer)).to.deep.equal({
        code: "not_found",
        message: `no intent ${OTHER_ID} was accepted by this relayer`,
        details: { id: OTHER_ID },
      });
      expect(error).to.be.instanceOf(RelayerError).with.property("code", "not_found");
    });

    it("answers 500 when the service fails to read", async function () {
      service.onGet = async () => {
        throw new TypeError("cannot read properties of undefined (reading 'row')");
      };

      const answer = await send({ method: "GET", path: `/v1/intents/${OTHER_ID}` });

      expect(answer.status).to.equal(500);
      expect(answer.text).not.to.include("row");
    });
  });

  describe("GET /v1/wallets/:address/intents", function () {
    it("asks the service with the checksummed address, the limit and the cursor, and renders the page", async function () {
      await client.submit(signed);
      service.page = { intents: [...service.records.values()], nextCursor: "Y3Vyc29y" };

      const page = await client.listWalletIntents(WALLET.toLowerCase(), {
        limit: 2,
        cursor: "abc/+=",
      });

      expect(service.lists).to.deep.equal([
        { wallet: WALLET, options: { limit: 2, cursor: "abc/+=" } },
      ]);
      expect(page.nextCursor).to.equal("Y3Vyc29y");
      expect(page.intents.map(({ id, wallet, status }) => ({ id, wallet, status }))).to.deep.equal([
        { id: signed.id, wallet: WALLET, status: "queued" },
      ]);
    });

    it("uses a limit of 100 by default and answers an empty list for a wallet without intents", async function () {
      const answer = await send({ method: "GET", path: `/v1/wallets/${TOKEN}/intents` });

      expect(answer.status).to.equal(200);
      expect(answer.json).to.deep.equal({ intents: [] });
      expect(service.lists).to.deep.equal([{ wallet: TOKEN, options: { limit: 100 } }]);
    });

    it("takes limits 1 and 500", async function () {
      expect(
        (await send({ method: "GET", path: `/v1/wallets/${TOKEN}/intents?limit=1` })).status,
      ).to.equal(200);
      expect(
        (await send({ method: "GET", path: `/v1/wallets/${TOKEN}/intents?limit=500` })).status,
      ).to.equal(200);
      expect(service.lists.map((call) => call.options.limit)).to.deep.equal([1, 500]);
    });

    it("passes a refusal of the service's (a bad cursor) through", async function () {
      service.onList = async () => ({
        ok: false,
        refusal: new RelayerRefusal("invalid_field", "cursor: not a cursor of this relayer", {
          path: "cursor",
          reason: "not a cursor of this relayer",
        }),
      });

      const error = await client
        .listWalletIntents(WALLET, { cursor: "garbage" })
        .catch((caught: unknown) => caught);

      expect(error).to.be.instanceOf(RelayerError);
      expect((error as RelayerError).errorDetails).to.deep.equal({
        path: "cursor",
        reason: "not a cursor of this relayer",
      });
    });
  });

  describe("GET /health", function () {
    it("answers 200 with the service's health, bigints as decimal strings", async function () {
      const answer = await send({ method: "GET", path: "/health" });
      const health = await client.health();

      expect(answer.json).to.deep.equal({
        status: "ok",
        chainId: "31337",
        relayer: RELAYER_ACCOUNT,
        blockNumber: "42",
        balance: "9999987654321000000000",
        nonce: 7,
        pending: 0,
      });
      expect(health).to.deep.equal({
        status: "ok",
        chainId: CHAIN_ID,
        relayer: RELAYER_ACCOUNT,
        blockNumber: 42n,
        balance: 9_999_987_654_321_000_000_000n,
        nonce: 7,
        pending: 0,
      });
    });

    it("answers 503 unavailable naming the component when the service cannot serve", async function () {
      service.onHealth = async () => ({
        ok: false,
        refusal: new RelayerRefusal(
          "unavailable",
          "the JSON-RPC endpoint does not answer",
          {
            component: "rpc",
          },
          5,
        ),
      });

      const answer = await send({ method: "GET", path: "/health" });

      expect(answer.status).to.equal(503);
      expect(answer.headers.get("retry-after")).to.equal("5");
      expect(errorOf(answer)).to.deep.equal({
        code: "unavailable",
        message: "the JSON-RPC endpoint does not answer",
        details: { component: "rpc" },
      });
    });
  });

  describe("GET /metrics", function () {
    /**
     * The samples of a text exposition, checked line by line: `name{labels} value`. Values are
     * read as Prometheus reads them (Go's ParseFloat): NaN and Inf in any case, as prom-client
     * writes `Nan`.
     */
    function parseMetrics(text: string): Map<string, number> {
      const samples = new Map<string, number>();
      const sample =
        /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.]+(?:e[+-]?[0-9]+)?|[+-]Inf|NaN)$/i;
      for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
        const match = sample.exec(line);
        expect(match, `not a sample line: ${line}`).not.to.equal(null);
        samples.set(`${match![1]}${match![2] ?? ""}`, Number(match![3]));
      }
      return samples;
    }

    it("answers the Prometheus text format, which parses and counts requests, acceptances and refusals", async function () {
      const before = parseMetrics(await client.metrics());
      await client.submit(signed);
      await client.submit(signed);
      await send({ body: "{" });
      await send({ method: "GET", path: "/nowhere" });
      await client.health();

      const response = await fetch(`${url}/metrics`);
      const text = await response.text();
      const after = parseMetrics(text);

      expect(response.headers.get("content-type")).to.equal(
        "text/plain; version=0.0.4; charset=utf-8",
      );
      const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(delta('relayer_http_requests_total{route="/v1/intents",status="202"}')).to.equal(1);
      expect(delta('relayer_http_requests_total{route="/v1/intents",status="200"}')).to.equal(1);
      expect(delta('relayer_http_requests_total{route="/v1/intents",status="400"}')).to.equal(1);
      expect(delta('relayer_http_requests_total{route="unmatched",status="404"}')).to.equal(1);
      expect(delta('relayer_http_requests_total{route="/health",status="200"}')).to.equal(1);
      expect(delta('relayer_http_requests_total{route="/metrics",status="200"}')).to.equal(1);
      expect(delta("relayer_intents_accepted_total")).to.equal(1);
      expect(delta('relayer_intents_refused_total{code="malformed_json"}')).to.equal(1);
      for (const name of [
        "relayer_intents_accepted_total",
        'relayer_intents{status="queued"}',
        "relayer_submit_to_receipt_seconds_count",
        'relayer_submit_to_receipt_seconds_bucket{le="+Inf"}',
        "relayer_gas_spent_total",
        "relayer_balance_wei",
      ]) {
        expect(after.has(name), name).to.equal(true);
      }
      for (const name of [
        "relayer_intents_refused_total",
        "relayer_intents_final_total",
        "relayer_transactions_sent_total",
      ]) {
        expect(text).to.include(`# TYPE ${name} counter`);
      }
    });

    it("renders what the service records: final statuses, gauges, transactions, the histogram, gas and balance", async function () {
      const recorded = new RelayerMetrics();
      recorded.intentFinal("relayed");
      recorded.intentFinal("relayed");
      recorded.intentFinal("expired");
      recorded.setIntentCounts({ queued: 3, submitted: 1, relayed: 99 });
      recorded.transactionSent("relay");
      recorded.transactionSent("replacement");
      recorded.submitToReceipt(0.7);
      recorded.submitToReceipt(12);
      recorded.submitToReceipt(5000);
      recorded.recordGasSpent(84_813n);
      recorded.setBalance(10n ** 21n);

      const samples = parseMetrics(await recorded.render());

      expect(samples.get('relayer_intents_final_total{status="relayed"}')).to.equal(2);
      expect(samples.get('relayer_intents_final_total{status="expired"}')).to.equal(1);
      expect(samples.get('relayer_intents{status="queued"}')).to.equal(3);
      expect(samples.get('relayer_intents{status="waiting_gas_price"}')).to.equal(0);
      expect(samples.has('relayer_intents{status="relayed"}')).to.equal(false);
      expect(samples.get('relayer_transactions_sent_total{kind="replacement"}')).to.equal(1);
      expect(samples.get('relayer_submit_to_receipt_seconds_bucket{le="0.5"}')).to.equal(0);
      expect(samples.get('relayer_submit_to_receipt_seconds_bucket{le="1"}')).to.equal(1);
      expect(samples.get('relayer_submit_to_receipt_seconds_bucket{le="15"}')).to.equal(2);
      expect(samples.get('relayer_submit_to_receipt_seconds_bucket{le="1800"}')).to.equal(2);
      expect(samples.get('relayer_submit_to_receipt_seconds_bucket{le="+Inf"}')).to.equal(3);
      expect(samples.get("relayer_submit_to_receipt_seconds_count")).to.equal(3);
      expect(samples.get("relayer_submit_to_receipt_seconds_sum")).to.equal(5012.7);
      expect(samples.get("relayer_gas_spent_total")).to.equal(84_813);
      expect(samples.get("relayer_balance_wei")).to.equal(1e21);
    });
  });

  describe("logging", function () {
    it("logs every request with its method, route, status and duration", async function () {
      await send({ method: "GET", path: `/v1/intents/${OTHER_ID}` });
      await send({ body: wire });

      const requests = logLines.filter((line) => line.msg === "http request");
      expect(requests).to.have.length(2);
      expect(requests[0]).to.deep.include({
        level: "info",
        method: "GET",
        route: "/v1/intents/:id",
        path: `/v1/intents/${OTHER_ID}`,
        status: 404,
        code: "not_found",
      });
      expect(requests[1]).to.deep.include({
        method: "POST",
        route: "/v1/intents",
        status: 202,
        id: signed.id,
        wallet: WALLET,
      });
      for (const line of requests) {
        expect(line.ms).to.be.a("number");
        expect(line.time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    });

    it("writes JSON lines with bigints as decimal strings, errors with their stack, and filters by level", function () {
      const lines: string[] = [];
      const stream = { write: (line: string) => lines.push(line) };
      const logger = createLogger({
        level: "info",
        stream,
        base: { service: "relayer" },
        now: () => new Date(Date.UTC(2025, 5, 1)),
      });

      logger.debug("not written");
      logger.info("accepted", { maxGasPrice: 2n ** 256n - 1n, level: "overridden?" });
      logger.error("failed", { error: new RelayerRefusal("rate_limited", "slow down") });
      logger.child({ component: "http" }).warn("child");

      expect(lines).to.have.length(3);
      expect(lines.every((line) => line.endsWith("\n"))).to.equal(true);
      const [accepted, failed, child] = lines.map((line) => JSON.parse(line));
      expect(accepted).to.deep.equal({
        time: "2025-06-01T00:00:00.000Z",
        level: "info",
        msg: "accepted",
        service: "relayer",
        maxGasPrice: (2n ** 256n - 1n).toString(),
      });
      expect(failed.error).to.deep.include({
        name: "RelayerRefusal",
        message: "slow down",
        code: "rate_limited",
      });
      expect(failed.error.stack).to.include("RelayerRefusal");
      expect(child).to.deep.include({ level: "warn", service: "relayer", component: "http" });
    });

    it("writes nothing at level silent, and refuses an unknown level", function () {
      const lines: string[] = [];
      const logger = createLogger({
        level: "silent",
        stream: { write: (l: string) => lines.push(l) },
      });

      logger.error("not written", { x: 1 });

      expect(lines).to.deep.equal([]);
      expect(() => createLogger({ level: "verbose" as LogLevel })).to.throw(RangeError, /verbose/);
    });

    it("cuts circular references instead of throwing", function () {
      const lines: string[] = [];
      const logger = createLogger({ stream: { write: (l: string) => lines.push(l) } });
      const loop: Record<string, unknown> = { name: "loop" };
      loop.self = loop;

      logger.info("circular", { loop });

      expect(JSON.parse(lines[0]).loop).to.deep.equal({ name: "loop", self: "[Circular]" });
    });
  });
});
