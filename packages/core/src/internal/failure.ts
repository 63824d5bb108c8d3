/**
 * Building rejections: a coded failure, and the RFC 6750 Bearer challenge that goes with it.
 */
import { describeCode, type ResultCode } from '../errors.js';
import type { GuardFailure } from '../guard.js';

/** A failure with the registered status and message of `code`, and the response headers to send. */
export function failure(code: ResultCode, headers: Record<string, string> = {}): GuardFailure {
  const info = describeCode(code);
  return { ok: false, code, status: info.status, message: info.message, headers };
}

/** Builds the `WWW-Authenticate` header of a 401/403/400: an optional `error` and extra parameters. */
export type Challenge = (error?: string, extra?: string) => Record<string, string>;

/**
 * The challenge builder of one guard: `Bearer realm="…"`, then `error="…"` if any, the extra
 * parameters, and `resource_metadata="…"` when RFC 9728 metadata is configured.
 */
export function challengeFor(realm: string, metadataParameter: string): Challenge {
  return (error, extra = '') => ({
    'www-authenticate': `Bearer realm="${realm}"${error === undefined ? '' : `, error="${error}"`}${extra}${metadataParameter}`,
  });
}
