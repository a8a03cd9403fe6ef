import type { IncomingMessage } from "node:http";

import { RelayerRefusal } from "../refusal.js";
import { showValue } from "../../protocol/schema/show.js";

/** The request ended before its body did (the client went away): there is no one to answer. */
export class RequestAbortedError extends Error {
  constructor() {
    super("the client closed the request before sending its whole body");
    this.name = "RequestAbortedError";
  }
}

/**
 * Reads a JSON request body, checking in the order of docs/relayer-api.md section 3: the
 * `Content-Type` is JSON (`415 unsupported_media_type`), the body is at most `limitBytes`
 * (`413 body_too_large`, decided from `Content-Length` before reading anything when it is
 * given, else by counting bytes as they stream: nothing past the limit is ever buffered, and
 * reading stops there), the body is UTF-8 JSON (`400 malformed_json`). Rejects with a
 * `RelayerRefusal` for each, or a `RequestAbortedError` when the client goes away.
 *
 * @example
 * const body: unknown = await readJsonBody(request, { limitBytes: 128 * 1024 });
 */
export async function readJsonBody(
  request: IncomingMessage,
  { limitBytes }: { limitBytes: number },
): Promise<unknown> {
  checkContentType(request);
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  const bytes = await readLimited(request, limitBytes);
  return parseJson(bytes);
}

/** `application/json`, optionally with `charset=utf-8`; no content encoding. */
function checkContentType(request: IncomingMessage): void {
  const contentType = request.headers["content-type"];
  if (contentType === undefined || contentType.trim() === "") {
    throw new RelayerRefusal(
      "unsupported_media_type",
      "Content-Type is missing: send the body as application/json",
      { contentType: null },
    );
  }
  const [mediaType, ...parameters] = contentType.split(";").map((part) => part.trim());
  if (mediaType.toLowerCase() !== "application/json") {
    throw new RelayerRefusal(
      "unsupported_media_type",
      `Content-Type ${showValue(contentType)} is not supported: send the body as application/json`,
      { contentType },
    );
  }
  for (const parameter of parameters) {
    const [name, value = ""] = parameter.split("=").map((part) => part.trim());
    const charset = value.replace(/^"(.*)"$/, "$1").toLowerCase();
    if (name.toLowerCase() === "charset" && charset !== "utf-8" && charset !== "utf8") {
      throw new RelayerRefusal(
        "unsupported_media_type",
        `Content-Type ${showValue(contentType)} is not supported: the only charset accepted is utf-8`,
        { contentType },
      );
    }
  }
  const encoding = request.headers["content-encoding"];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    throw new RelayerRefusal(
      "unsupported_media_type",
      `Content-Encoding ${showValue(encoding)} is not supported: send the body uncompressed`,
      { contentType, contentEncoding: encoding },
    );
  }
}

/** The body, or a 413 as soon as more than `limitBytes` arrived (then reading stops). */
function readLimited(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (outcome: () => void) => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onClose);
      request.off("close", onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        // Stop reading: the caller answers 413 and closes the connection.
        request.pause();
        finish(() => reject(tooLarge(limitBytes)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(Buffer.concat(chunks, received)));
    const onClose = () => finish(() => reject(new RequestAbortedError()));
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onClose);
    request.on("close", onClose);
  });
}

function tooLarge(limitBytes: number): RelayerRefusal {
  return new RelayerRefusal(
    "body_too_large",
    `the body is larger than the limit of ${limitBytes} bytes`,
    { limitBytes },
  );
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function parseJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new RelayerRefusal("malformed_json", "the body is not valid UTF-8", {});
  }
  if (text.trim() === "") {
    throw new RelayerRefusal("malformed_json", "the body is empty: send a JSON object", {});
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    const position = /position (\d+)/.exec(reason)?.[1];
    throw new RelayerRefusal(
      "malformed_json",
      `the body is not valid JSON: ${reason}`,
      position === undefined ? {} : { position: Number(position) },
    );
  }
}
