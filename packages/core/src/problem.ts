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
 * import type { ServerResponse } from 'node:http';
 * import { PROBLEM_CONTENT_TYPE, toProblem, type GuardFailure } from '@rebind-guard/core';
 * // A rejection with one extra member, still a problem+json document.
 * function reject(res: ServerResponse, result: GuardFailure, requestId: string): void {
 *   res.writeHead(result.status, { ...result.headers, 'content-type': PROBLEM_CONTENT_TYPE });
 *   res.end(JSON.stringify({ ...toProblem(result), requestId }));
 * }
 * ```
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An RFC 9457 problem details object. `type` links to the code's documentation; nothing from the
 * request (and no configured value) is ever echoed. See {@link toProblem}.
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
 * See {@link problemResponse}.
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
 * toProblem({ code: 'host_not_allowed' });
 * // { type: 'https://rebind-guard.dev/reference/result-codes#host_not_allowed', title: 'Host not allowed',
 * //   status: 403, code: 'host_not_allowed', detail: 'This server does not answer to the requested host name.' }
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
 * import { createServer } from 'node:http';
 * import { createGuard, problemResponse } from '@rebind-guard/core';
 * import { toGuardRequest } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'] });
 * createServer(async (req, res) => {
 *   const result = await guard.check(toGuardRequest(req));
 *   if (!result.ok) {
 *     const response = problemResponse(result);
 *     res.writeHead(response.status, response.headers).end(response.body);
 *     return;
 *   }
 *   res.end('hello');
 * }).listen(3000, '127.0.0.1');
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
