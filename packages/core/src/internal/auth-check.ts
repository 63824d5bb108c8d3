/**
 * The Bearer step of a check (RFC 6750): find one well-formed Bearer token and verify it.
 */
import type { AuthMode } from '../auth-mode.js';
import { parseBearer } from '../bearer.js';
import type { GuardFailure, GuardRequest } from '../guard.js';
import type { ParsedHost } from '../host.js';
import type { AuthInfo, JwtVerifier, VerifyOutcome } from '../jwt.js';
import { failure, type Challenge } from './failure.js';
import { header, type Counted } from './headers.js';

/** The verified token (or none, when auth is off or optional and absent), or why the request fails. */
export type AuthStep<Claims> = { readonly ok: true; readonly auth: AuthInfo<Claims> | undefined } | GuardFailure;

const NO_TOKEN = Object.freeze({ ok: true as const, auth: undefined });

/** The compiled Bearer policy of one guard. */
export interface AuthPolicy<Claims> {
  readonly verifier: JwtVerifier<Claims> | undefined;
  readonly challenge: Challenge;
}

/** The step for a verification outcome: the token, or the failure with the challenge RFC 6750 asks for. */
function stepOf<Claims>(outcome: VerifyOutcome<Claims>, challenge: Challenge): AuthStep<Claims> {
  if (outcome.ok) return { ok: true, auth: outcome.auth };
  // The IdP's keys could not be fetched: not the client's fault, so no challenge; retry later.
  if (outcome.code === 'key_unavailable')
    return failure('key_unavailable', { 'retry-after': String(outcome.retryAfter) });
  // The header was well-formed; whatever is wrong is the token itself (RFC 6750 §3.1: invalid_token).
  return failure(outcome.code, challenge('invalid_token'));
}

/**
 * Checks the Bearer token of a request to `host` under `mode`. RFC 6750 §3.1: a repeated or
 * malformed Authorization header is `invalid_request` (400); no Bearer credentials at all (absent,
 * or another scheme such as Basic) get a bare challenge, and pass when auth is optional.
 *
 * Synchronous unless a key or claims validator has to be waited for, so most requests take no extra
 * turn of the event loop.
 */
export function checkAuth<Claims>(
  policy: AuthPolicy<Claims>,
  request: GuardRequest,
  host: ParsedHost,
  mode: AuthMode,
  counts: Record<Counted, number>,
): AuthStep<Claims> | Promise<AuthStep<Claims>> {
  const { verifier, challenge } = policy;
  if (verifier === undefined || mode === 'off') return NO_TOKEN;
  if (counts.authorization > 1) return failure('token_duplicate', challenge('invalid_request'));
  const bearer = parseBearer(header(request, 'authorization'), { maxLength: verifier.maxTokenLength });
  if (!bearer.ok && bearer.code === 'token_missing')
    return mode === 'optional' ? NO_TOKEN : failure('token_missing', challenge());
  if (!bearer.ok) return failure(bearer.code, challenge('invalid_request'));
  const outcome = verifier.verifyNow(bearer.token, host);
  return outcome instanceof Promise
    ? outcome.then((settled) => stepOf(settled, challenge))
    : stepOf(outcome, challenge);
}
