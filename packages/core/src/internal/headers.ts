/**
 * Reading request headers the way the guard needs them: lower-case names, single values, and
 * repeats that Node's `req.headers` hides.
 */
import type { GuardRequest } from '../guard.js';

/** A header value as Node gives it. */
export type HeaderValue = string | readonly string[] | undefined;

/** Reads a header by its lower-case name (see {@link withLowerCaseHeaders}). */
export function header(request: GuardRequest, name: string): HeaderValue {
  return request.headers[name];
}

/** A single header value: `undefined` if absent, `null` if repeated. */
export function single(value: HeaderValue): string | null | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (value.length === 0) return undefined;
  return value.length === 1 ? (value[0] ?? undefined) : null;
}

const UPPER = /[A-Z]/;

/**
 * Node already lower-cases `req.headers` names, so this is one cheap scan that returns the request
 * as is; a hand-built request with `Host` or `Authorization` gets a lower-cased copy. Repeated
 * names that differ only in case are merged, so duplicates stay visible.
 */
export function withLowerCaseHeaders(request: GuardRequest): GuardRequest {
  const names = Object.keys(request.headers);
  if (!names.some((name) => UPPER.test(name))) return request;
  const headers: Record<string, HeaderValue> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const existing = headers[lower];
    headers[lower] = existing === undefined ? value : [existing, value].flat();
  }
  return { ...request, headers };
}

/** Header names that must not be repeated, and whose repeats Node's `req.headers` may hide. */
export type Counted = 'host' | 'authorization' | 'origin' | 'referer';

const COUNTED_LENGTHS: ReadonlySet<number> = new Set([4, 6, 7, 13]);

/** How often each of the watched header names occurs in `rawHeaders`. */
export function rawCounts(request: GuardRequest): Record<Counted, number> {
  const counts = { host: 0, authorization: 0, origin: 0, referer: 0 };
  const raw: readonly unknown[] = Array.isArray(request.rawHeaders) ? request.rawHeaders : [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index];
    // Only the lengths of host (4), origin (6), referer (7) and authorization (13) can match.
    if (typeof name !== 'string' || !COUNTED_LENGTHS.has(name.length)) continue;
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'authorization' || lower === 'origin' || lower === 'referer') counts[lower]++;
  }
  return counts;
}

/** Is this an HTTP/1.1 WebSocket upgrade (`Upgrade: websocket`)? */
export function isWebSocketUpgrade(request: GuardRequest): boolean {
  const upgrade = single(header(request, 'upgrade'));
  return (
    typeof upgrade === 'string' &&
    upgrade
      .toLowerCase()
      .split(',')
      .some((item) => item.trim() === 'websocket')
  );
}
