/**
 * RFC 9457 problem details for rejected requests.
 *
 * @packageDocumentation
 */
import { describeCode, type ResultCode, type ResultStatus } from './errors.js';
import type { GuardFailure } from './guard.js';

/**
 * The media type of rejection bodies.
 *
 * @example
 * ```ts
 * import { PROBLEM_CONTENT_TYPE } from '@rebind-guard/core';
 * res.setHeader('content-type', PROBLEM_CONTENT_TYPE);
 * ```
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An RFC 9457 problem details object. `type` links to the code's documentation; nothing from the
 * request (and no configured value) is ever echoed.
 *
 * @example
 * ```ts
 * import type { ProblemDetails } from '@rebind-guard/core';
 * const body: ProblemDetails = { type: 'https://rebind-guard.dev/reference/result-codes#host_not_allowed', title: 'Host not allowed', status: 403, code: 'host_not_allowed', detail: '…' };
 * ```
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: ResultStatus;
  readonly code: ResultCode;
  readonly detail: string;
}

/**
 * A ready-to-send response: status, headers (lower-case, including `content-type`) and JSON body.
 *
 * @example
 * ```ts
 * import { problemResponse } from '@rebind-guard/core';
 * const { status, headers, body } = problemResponse(result);
 * res.writeHead(status, headers).end(body);
 * ```
 */
export interface ProblemResponse {
  readonly status: ResultStatus;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Renders a failed result as problem details.
 *
 * @example
 * ```ts
 * import { toProblem } from '@rebind-guard/core';
 * if (!result.ok) console.log(toProblem(result).type);
 * ```
 */
export function toProblem(result: Pick<GuardFailure, 'code'>): ProblemDetails {
  const info = describeCode(result.code);
  return { type: info.docs, title: info.title, status: info.status, code: info.code, detail: info.message };
}

/**
 * Renders a failed result as a complete `application/problem+json` response, with the result's
 * own headers (such as `www-authenticate`) and `cache-control: no-store`.
 *
 * @example
 * ```ts
 * import { problemResponse } from '@rebind-guard/core';
 * const response = problemResponse(result);
 * res.writeHead(response.status, response.headers).end(response.body);
 * ```
 */
export function problemResponse(result: Pick<GuardFailure, 'code' | 'headers'>): ProblemResponse {
  const problem = toProblem(result);
  return {
    status: problem.status,
    headers: { ...result.headers, 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' },
    body: JSON.stringify(problem),
  };
}
