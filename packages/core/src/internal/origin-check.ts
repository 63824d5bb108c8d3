/**
 * The Origin step of a check: unsafe methods and WebSocket upgrades need a same-origin or allowed
 * `Origin` (or, without one, `Referer`); `Sec-Fetch-Site: cross-site` alone is refused too.
 */
import type { GuardFailure, GuardRequest } from '../guard.js';
import type { ParsedHost } from '../host.js';
import { parseOrigin, refererOrigin, type OriginAllowlist, type OriginFailure, type ParsedOrigin } from '../origin.js';
import { failure } from './failure.js';
import { header, isWebSocketUpgrade, single, type Counted } from './headers.js';
import { samePlace } from './host-check.js';

/** The compiled Origin policy of one guard. */
export interface OriginPolicy {
  readonly origins: OriginAllowlist | undefined;
  readonly safeMethods: ReadonlySet<string>;
  readonly requireOrigin: boolean;
}

/** Same-origin with the validated host, or in the `origins` list? */
function judge(policy: OriginPolicy, origin: ParsedOrigin | OriginFailure, host: ParsedHost): GuardFailure | undefined {
  if (!origin.ok) return failure('origin_malformed');
  if (samePlace(origin.host, host, origin.scheme) || (policy.origins?.has(origin) ?? false)) return undefined;
  return failure('origin_not_allowed');
}

/** Checks the origin of a request to the validated `host`; `undefined` when it may proceed. */
export function checkOrigin(
  policy: OriginPolicy,
  request: GuardRequest,
  host: ParsedHost,
  counts: Record<Counted, number>,
): GuardFailure | undefined {
  const isWebSocket = isWebSocketUpgrade(request);
  if (!isWebSocket && policy.safeMethods.has(request.method)) return undefined;
  if (counts.origin > 1 || counts.referer > 1) return failure('origin_malformed');
  const originValue = single(header(request, 'origin'));
  if (originValue === null) return failure('origin_malformed');
  if (originValue === 'null') return failure('origin_not_allowed');
  if (originValue !== undefined) return judge(policy, parseOrigin(originValue), host);
  if (isWebSocket) return failure('origin_missing');
  const refererValue = single(header(request, 'referer'));
  if (refererValue === null) return failure('origin_malformed');
  if (refererValue !== undefined) return judge(policy, refererOrigin(refererValue), host);
  if (single(header(request, 'sec-fetch-site'))?.toLowerCase() === 'cross-site') return failure('cross_site_request');
  return policy.requireOrigin ? failure('origin_missing') : undefined;
}
