/**
 * Origin parsing and exact origin allowlists.
 *
 * @packageDocumentation
 */
import { isHostFailure, parseHost, type ParsedHost } from './host.js';

/**
 * A parsed origin: lower-case scheme, normalised host, the effective port (the scheme's default
 * when none was written) and the canonical serialization used for comparisons.
 *
 * @example
 * ```ts
 * import { parseOrigin } from '@rebind-guard/core';
 * const origin = parseOrigin('HTTPS://App.Example.com:443');
 * if (origin.ok) origin.serialized; // 'https://app.example.com'
 * ```
 */
export interface ParsedOrigin {
  readonly ok: true;
  readonly scheme: string;
  readonly host: ParsedHost;
  /** The port in use: the explicit one, else the scheme's default, else `undefined`. */
  readonly port: number | undefined;
  /** `scheme://host[:port]` with default ports omitted. */
  readonly serialized: string;
}

/**
 * Why an origin could not be parsed.
 *
 * @example
 * ```ts
 * import { parseOrigin } from '@rebind-guard/core';
 * const result = parseOrigin('https://app.example.com/path');
 * if (!result.ok) result.code; // 'origin_malformed'
 * ```
 */
export interface OriginFailure {
  readonly ok: false;
  readonly code: 'origin_malformed';
  readonly message: string;
}

/** Default port of each scheme whose origins the guard compares. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };
const ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\\]*)$/i;
const MAX_ORIGIN_LENGTH = 2048;
/** Longest `Referer` looked at: a whole URL with path and query, not just an origin. */
const MAX_REFERER_LENGTH = 8192;

function originOf(scheme: string, host: ParsedHost): ParsedOrigin {
  const lower = scheme.toLowerCase();
  const defaultPort = DEFAULT_PORTS[lower];
  const port = host.port ?? defaultPort;
  const shownPort = port === undefined || port === defaultPort ? '' : `:${port}`;
  return { ok: true, scheme: lower, host, port, serialized: `${lower}://${host.hostname}${shownPort}` };
}

const malformed = (message: string): OriginFailure => ({ ok: false, code: 'origin_malformed', message });

/**
 * Parses a serialized origin (`scheme://host[:port]`, the form of the `Origin` header) strictly:
 * no path, query, fragment, userinfo or trailing slash; the host follows {@link parseHost}'s
 * grammar. `null` is not an origin here (opaque origins are never allowed). Never throws.
 *
 * @example
 * ```ts
 * import { parseOrigin } from '@rebind-guard/core';
 * parseOrigin('http://localhost:3000').ok;            // true
 * parseOrigin('https://app.example.com.evil.net').ok; // true — but it is a different origin
 * parseOrigin('null').ok;                             // false
 * ```
 */
export function parseOrigin(value: unknown): ParsedOrigin | OriginFailure {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ORIGIN_LENGTH) {
    return malformed('origin is empty, too long or not a string');
  }
  const match = ORIGIN.exec(value);
  if (match === null) return malformed('origin is not of the form scheme://host[:port]');
  const [, scheme = '', authority = ''] = match;
  const host = parseHost(authority);
  if (isHostFailure(host)) return malformed(`origin host: ${host.message}`);
  return originOf(scheme, host);
}

/**
 * The origin of a `Referer` URL (http or https only), or a failure. Never throws; never compares
 * by prefix.
 *
 * @example
 * ```ts
 * import { refererOrigin } from '@rebind-guard/core';
 * const origin = refererOrigin('https://app.example.com/settings?tab=1');
 * if (origin.ok) origin.serialized; // 'https://app.example.com'
 * ```
 */
export function refererOrigin(value: unknown): ParsedOrigin | OriginFailure {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_REFERER_LENGTH)
    return malformed('referer is empty or too long');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return malformed('referer is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return malformed('referer is not an http(s) URL');
  if (url.username !== '' || url.password !== '') return malformed('referer has userinfo');
  const host = parseHost(url.host);
  if (isHostFailure(host)) return malformed(`referer host: ${host.message}`);
  return originOf(url.protocol.slice(0, -1), host);
}

/**
 * An exact set of allowed origins, compiled once (what `createGuard` builds from `origins`).
 *
 * @example
 * ```ts
 * import { OriginAllowlist } from '@rebind-guard/core';
 * const origins = new OriginAllowlist(['https://app.example.com']);
 * origins.has('https://app.example.com');          // true
 * origins.has('https://app.example.com.evil.net'); // false
 * ```
 */
export class OriginAllowlist {
  readonly #origins: ReadonlySet<string>;

  /**
   * Compiles configured origins; throws `TypeError` for `'*'`, `'null'`, paths or malformed entries.
   * One trailing `/` is tolerated in configuration.
   *
   * @example
   * ```ts
   * import { OriginAllowlist } from '@rebind-guard/core';
   * const origins = new OriginAllowlist(['https://app.example.com', 'http://localhost:5173']);
   * origins.has('https://app.example.com:443'); // true
   * ```
   */
  constructor(entries: readonly string[]) {
    if (!Array.isArray(entries)) {
      throw new TypeError(
        'rebind-guard: `origins` must be an array of exact origins, e.g. ["https://app.example.com"].',
      );
    }
    const origins = new Set<string>();
    for (const entry of entries) {
      if (typeof entry !== 'string' || entry === '*' || entry.toLowerCase() === 'null') {
        throw new TypeError(
          `rebind-guard: origins entry ${JSON.stringify(entry)} is not allowed. List exact origins such as "https://app.example.com"; wildcards and "null" would let any site act on this API.`,
        );
      }
      const parsed = parseOrigin(entry.endsWith('/') ? entry.slice(0, -1) : entry);
      if (!parsed.ok) {
        throw new TypeError(
          `rebind-guard: origins entry ${JSON.stringify(entry)} is not an origin (${parsed.message}). Write scheme://host[:port] with no path, e.g. "https://app.example.com".`,
        );
      }
      origins.add(parsed.serialized);
    }
    this.#origins = origins;
  }

  /**
   * Is this origin, given as text or already parsed, in the list? Malformed text is never allowed.
   *
   * @example
   * ```ts
   * import { OriginAllowlist } from '@rebind-guard/core';
   * new OriginAllowlist(['https://app.example.com']).has('https://app.example.com.evil.net'); // false
   * ```
   */
  has(origin: string | ParsedOrigin): boolean {
    const parsed = typeof origin === 'string' ? parseOrigin(origin) : origin;
    return parsed.ok && this.#origins.has(parsed.serialized);
  }
}
