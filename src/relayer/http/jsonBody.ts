import type { IncomingHttpHeaders } from "node:http";

import { showValue } from "../../protocol/schema/show.js";
import { RelayerRefusal } from "../refusal.js";
import { findDuplicateKey } from "./duplicateKeys.js";

/**
 * The JSON request body, checked in the order of docs/relayer-api.md section 3: the
 * `Content-Type` is JSON (`415 unsupported_media_type`, checked before the body is read), the
 * body fits the limit (`413`, Fastify's body limit), the body is UTF-8 JSON with no key given
 * twice in an object (`400 malformed_json`).
 */

/**
 * Refuses (`415 unsupported_media_type`) a request whose body is not `application/json`
 * (optionally `charset=utf-8`, in any case) or is compressed. Throws a `RelayerRefusal`.
 *
 * @example
 * checkJsonContentType({ "content-type": "application/json; charset=utf-8" }); // passes
 */
export function checkJsonContentType(headers: IncomingHttpHeaders): void {
  const contentType = headers["content-type"];
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
  const encoding = headers["content-encoding"];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    throw new RelayerRefusal(
      "unsupported_media_type",
      `Content-Encoding ${showValue(encoding)} is not supported: send the body uncompressed`,
      { contentType, contentEncoding: encoding },
    );
  }
}

/**
 * Fastify's content-type parser for `application/json` (`parseAs: "buffer"`): `parseJsonBody`.
 *
 * @example
 * app.addContentTypeParser("application/json", { parseAs: "buffer" }, jsonBodyParser);
 */
export function jsonBodyParser(
  _request: unknown,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  try {
    done(null, parseJsonBody(Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8")));
  } catch (error) {
    done(error as Error, undefined);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The JSON value of a request body: refuses (`400 malformed_json`) a body that is not UTF-8,
 * is empty, is not JSON (`details.position` where it breaks), or gives a key twice in one
 * object (`details.path` of the key and `details.position` of its second occurrence). Throws
 * a `RelayerRefusal`. Fastify's parser for `application/json`.
 *
 * @example
 * parseJsonBody(Buffer.from('{"version":2}')); // { version: 2 }
 */
export function parseJsonBody(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new RelayerRefusal("malformed_json", "the body is not valid UTF-8", {});
  }
  if (text.trim() === "") {
    throw new RelayerRefusal("malformed_json", "the body is empty: send a JSON object", {});
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    const position = /position (\d+)/.exec(reason)?.[1];
    throw new RelayerRefusal(
      "malformed_json",
      `the body is not valid JSON: ${reason}`,
      position === undefined ? {} : { position: Number(position) },
    );
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new RelayerRefusal(
      "malformed_json",
      `the body gives the key ${JSON.stringify(duplicate.key)} twice in one object (at ${duplicate.path}): give each key once`,
      { position: duplicate.position, path: duplicate.path },
    );
  }
  return value;
}
