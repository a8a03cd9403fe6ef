import { parseSignedIntent } from "../../../protocol/intent/json.js";
import type { SignedIntent } from "../../../protocol/intent/types.js";

/**
 * The signed intents parsed from stored JSON with `parseSignedIntent`, most recently used
 * first. Parsing recomputes the intent ID (about 0.3 ms), and a signed intent never changes
 * once stored, so each is parsed once while it stays among the `capacity` most recent. Every
 * `get` returns a fresh copy: a caller mutating it changes nothing stored.
 *
 * @example
 * const signedIntents = new SignedIntentCache(10_000);
 * const signed = signedIntents.get(row.id, row.signed);
 */
export class SignedIntentCache {
  readonly #parsed = new Map<string, SignedIntent>();

  constructor(readonly capacity: number = 10_000) {
    if (!(capacity >= 0)) throw new RangeError(`capacity must be >= 0, got ${capacity}`);
  }

  /** The signed intent of `id`, stored as `json`. */
  get(id: string, json: string): SignedIntent {
    let signed = this.#parsed.get(id);
    if (signed === undefined) {
      signed = parseSignedIntent(json);
      this.#remember(id, signed);
    } else {
      // Most recently used last, so the first key is the one to evict.
      this.#parsed.delete(id);
      this.#parsed.set(id, signed);
    }
    return structuredClone(signed);
  }

  clear(): void {
    this.#parsed.clear();
  }

  /** Keeps `signed` as the most recently used, evicting the least recently used when full. */
  #remember(id: string, signed: SignedIntent): void {
    if (this.capacity === 0) return;
    if (this.#parsed.size >= this.capacity) {
      this.#parsed.delete(this.#parsed.keys().next().value as string);
    }
    this.#parsed.set(id, signed);
  }
}
