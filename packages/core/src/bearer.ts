/**
 * RFC 6750 Bearer credentials parsing.
 *
 * @packageDocumentation
 */

/**
 * Default cap on the length of an Authorization header value: 8 KiB.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_TOKEN_LENGTH, parseBearer } from '@rebind-guard/core';
 * const header = `Bearer ${'a'.repeat(DEFAULT_MAX_TOKEN_LENGTH)}`; // 8199 characters
 * parseBearer(header).ok;                                            // false: token_malformed
 * parseBearer(header, { maxLength: 2 * DEFAULT_MAX_TOKEN_LENGTH }).ok; // true
 * ```
 */
export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

/**
 * A Bearer token taken from an `Authorization` header.
 *
 * @example
 * ```ts
 * import { parseBearer } from '@rebind-guard/core';
 * const result = parseBearer('Bearer mF_9.B5f-4.1JqM');
 * if (result.ok) result.token; // 'mF_9.B5f-4.1JqM'
 * ```
 */
export interface BearerToken {
  readonly ok: true;
  readonly token: string;
}

/**
 * Why no Bearer token could be taken from the header.
 *
 * @example
 * ```ts
 * import { parseBearer } from '@rebind-guard/core';
 * const result = parseBearer(['Bearer a', 'Bearer b']);
 * if (!result.ok) result.code; // 'token_duplicate'
 * ```
 */
export interface BearerFailure {
  readonly ok: false;
  readonly code: 'token_missing' | 'token_malformed' | 'token_duplicate';
  readonly message: string;
}

/**
 * Options of {@link parseBearer}.
 *
 * @example
 * ```ts
 * import { parseBearer } from '@rebind-guard/core';
 * parseBearer('Bearer abc', { maxLength: 4096 });
 * ```
 */
export interface ParseBearerOptions {
  /** Longest header value accepted, in characters. Default 8192. */
  readonly maxLength?: number;
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
// RFC 9110 §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]; auth-scheme = token.
const AUTH_SCHEME = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: |$)/;

/**
 * Takes the token from an `Authorization` header value per RFC 6750: case-insensitive `Bearer`
 * scheme, one or more spaces, exactly one b64token, nothing else. An array with more than one value
 * (a repeated header) is `token_duplicate`; an absent or empty header, or credentials of another
 * scheme (`Basic …`), is `token_missing` (RFC 6750 §3.1: no Bearer credentials were sent); anything
 * else — `Bearer` without a token, two tokens, commas, quotes, control characters, an over-long
 * value, no scheme at all — is `token_malformed`. Never throws. Tokens in the query string are never
 * looked at.
 *
 * @example
 * ```ts
 * import { parseBearer } from '@rebind-guard/core';
 * parseBearer('bearer abc.def.ghi'); // { ok: true, token: 'abc.def.ghi' }
 * parseBearer('Basic dXNlcjpwYXNz'); // { ok: false, code: 'token_missing', ... } (another scheme)
 * parseBearer('Bearer a b');         // { ok: false, code: 'token_malformed', ... }
 * parseBearer(undefined);            // { ok: false, code: 'token_missing', ... }
 * ```
 */
export function parseBearer(header: unknown, options: ParseBearerOptions = {}): BearerToken | BearerFailure {
  const maxLength = options.maxLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  let value: unknown = header;
  if (Array.isArray(value)) {
    if (value.length > 1) return { ok: false, code: 'token_duplicate', message: 'more than one Authorization header' };
    value = value[0];
  }
  if (value === undefined || value === null)
    return { ok: false, code: 'token_missing', message: 'no Authorization header' };
  if (typeof value !== 'string')
    return { ok: false, code: 'token_malformed', message: 'Authorization header is not text' };
  if (value.length > maxLength)
    return { ok: false, code: 'token_malformed', message: 'Authorization header is too long' };
  // Trim spaces and tabs by index: the regex /[ \t]+$/ backtracks quadratically on long runs of
  // inner whitespace, which an 8 KiB header turns into tens of milliseconds of blocked event loop.
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  const trimmed = value.slice(start, end);
  if (trimmed.length === 0) return { ok: false, code: 'token_missing', message: 'empty Authorization header' };
  const match = BEARER.exec(trimmed);
  if (match?.[1] === undefined) {
    const scheme = AUTH_SCHEME.exec(trimmed)?.[1];
    if (scheme !== undefined && scheme.toLowerCase() !== 'bearer') {
      return { ok: false, code: 'token_missing', message: 'Authorization header uses another scheme, not Bearer' };
    }
    return { ok: false, code: 'token_malformed', message: 'Authorization header is not "Bearer <token>"' };
  }
  return { ok: true, token: match[1] };
}
