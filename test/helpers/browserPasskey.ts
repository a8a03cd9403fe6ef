import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium, type BrowserContext, type Page } from "playwright-core";

import type { WebAuthnAssertion } from "../../src/protocol/index.js";

/** Debian's Chromium: the only browser these tests drive (playwright-core never downloads one). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** The relying party: `localhost` is a secure context over plain HTTP, so WebAuthn works there. */
export const RP_ID = "localhost";

/** Chromium's flags: headless, and nothing that reaches the network or the profile's services. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * The CDP options of the virtual authenticator: a platform authenticator (CTAP2, internal) with
 * resident keys that verifies its user and touches itself, so `create` and `get` never wait.
 */
export const VIRTUAL_AUTHENTICATOR = {
  protocol: "ctap2",
  transport: "internal",
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
} as const;

/** The page served: empty, it only gives WebAuthn an origin. */
const PAGE = "<!doctype html><meta charset=utf-8><title>IntentWallet passkey</title>";

/** A passkey credential made by the browser, as the page returns it. */
export interface BrowserCredential {
  /** The credential's raw ID, hex. */
  id: string;
  /** `response.getPublicKey()`: the SubjectPublicKeyInfo of its P-256 key, hex. */
  spki: string;
}

/** A passkey's assertion made by the browser (`navigator.credentials.get`'s `response`), hex. */
export interface BrowserAssertion extends WebAuthnAssertion {
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

/** A headless Chromium on a page of a local server, with a virtual authenticator attached. */
export interface PasskeyBrowser {
  /** The page's origin, `http://localhost:<port>`. */
  origin: string;
  /** Makes a passkey (ES256, user verification required) with `navigator.credentials.create`. */
  createCredential(): Promise<BrowserCredential>;
  /** Signs `challenge` (32 bytes, hex) with `credential` through `navigator.credentials.get`. */
  getAssertion(credential: BrowserCredential, challenge: string): Promise<BrowserAssertion>;
  /** Closes the browser and the server, and deletes the profile. */
  close(): Promise<void>;
}

/**
 * Starts Chromium (a fresh profile in a temporary directory) on `http://localhost:<port>/`,
 * served from 127.0.0.1, with a CDP virtual authenticator. Fails, saying how to install it,
 * when Chromium is missing.
 *
 * @example
 * const browser = await openPasskeyBrowser();
 * const credential = await browser.createCredential();
 * const assertion = await browser.getAssertion(credential, intentId);
 */
export async function openPasskeyBrowser(): Promise<PasskeyBrowser> {
  checkChromiumInstalled();
  const server = await serve(PAGE);
  const profile = mkdtempSync(join(tmpdir(), "passkey-browser-"));
  const closeAll = async (context?: BrowserContext) => {
    await context?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(profile, { recursive: true, force: true });
  };
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const origin = `http://${RP_ID}:${(server.address() as AddressInfo).port}`;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${origin}/`);
    await attachAuthenticator(page);
    const opened = context;
    return {
      origin,
      createCredential: () => page.evaluate(createInPage, RP_ID),
      getAssertion: (credential, challenge) =>
        page.evaluate(getInPage, { rpId: RP_ID, credentialId: credential.id, challenge }),
      close: () => closeAll(opened),
    };
  } catch (error) {
    await closeAll(context);
    throw error;
  }
}

/** Throws, saying how to install it, unless Debian's Chromium is at `CHROMIUM_PATH`. */
function checkChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; install it with ` +
        "`apt-get update && apt-get install -y --no-install-recommends chromium` (as .ci/run does)",
    );
}

/** Serves `html` at every path on 127.0.0.1, on a port the system picks. */
async function serve(html: string): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return server;
}

/** Enables CDP's WebAuthn domain on `page` and attaches `VIRTUAL_AUTHENTICATOR`. */
async function attachAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", { options: VIRTUAL_AUTHENTICATOR });
}

/*
 * Page-side code: run in the browser by `page.evaluate`, so self-contained (no imports, no
 * helpers from this module, no named inner functions) and returning JSON. The project compiles
 * without DOM types: `PageGlobals` types the little of the browser's API it uses.
 */

/** What the page-side code uses of the browser's globals: WebAuthn's `navigator.credentials`. */
interface PageGlobals {
  navigator: {
    credentials: {
      create(options: { publicKey: object }): Promise<{
        rawId: ArrayBuffer;
        response: { getPublicKey(): ArrayBuffer | null };
      } | null>;
      get(options: { publicKey: object }): Promise<{
        response: {
          authenticatorData: ArrayBuffer;
          clientDataJSON: ArrayBuffer;
          signature: ArrayBuffer;
        };
      } | null>;
    };
  };
}

/** In the page: `navigator.credentials.create` of an ES256 passkey; its raw ID and SPKI, hex. */
async function createInPage(rpId: string): Promise<BrowserCredential> {
  const { credentials } = (globalThis as unknown as PageGlobals).navigator;
  const credential = await credentials.create({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      rp: { id: rpId, name: "IntentWallet" },
      user: { id: crypto.getRandomValues(new Uint8Array(16)), name: "alice", displayName: "Alice" },
      pubKeyCredParams: [{ type: "public-key", alg: -7 }],
      authenticatorSelection: { userVerification: "required", residentKey: "preferred" },
    },
  });
  const spki = credential?.response.getPublicKey();
  if (credential == null || spki == null) throw new Error("the authenticator made no ES256 key");
  const [id, publicKey] = [credential.rawId, spki].map(
    (buffer) =>
      "0x" + Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join(""),
  );
  return { id: id!, spki: publicKey! };
}

/** In the page: `navigator.credentials.get` of `challenge` by the credential; the response, hex. */
async function getInPage({
  rpId,
  credentialId,
  challenge,
}: {
  rpId: string;
  credentialId: string;
  challenge: string;
}): Promise<BrowserAssertion> {
  const { credentials } = (globalThis as unknown as PageGlobals).navigator;
  const [id, digest] = [credentialId, challenge].map((hex) =>
    Uint8Array.from(hex.slice(2).match(/../g) ?? [], (pair) => parseInt(pair, 16)),
  );
  const credential = await credentials.get({
    publicKey: {
      challenge: digest,
      rpId,
      allowCredentials: [{ type: "public-key", id }],
      userVerification: "required",
    },
  });
  if (credential == null) throw new Error("the authenticator gave no assertion");
  const { response } = credential;
  const [authenticatorData, clientDataJSON, signature] = [
    response.authenticatorData,
    response.clientDataJSON,
    response.signature,
  ].map(
    (buffer) =>
      "0x" + Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join(""),
  );
  return {
    authenticatorData: authenticatorData!,
    clientDataJSON: clientDataJSON!,
    signature: signature!,
  };
}
