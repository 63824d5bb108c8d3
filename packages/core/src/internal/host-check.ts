/**
 * The Host step of a check: the Host header (with HTTP/2 `:authority` and absolute-form targets),
 * the allowlist, forwarded hosts behind a trusted proxy, and the host the framework will serve.
 */
import type { GuardFailure, GuardRequest } from '../guard.js';
import { HostAllowlist, isHostFailure, parseHost, type HostFailure, type ParsedHost } from '../host.js';
import { DEFAULT_PORTS } from '../origin.js';
import { failure } from './failure.js';
import { forwardedHosts } from './forwarded.js';
import { header, single, type Counted } from './headers.js';
import { ABSOLUTE_FORM } from './paths.js';

/** The validated host of a request, or why there is none. */
export type HostStep = { readonly ok: true; readonly host: ParsedHost } | GuardFailure;

/**
 * The host reported on an `exclude` path with `excludeHost` when the Host header could not be
 * parsed: such a request is let through without a host, and this is what `result.host` says.
 */
export const UNCHECKED_HOST: ParsedHost = Object.freeze({ hostname: '', port: undefined });

/** Do two hosts name one place? Missing ports count as the scheme's default port, if a scheme is given. */
export function samePlace(a: ParsedHost, b: ParsedHost, scheme?: string): boolean {
  const fallback = scheme === undefined ? undefined : DEFAULT_PORTS[scheme];
  return a.hostname === b.hostname && (a.port ?? fallback) === (b.port ?? fallback);
}

/** How many recently seen Host values {@link parseHostValue} remembers. */
const RECENT_HOSTS = 256;
const recentHosts = new Map<string, ParsedHost>();

/**
 * `parseHost`, remembering the last few valid values: a server sees the same few Host values on
 * every request, and parsing is most of what the Host step costs. Only valid values are kept (frozen,
 * as they are shared), and the memory is bounded: many distinct names just empty it.
 */
function parseHostValue(value: string): ParsedHost | HostFailure {
  const known = recentHosts.get(value);
  if (known !== undefined) return known;
  const parsed = parseHost(value);
  if (isHostFailure(parsed)) return parsed;
  if (recentHosts.size >= RECENT_HOSTS) recentHosts.clear();
  const host = Object.freeze(parsed);
  recentHosts.set(value, host);
  return host;
}

/** Does `other` parse and name the same place as `host`? */
function agrees(other: string | undefined, host: ParsedHost, scheme: unknown): boolean {
  const parsed = parseHost(other);
  return (
    !isHostFailure(parsed) && samePlace(parsed, host, typeof scheme === 'string' ? scheme.toLowerCase() : undefined)
  );
}

/** Host, `:authority` and absolute-form checks; the Host header's host, not yet allowlisted. */
export function readHost(request: GuardRequest, url: string, counts: Record<Counted, number>): HostStep {
  if (counts.host > 1) return failure('host_duplicate');
  const hostValue = single(header(request, 'host'));
  const authorityValue = request.authority ?? single(header(request, ':authority'));
  if (hostValue === null || authorityValue === null) return failure('host_duplicate');
  const value = hostValue ?? authorityValue;
  if (value === undefined || value === '') return failure('host_missing');
  const host = parseHostValue(value);
  if (isHostFailure(host)) return failure(host.code);
  // HTTP/2: `:authority api.example.com:80` and `host: api.example.com` over http name one place.
  if (hostValue !== undefined && authorityValue !== undefined) {
    if (!agrees(authorityValue, host, single(header(request, ':scheme')))) return failure('host_mismatch');
  }
  const absolute = url.startsWith('/') ? null : ABSOLUTE_FORM.exec(url);
  if (absolute !== null && !agrees(absolute[2], host, absolute[1])) return failure('host_mismatch');
  return { ok: true, host };
}

/** Every value of `X-Forwarded-Host` and `Forwarded: host=`, in order; `undefined` if `Forwarded` is malformed. */
function forwardedValues(request: GuardRequest): string[] | undefined {
  const values: string[] = [];
  const xfh = header(request, 'x-forwarded-host');
  for (const line of typeof xfh === 'string' ? [xfh] : (xfh ?? [])) {
    for (const item of line.split(',')) values.push(item.trim());
  }
  const forwarded = header(request, 'forwarded');
  for (const line of typeof forwarded === 'string' ? [forwarded] : (forwarded ?? [])) {
    const hostsInLine = forwardedHosts(line);
    if (hostsInLine === undefined) return undefined;
    values.push(...hostsInLine);
  }
  return values;
}

/**
 * With `trustProxy`: every forwarded host must be allowed and all of them must name one host, so
 * whichever value a framework picks (Express and Koa the first, Fastify the last) is the host the
 * guard validated and bound the audience to. Returns that host, or `host` if nothing is forwarded.
 */
function forwardedHost(request: GuardRequest, hosts: HostAllowlist, host: ParsedHost): HostStep {
  const values = forwardedValues(request);
  if (values === undefined) return failure('forwarded_host_not_allowed');
  let first: ParsedHost | undefined;
  for (const value of values) {
    const parsed = parseHost(value);
    if (isHostFailure(parsed) || !hosts.allows(parsed)) return failure('forwarded_host_not_allowed');
    if (first !== undefined && !samePlace(first, parsed)) return failure('forwarded_host_not_allowed');
    first ??= parsed;
  }
  return { ok: true, host: first ?? host };
}

/**
 * Does the framework serve the request as the host the guard validated? Only forwarded headers can
 * make them differ, so without them the framework is not asked. Ports are compared only when the
 * framework's value has one (Express and Koa report the name alone).
 */
function servesValidatedHost(request: GuardRequest, host: ParsedHost, servedHost: () => string | undefined): boolean {
  if (header(request, 'x-forwarded-host') === undefined && header(request, 'forwarded') === undefined) return true;
  const served = parseHost(servedHost());
  if (isHostFailure(served)) return false;
  return served.hostname === host.hostname && (served.port === undefined || served.port === host.port);
}

/** The compiled Host policy of one guard. */
export interface HostPolicy {
  readonly hosts: HostAllowlist;
  readonly trustProxy: boolean;
}

/**
 * The whole Host step: the Host header must parse and be allowed; behind a trusted proxy every
 * forwarded host must be allowed and agree; and the framework must serve the host validated.
 */
export function checkHost(
  policy: HostPolicy,
  request: GuardRequest,
  url: string,
  counts: Record<Counted, number>,
  servedHost: (() => string | undefined) | undefined,
): HostStep {
  const read = readHost(request, url, counts);
  if (!read.ok) return read;
  if (!policy.hosts.allows(read.host)) return failure('host_not_allowed');
  const step = policy.trustProxy ? forwardedHost(request, policy.hosts, read.host) : read;
  if (!step.ok || servedHost === undefined || servesValidatedHost(request, step.host, servedHost)) return step;
  return failure('forwarded_host_not_allowed');
}

/** The host an `exclude` path with `excludeHost` reports: the Host header's if it parses, unchecked. */
export function reportedHost(request: GuardRequest, url: string, counts: Record<Counted, number>): ParsedHost {
  const read = readHost(request, url, counts);
  return read.ok ? read.host : UNCHECKED_HOST;
}
