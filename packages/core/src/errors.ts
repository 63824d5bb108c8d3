/**
 * The stable result codes of rebind-guard, their HTTP statuses and their client-safe messages.
 *
 * This is the one registry: the result union, the problem+json renderer and the docs meta-test all
 * read it.
 *
 * @packageDocumentation
 */

/**
 * Base URL of the documentation site; problem+json `type` links point into it.
 *
 * @example
 * ```ts
 * import { DOCS_URL } from '@rebind-guard/core';
 * const link = `${DOCS_URL}/reference/result-codes#host_not_allowed`;
 * ```
 */
export const DOCS_URL = 'https://rebind-guard.dev';

const REGISTRY = {
  host_missing: { status: 400, title: 'Host header missing', message: 'The request has no Host header.' },
  host_malformed: {
    status: 400,
    title: 'Host header malformed',
    message: 'The Host header is not a valid host name, IP address or port.',
  },
  host_duplicate: {
    status: 400,
    title: 'Host header repeated',
    message: 'The request carries more than one Host header.',
  },
  host_mismatch: {
    status: 400,
    title: 'Host and request authority disagree',
    message: 'The Host header does not match the authority of the request target.',
  },
  host_not_allowed: {
    status: 403,
    title: 'Host not allowed',
    message: 'This server does not answer to the requested host name.',
  },
  forwarded_host_not_allowed: {
    status: 403,
    title: 'Forwarded host not allowed',
    message: 'A forwarded host (X-Forwarded-Host or Forwarded) names a host this server does not answer to.',
  },
  origin_missing: {
    status: 403,
    title: 'Origin missing',
    message: 'This request must carry an Origin header from an allowed site.',
  },
  origin_malformed: {
    status: 403,
    title: 'Origin malformed',
    message: 'The Origin or Referer header is not a valid origin.',
  },
  origin_not_allowed: {
    status: 403,
    title: 'Origin not allowed',
    message: 'Requests from this origin are not allowed.',
  },
  cross_site_request: {
    status: 403,
    title: 'Cross-site request refused',
    message: 'The browser marked this request as cross-site and it has no allowed origin.',
  },
  token_missing: { status: 401, title: 'Bearer token missing', message: 'This resource requires a Bearer token.' },
  token_malformed: {
    status: 400,
    title: 'Bearer token malformed',
    message: 'The Authorization header is not a well-formed Bearer token.',
  },
  token_duplicate: {
    status: 400,
    title: 'Authorization header repeated',
    message: 'The request carries more than one Authorization header.',
  },
  token_invalid: { status: 401, title: 'Bearer token invalid', message: 'The Bearer token could not be verified.' },
  token_expired: { status: 401, title: 'Bearer token expired', message: 'The Bearer token has expired.' },
  token_not_active: { status: 401, title: 'Bearer token not yet valid', message: 'The Bearer token is not valid yet.' },
  token_audience_invalid: {
    status: 401,
    title: 'Bearer token audience invalid',
    message: 'The Bearer token was not issued for this API.',
  },
  token_issuer_invalid: {
    status: 401,
    title: 'Bearer token issuer invalid',
    message: 'The Bearer token was not issued by a trusted issuer.',
  },
  token_algorithm_invalid: {
    status: 401,
    title: 'Bearer token algorithm not allowed',
    message: 'The Bearer token is signed with an algorithm this API does not accept.',
  },
  token_claims_invalid: {
    status: 401,
    title: 'Bearer token claims invalid',
    message: 'The Bearer token lacks required claims or has claims of the wrong form.',
  },
  key_unavailable: {
    status: 503,
    title: 'Verification keys unavailable',
    message: 'The keys to verify the Bearer token could not be fetched from the identity provider; try again later.',
  },
  insufficient_scope: {
    status: 403,
    title: 'Insufficient scope',
    message: 'The Bearer token does not grant the scope this resource requires.',
  },
  guard_error: {
    status: 500,
    title: 'Request could not be checked',
    message: 'The request could not be checked and was refused.',
  },
} as const satisfies Record<string, { status: 400 | 401 | 403 | 500 | 503; title: string; message: string }>;

/**
 * Every result code a failed check can carry. Stable: codes are never renamed, only added.
 */
export type ResultCode = keyof typeof REGISTRY;

/**
 * The HTTP status each failure answers with: 400 for a missing, malformed or ambiguous Host and
 * for a malformed or repeated Authorization header (RFC 6750 `invalid_request`), 403 for hosts,
 * origins and scopes that are not allowed, 401 for missing or invalid tokens, 503 when the
 * identity provider's keys cannot be fetched, 500 when the guard itself failed (it fails closed).
 */
export type ResultStatus = (typeof REGISTRY)[ResultCode]['status'];

/** What rebind-guard knows about one result code (see {@link describeCode} and {@link RESULT_CODES}). */
export interface ResultCodeInfo {
  /** The code itself. */
  readonly code: ResultCode;
  /** HTTP status of the rejection. */
  readonly status: ResultStatus;
  /** Short human title (the problem+json `title`). */
  readonly title: string;
  /** Client-safe explanation; never contains request data or configured values. */
  readonly message: string;
  /** Link to the code's documentation anchor (the problem+json `type`). */
  readonly docs: string;
}

/**
 * All result codes with status, title, message and docs link, in documentation order.
 *
 * @example
 * ```ts
 * import { RESULT_CODES } from '@rebind-guard/core';
 * for (const info of RESULT_CODES) console.log(info.code, info.status);
 * ```
 */
export const RESULT_CODES: readonly ResultCodeInfo[] = Object.freeze(
  (Object.keys(REGISTRY) as ResultCode[]).map((code) =>
    Object.freeze({ code, ...REGISTRY[code], docs: `${DOCS_URL}/reference/result-codes#${code}` }),
  ),
);

const BY_CODE: ReadonlyMap<ResultCode, ResultCodeInfo> = new Map(RESULT_CODES.map((info) => [info.code, info]));

/**
 * Looks up one result code.
 *
 * @example
 * ```ts
 * import { describeCode } from '@rebind-guard/core';
 * describeCode('host_not_allowed').status; // 403
 * ```
 */
export function describeCode(code: ResultCode): ResultCodeInfo {
  const info = BY_CODE.get(code);
  if (info === undefined) throw new TypeError(`Unknown rebind-guard result code: ${code}`);
  return info;
}
