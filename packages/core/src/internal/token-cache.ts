/**
 * The verified-token cache behind `auth.cache`: a bounded LRU of tokens that passed verification,
 * so a repeat token costs a lookup instead of a signature check.
 *
 * What is cached is the outcome of the deterministic checks only — signature, `alg`/`typ`/`crit`,
 * audience, issuer, registered time claims and `requiredClaims` — never a failure, and never the
 * result of the user's `claims` validator (which may not be pure: it runs on every hit). An entry
 * never outlives the token: it is dropped once `exp`, or `iat + maxAge`, has passed (with the
 * configured clock tolerance, exactly as the uncached path judges it) and it is not served while
 * the clock is before `nbf`. With `getKey` (or remote keys) the verifier asks for the key again on
 * a hit and uses the entry only if it is still the key the token was verified with, so a retired
 * key is refused at once.
 */
import type { KeyObject } from 'node:crypto';
import type { JwtClaims, JwtHeader } from '../jwt.js';
import type { ParsedHost } from '../host.js';

/** Default number of cached tokens (the same default as fast-jwt's cache). */
export const DEFAULT_CACHE_MAX = 1000;

interface Entry {
  /** The verified payload; never handed out (hits get a copy). */
  readonly claims: JwtClaims;
  readonly header: JwtHeader;
  /** The key the token was verified with. */
  readonly key: KeyObject;
  /** First second (UNIX, integer clock) at which the token is accepted: `nbf - clockTolerance`. */
  readonly from: number;
  /** First second at which it is refused: `min(exp, iat + maxAge) + clockTolerance`. */
  readonly until: number;
  /** Insertion counter value when the entry was last moved to the young end of the map. */
  touched: number;
}

/** What a hit yields: fresh copies, so a request that mutates its claims cannot affect another. */
export interface CachedToken {
  readonly claims: JwtClaims;
  readonly header: JwtHeader;
  /** The key the token was verified with (the same object, not a copy). */
  readonly key: KeyObject;
}

function optionError(message: string): TypeError {
  return new TypeError(`rebind-guard: auth.cache ${message}`);
}

/**
 * Validates the `auth.cache` option; returns `undefined` when the cache is off.
 * Throws a `TypeError` that says what to write instead.
 *
 * @example
 * ```ts
 * cacheSettings(undefined); // { max: 1000 }
 * cacheSettings(false); // undefined
 * cacheSettings({ max: 0 }); // throws TypeError: rebind-guard: auth.cache max must be a whole number…
 * ```
 */
export function cacheSettings(value: unknown): { readonly max: number } | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return { max: DEFAULT_CACHE_MAX };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw optionError(`must be false (no cache) or an object such as { max: ${DEFAULT_CACHE_MAX} }.`);
  }
  for (const name of Object.keys(value)) {
    if (name !== 'max')
      throw optionError(
        `has no option ${JSON.stringify(name)}; the only option is max, e.g. { max: ${DEFAULT_CACHE_MAX} }.`,
      );
  }
  const { max = DEFAULT_CACHE_MAX } = value as { max?: unknown };
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw optionError(
      `max must be a whole number of tokens >= 1, e.g. { max: ${DEFAULT_CACHE_MAX} }; write cache: false to switch the cache off.`,
    );
  }
  return { max };
}

/**
 * A copy of a JSON value (what `JSON.parse` made), with own `__proto__` keys kept as data.
 *
 * @example
 * ```ts
 * const claims = copyJson(JSON.parse('{"roles":["admin"]}')); // a new object and a new array
 * ```
 */
export function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: item, writable: true, enumerable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}

const numeric = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * The verified-token LRU of one verifier. Keys are the token, prefixed by the request host when
 * the audience is a function of the host (a token verified for one host is never a hit on another).
 *
 * @example
 * ```ts
 * const cache = new TokenCache({ max: 1000 }, { clockTolerance: 5, maxAge: undefined, hostBound: false });
 * cache.set(token, host, payload, header, key); // after every check passed
 * const hit = cache.get(token, host); // fresh copies of claims and header, or undefined
 * ```
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #clockTolerance: number;
  readonly #maxAge: number | undefined;
  readonly #hostBound: boolean;
  /** Counts insertions and moves; an entry is re-inserted on a hit only once it is in the older half. */
  #tick = 0;

  constructor(
    settings: { readonly max: number },
    check: { readonly clockTolerance: number; readonly maxAge: number | undefined; readonly hostBound: boolean },
  ) {
    this.#max = settings.max;
    this.#clockTolerance = check.clockTolerance;
    this.#maxAge = check.maxAge;
    this.#hostBound = check.hostBound;
  }

  /** Number of tokens held (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }

  #key(token: string, host: ParsedHost): string {
    // Tokens never contain spaces (b64token), so the host part cannot run into the token.
    return this.#hostBound ? `${host.hostname} ${host.port ?? ''} ${token}` : token;
  }

  /** A still-valid verified token, as fresh copies, or `undefined`. */
  get(token: string, host: ParsedHost): CachedToken | undefined {
    const key = this.#key(token, host);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // The same integer clock jsonwebtoken uses: floor(Date.now() / 1000).
    const now = Math.floor(Date.now() / 1000);
    if (now >= entry.until) {
      this.#entries.delete(key);
      return undefined;
    }
    // Before nbf (a clock set back): not served, but kept; the full check decides.
    if (now < entry.from) return undefined;
    // LRU order: move to the young end, but only when the entry has drifted into the older half —
    // a hot token then costs one lookup, and nothing used within the last max/2 insertions is evicted.
    if (this.#tick - entry.touched > this.#max >> 1) {
      this.#entries.delete(key);
      entry.touched = ++this.#tick;
      this.#entries.set(key, entry);
    }
    return { claims: copyJson(entry.claims) as JwtClaims, header: copyJson(entry.header) as JwtHeader, key: entry.key };
  }

  /** Remembers a token that passed every deterministic check at this moment. */
  set(token: string, host: ParsedHost, claims: JwtClaims, header: JwtHeader, verifiedWith: KeyObject): void {
    const tolerance = this.#clockTolerance;
    const exp = numeric(claims.exp);
    const iat = numeric(claims.iat);
    const nbf = numeric(claims.nbf);
    let until = exp === undefined ? Number.POSITIVE_INFINITY : exp + tolerance;
    if (this.#maxAge !== undefined && iat !== undefined) until = Math.min(until, iat + this.#maxAge + tolerance);
    if (Math.floor(Date.now() / 1000) >= until) return;
    const key = this.#key(token, host);
    this.#entries.delete(key);
    this.#entries.set(key, {
      claims: copyJson(claims) as JwtClaims,
      header: copyJson(header) as JwtHeader,
      key: verifiedWith,
      from: nbf === undefined ? Number.NEGATIVE_INFINITY : nbf - tolerance,
      until,
      touched: ++this.#tick,
    });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}

/**
 * Decoded JOSE header segments, remembered by their text: one issuer sends a handful of distinct
 * headers (`alg`, `typ`, `kid`), so the uncached path decodes each once. Bounded (oldest dropped);
 * every call returns a fresh copy, exactly what decoding the segment again would return.
 *
 * @example
 * ```ts
 * const headers = new HeaderMemo(decodeSegment);
 * const header = headers.decode(token.slice(0, token.indexOf('.'))); // { alg: 'HS256', … } or undefined
 * ```
 */
export class HeaderMemo {
  readonly #decoded = new Map<string, unknown>();
  readonly #decode: (segment: string) => unknown;
  readonly #max: number;

  constructor(decode: (segment: string) => unknown, max = 64) {
    this.#decode = decode;
    this.#max = max;
  }

  /** The decoded segment (a fresh copy), or `undefined` when it is not base64url JSON. */
  decode(segment: string): unknown {
    let value = this.#decoded.get(segment);
    if (value === undefined) {
      value = this.#decode(segment);
      if (value === undefined) return undefined;
      if (this.#decoded.size >= this.#max) this.#decoded.delete(this.#decoded.keys().next().value ?? '');
      this.#decoded.set(segment, value);
    }
    return copyJson(value);
  }
}
