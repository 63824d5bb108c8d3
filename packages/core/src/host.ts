/**
 * Strict Host header parsing and compiled host allowlists.
 *
 * @packageDocumentation
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';

/**
 * A validated, normalised host: `hostname` in lower case without a trailing dot (IPv6 in
 * canonical form inside brackets), `port` a number or `undefined` when the Host had none; see
 * {@link parseHost}.
 */
export interface ParsedHost {
  readonly hostname: string;
  readonly port: number | undefined;
}

/**
 * Why a Host value was refused by {@link parseHost}.
 *
 * @example
 * ```ts
 * import { parseHost, isHostFailure } from '@rebind-guard/core';
 * const result = parseHost('localhost/evil');
 * if (isHostFailure(result)) console.log(result.code); // 'host_malformed'
 * ```
 */
export interface HostFailure {
  readonly ok: false;
  readonly code: 'host_missing' | 'host_malformed';
  readonly message: string;
}

/**
 * The names every local development setup needs: `localhost` and its subdomains, `127.0.0.1` and
 * `[::1]`. `0.0.0.0` is deliberately not included.
 *
 * @example
 * ```ts
 * import { createGuard, LOOPBACK_HOSTS } from '@rebind-guard/core';
 * const guard = createGuard({ hosts: [...LOOPBACK_HOSTS] });
 * ```
 */
export const LOOPBACK_HOSTS = Object.freeze(['localhost', '.localhost', '127.0.0.1', '[::1]'] as const);

/** Longest Host value looked at: 253 name characters plus a port, with room for IPv6 brackets. */
const MAX_HOST_LENGTH = 300;
// Case-insensitive and ASCII-only: checked *before* lower-casing, because toLowerCase() maps some
// non-ASCII letters onto ASCII ones (U+212A KELVIN SIGN becomes "k").
const REG_NAME = /^[A-Za-z0-9_.-]+$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const NUMERIC_LABEL = /^(?:[0-9]+|0x[0-9a-f]*)$/;

function fail(code: HostFailure['code'], message: string): HostFailure {
  return { ok: false, code, message };
}

/**
 * Is the value returned by {@link parseHost} a failure?
 *
 * @example
 * ```ts
 * import { parseHost, isHostFailure } from '@rebind-guard/core';
 * isHostFailure(parseHost('@localhost:3000')); // true
 * ```
 */
export function isHostFailure(value: ParsedHost | HostFailure): value is HostFailure {
  return 'code' in value;
}

/** Canonical text of an IPv6 address (RFC 5952, via the WHATWG URL serializer), without brackets. */
function canonicalIPv6(address: string): string | undefined {
  // Characters are checked before anything is lower-cased (see REG_NAME).
  if (!IPV6_CHARS.test(address) || !isIPv6(address)) return undefined;
  const hostname = new URL(`http://[${address.toLowerCase()}]/`).hostname;
  return hostname.slice(1, -1);
}

/** Validates a name that is not bracketed IPv6: reg-name or canonical dotted-quad IPv4. */
function normaliseName(raw: string): string | HostFailure {
  if (!REG_NAME.test(raw)) {
    return fail('host_malformed', 'host name has characters outside letters, digits, "-", "." and "_"');
  }
  let name = raw.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0 || name.length > 253)
    return fail('host_malformed', 'host name is empty or longer than 253 characters');
  const labels = name.split('.');
  if (labels.some((label) => label.length === 0 || label.length > 63)) {
    return fail('host_malformed', 'host name has an empty or over-long label');
  }
  // A name whose last label is numeric is an IPv4 address to browsers (WHATWG URL): only the
  // canonical dotted quad is accepted, so 127.1, 0x7f.1 and 017.0.0.1 never reach an allowlist.
  if (NUMERIC_LABEL.test(labels[labels.length - 1] ?? '')) {
    const canonical = labels.length === 4 && labels.every((label) => DECIMAL_OCTET.test(label) && Number(label) <= 255);
    return canonical ? name : fail('host_malformed', 'IPv4 address is not in canonical dotted-decimal form');
  }
  return name;
}

/**
 * Parses a Host header value (`host [ ":" port ]`) strictly and normalises it. Never throws.
 *
 * Accepted: reg-names of letters, digits, `-`, `.` and `_`; canonical dotted-decimal IPv4;
 * bracketed IPv6 without zone id; an optional port 1–65535 without leading zeros. One trailing dot
 * is dropped and the name is lower-cased. Everything else — userinfo, paths, `?`, `#`, `\`,
 * spaces, percent-escapes, non-ASCII, empty labels, `127.1`-style IPv4 — is `host_malformed`;
 * an empty value is `host_missing`.
 *
 * @example
 * ```ts
 * import { parseHost } from '@rebind-guard/core';
 * parseHost('Example.COM.');        // { hostname: 'example.com', port: undefined }
 * parseHost('[0:0:0:0:0:0:0:1]:80'); // { hostname: '[::1]', port: 80 }
 * parseHost('@localhost:3000');     // { ok: false, code: 'host_malformed', ... }
 * ```
 */
export function parseHost(value: unknown): ParsedHost | HostFailure {
  if (typeof value !== 'string') return fail('host_missing', 'no Host value');
  if (value.length === 0) return fail('host_missing', 'empty Host value');
  if (value.length > MAX_HOST_LENGTH) return fail('host_malformed', 'Host value is too long');

  let hostname: string;
  let portText: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close === -1) return fail('host_malformed', 'IPv6 address is missing its closing bracket');
    const address = canonicalIPv6(value.slice(1, close));
    if (address === undefined) return fail('host_malformed', 'bracketed value is not an IPv6 address');
    hostname = `[${address}]`;
    const rest = value.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) return fail('host_malformed', 'unexpected characters after the IPv6 address');
      portText = rest.slice(1);
    }
  } else {
    const colon = value.indexOf(':');
    const name = normaliseName(colon === -1 ? value : value.slice(0, colon));
    if (typeof name !== 'string') return name;
    hostname = name;
    if (colon !== -1) portText = value.slice(colon + 1);
  }

  if (portText === undefined) return { hostname, port: undefined };
  if (!PORT.test(portText)) return fail('host_malformed', 'port is not a number from 1 to 65535');
  const port = Number(portText);
  if (port > 65535) return fail('host_malformed', 'port is not a number from 1 to 65535');
  return { hostname, port };
}

/**
 * Formats a {@link ParsedHost} back to Host header form.
 *
 * @example
 * ```ts
 * import { formatHost } from '@rebind-guard/core';
 * formatHost({ hostname: 'api.example.com', port: 8443 }); // 'api.example.com:8443'
 * ```
 */
export function formatHost(host: ParsedHost): string {
  return host.port === undefined ? host.hostname : `${host.hostname}:${host.port}`;
}

/**
 * One entry of a `hosts` allowlist:
 * - `'api.example.com'` — that name, any port;
 * - `'api.example.com:8443'` — that name on that port only;
 * - `'.example.com'` — the apex and every subdomain at any depth;
 * - `'*.example.com'` — exactly one label below the apex, not the apex itself;
 * - `'127.0.0.1'`, `'[::1]'`, `'::1'` — IP literals (IPv6 compared in canonical form);
 * - `'10.0.0.0/8'`, `'fd00::/8'` — CIDR ranges;
 * - a `RegExp` — always matched against the whole normalised host name (and, when the request has
 *   a port, against `name:port`), as if written `^(?:…)$`.
 *
 * Unicode names are converted to punycode. Catch-alls in disguise are refused with a message: `'*'`,
 * `'0.0.0.0'` and `'[::]'`, ranges wider than `/8` (IPv4) or public IPv6 wider than `/32`, IPv6
 * ranges covering IPv4-mapped space (`'::ffff:0:0/96'`, `'::/8'`), `.suffix` / `*.suffix` on a public
 * suffix (`.com`, `.co.uk`, `.github.io`, per the Public Suffix List), RegExps that match unrelated
 * names (with or without a port), and URLs (write the host name).
 */
export type HostEntry = string | RegExp;

/** Ports an entry accepts: `undefined` means any port. */
type PortSet = Set<number> | undefined;

function addPorts(map: Map<string, PortSet>, key: string, port: number | undefined): void {
  if (!map.has(key)) {
    map.set(key, port === undefined ? undefined : new Set([port]));
    return;
  }
  const current = map.get(key);
  if (current === undefined) return; // already any port
  if (port === undefined) map.set(key, undefined);
  else current.add(port);
}

function portAllowed(map: ReadonlyMap<string, PortSet>, key: string, port: number | undefined): boolean {
  if (!map.has(key)) return false;
  const ports = map.get(key);
  return ports === undefined || (port !== undefined && ports.has(port));
}

/**
 * Foreign names: no real allowlist pattern matches any of them, so a pattern that does is (nearly)
 * a catch-all. Letters-only names under common and multi-label public suffixes catch
 * `/[a-z-]+\.com/`; names that merely start with a trusted one catch a `localhost` prefix pattern.
 */
const CATCH_ALL_NAMES = [
  'rebind.test',
  'attacker.example',
  'x',
  'a.b.c.d.e.f.g.evil.net',
  'evil.com',
  'attacker.net',
  'rebind.org',
  'evil.io',
  'evil.dev',
  'evil.co.uk',
  'evil.github.io',
  'localhost.evil.net',
  '127.0.0.1.evil.net',
  '203.0.113.7',
  '[2001:db8::7]',
  'xn--80ak6aa92e.com',
];
/** Ports tried with every probe name (patterns also see `name:port`), besides any port the pattern itself names. */
const CATCH_ALL_PORTS = ['80', '443', '3000', '5173', '8000', '8080', '8443'];

/** The strings a RegExp entry is tried against: every probe name, bare and with each port. */
function catchAllProbes(pattern: RegExp): string[] {
  const ports = new Set([...CATCH_ALL_PORTS, ...(pattern.source.match(/[0-9]{2,5}/g) ?? [])]);
  return CATCH_ALL_NAMES.flatMap((name) => [name, ...[...ports].map((port) => `${name}:${port}`)]);
}

/** Single-label names that are reserved or private, so `.localhost` or `*.internal` stay usable. */
const PRIVATE_TOP_LEVEL = new Set([
  'localhost',
  'local',
  'internal',
  'lan',
  'home',
  'corp',
  'intranet',
  'private',
  'test',
  'example',
  'invalid',
]);

/** Is `name` a public suffix (ICANN or private section of the Public Suffix List: `com`, `co.uk`, `github.io`)? */
function isPublicSuffix(name: string): boolean {
  if (!name.includes('.')) return !PRIVATE_TOP_LEVEL.has(name);
  const parsed = parseDomain(name, { allowPrivateDomains: true });
  return parsed.domain === null && parsed.publicSuffix === name;
}

/** IPv4-mapped IPv6 space: Node's BlockList matches every IPv4 address against a range that covers it. */
const IPV4_MAPPED = new BlockList();
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');
/** The only IPv6 space where a range wider than /32 is a private network: unique-local and link-local. */
const PRIVATE_IPV6 = new BlockList();
PRIVATE_IPV6.addSubnet('fc00::', 7, 'ipv6');
PRIVATE_IPV6.addSubnet('fe80::', 10, 'ipv6');

/** Addresses that are never a name clients should use: a browser page reaches localhost through them. */
const UNSPECIFIED = new Set(['0.0.0.0', '[::]']);

function entryError(entry: string, problem: string, instead: string): TypeError {
  return new TypeError(`rebind-guard: hosts entry ${JSON.stringify(entry)} ${problem}. ${instead}`);
}

/** Converts a possibly Unicode allowlist name to its normalised ASCII form, or throws. */
function asciiName(entry: string, name: string): string {
  // Non-ASCII names go through IDNA; ASCII ones keep their exact characters (domainToASCII would
  // reject underscores that real internal names use).
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(name) ? name : domainToASCII(name);
  if (ascii === '') throw entryError(entry, 'is not a valid host name', 'Write a DNS name such as "api.example.com".');
  const parsed = normaliseName(ascii);
  if (typeof parsed !== 'string') {
    throw entryError(
      entry,
      `is not a valid host name (${parsed.message})`,
      'Write a DNS name such as "api.example.com".',
    );
  }
  return parsed;
}

/** Refuses entries that allow every host, and URLs written where a host name belongs. */
function refuseCatchAllOrUrl(raw: string, entry: string): void {
  if (entry === '' || entry === '*' || entry === '.' || entry === '*.') {
    throw entryError(
      raw,
      'would allow every host',
      'List the names this server answers to, e.g. "api.example.com" or ".example.com".',
    );
  }
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(entry);
  if (url !== null) {
    throw entryError(
      raw,
      'is a URL',
      `Write the host name, not a URL: ${JSON.stringify(url[1] ?? '')} (a scheme and path are not part of a Host).`,
    );
  }
}

/** An IPv6 address written without brackets (`::1`): its canonical bracketed form. */
function bareIPv6Entry(raw: string, entry: string): string {
  const address = canonicalIPv6(entry);
  if (address === undefined) throw entryError(raw, 'is not a valid IPv6 address', 'Write it like "[::1]".');
  if (UNSPECIFIED.has(`[${address}]`)) {
    throw entryError(
      raw,
      'is the unspecified address, which browsers route to this machine ("0.0.0.0 day")',
      'List the names clients use instead, e.g. ...LOOPBACK_HOSTS or "[::1]".',
    );
  }
  return `[${address}]`;
}

/** The kind of a name entry (`*.x` one label, `.x` any depth, else exact) and the name after it. */
function wildcardOf(raw: string, entry: string): { kind: 'exact' | 'suffix' | 'one-label'; rest: string } {
  const found = entry.startsWith('*.')
    ? ({ kind: 'one-label', rest: entry.slice(2) } as const)
    : entry.startsWith('.')
      ? ({ kind: 'suffix', rest: entry.slice(1) } as const)
      : ({ kind: 'exact', rest: entry } as const);
  if (found.rest.includes('*')) {
    throw entryError(
      raw,
      'has a "*" that is not a leading "*." label',
      'Use "*.example.com" for one label or ".example.com" for any depth.',
    );
  }
  return found;
}

/** The normalised name and optional port of an entry after its wildcard prefix. */
function entryNameAndPort(raw: string, rest: string): { name: string; port: number | undefined } {
  if (rest.startsWith('[')) {
    const parsed = parseHost(rest);
    if (isHostFailure(parsed))
      throw entryError(
        raw,
        `is not a valid host (${parsed.message})`,
        'Write an IPv6 entry like "[::1]" or "[::1]:8080".',
      );
    return { name: parsed.hostname, port: parsed.port };
  }
  const colon = rest.lastIndexOf(':');
  const name = asciiName(raw, colon === -1 ? rest : rest.slice(0, colon));
  if (colon === -1) return { name, port: undefined };
  const portText = rest.slice(colon + 1);
  if (!PORT.test(portText) || Number(portText) > 65535) {
    throw entryError(
      raw,
      'has an invalid port',
      'Ports are whole numbers from 1 to 65535, e.g. "api.example.com:8443".',
    );
  }
  return { name, port: Number(portText) };
}

/** Wildcards may not sit on an IP address or cover a whole public suffix. */
function refuseWideWildcard(raw: string, name: string): void {
  if (name.startsWith('[') || isIPv4(name)) {
    throw entryError(raw, 'puts a wildcard on an IP address', 'Use a CIDR range such as "10.0.0.0/8" instead.');
  }
  if (isPublicSuffix(name)) {
    throw entryError(
      raw,
      'covers a whole public suffix, where anyone can register a name',
      'Name your own domain, e.g. ".example.com" or "*.example.com".',
    );
  }
}

/**
 * A compiled host allowlist: exact names, suffixes and IP literals sit in maps keyed by name, so a
 * lookup costs O(labels) whatever the number of entries; CIDR ranges use `node:net` `BlockList`.
 * `createGuard` builds one from `hosts`; use it directly to share an allowlist with other code.
 *
 * @example
 * ```ts
 * import { HostAllowlist, LOOPBACK_HOSTS, parseHost, isHostFailure } from '@rebind-guard/core';
 * const allowlist = new HostAllowlist(['.example.com', ...LOOPBACK_HOSTS]);
 * const host = parseHost('api.example.com:8443');
 * const allowed = !isHostFailure(host) && allowlist.allows(host); // true
 * ```
 */
export class HostAllowlist {
  readonly #exact = new Map<string, PortSet>();
  readonly #suffixes = new Map<string, PortSet>();
  readonly #oneLabel = new Map<string, PortSet>();
  readonly #ranges = new BlockList();
  #hasRanges = false;
  readonly #patterns: RegExp[] = [];

  /**
   * Compiles entries once; throws `TypeError` on an invalid or catch-all entry.
   *
   * @example
   * ```ts
   * import { HostAllowlist, parseHost, type ParsedHost } from '@rebind-guard/core';
   * const list = new HostAllowlist(['.example.com', '10.0.0.0/8']);
   * list.allows(parseHost('api.example.com') as ParsedHost); // true
   * ```
   */
  constructor(entries: readonly HostEntry[]) {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new TypeError(
        'rebind-guard: `hosts` must be a non-empty array of the names this server answers to, e.g. ["api.example.com", ...LOOPBACK_HOSTS].',
      );
    }
    for (const entry of entries) {
      if (entry instanceof RegExp) this.#addPattern(entry);
      else if (typeof entry === 'string') this.#addString(entry);
      else throw new TypeError(`rebind-guard: hosts entries must be strings or RegExps, got ${typeof entry}.`);
    }
  }

  #addPattern(entry: RegExp): void {
    const flags = entry.flags.replace(/[gy]/g, '');
    const anchored = new RegExp(`^(?:${entry.source})$`, flags);
    const probe = catchAllProbes(anchored).find((candidate) => anchored.test(candidate));
    if (probe !== undefined) {
      throw new TypeError(
        `rebind-guard: hosts entry ${String(entry)} matches unrelated host names such as ${JSON.stringify(probe)}, which switches the Host check off. Anchor it to your own domain, e.g. /^[a-z0-9-]+\\.example\\.com$/.`,
      );
    }
    this.#patterns.push(anchored);
  }

  #addString(raw: string): void {
    const entry = raw.trim();
    refuseCatchAllOrUrl(raw, entry);
    if (entry.includes('/')) {
      this.#addRange(raw, entry);
      return;
    }
    if (!entry.startsWith('[') && isIPv6(entry)) {
      addPorts(this.#exact, bareIPv6Entry(raw, entry), undefined);
      return;
    }
    const { kind, rest } = wildcardOf(raw, entry);
    const { name, port } = entryNameAndPort(raw, rest);
    if (UNSPECIFIED.has(name)) {
      throw entryError(
        raw,
        'is the unspecified address, which browsers route to this machine ("0.0.0.0 day")',
        'List the names clients use instead, e.g. ...LOOPBACK_HOSTS or "127.0.0.1".',
      );
    }
    if (kind !== 'exact') refuseWideWildcard(raw, name);
    addPorts(kind === 'exact' ? this.#exact : kind === 'suffix' ? this.#suffixes : this.#oneLabel, name, port);
  }

  #addRange(raw: string, entry: string): void {
    const slash = entry.indexOf('/');
    let address = entry.slice(0, slash);
    const prefixText = entry.slice(slash + 1);
    if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    const prefix = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    const maxPrefix = family === 'ipv4' ? 32 : 128;
    if (family === undefined && !/^[0-9.:]*$/.test(address)) {
      throw entryError(raw, 'has a path', `Write the host name only, e.g. ${JSON.stringify(address)}.`);
    }
    if (family === undefined || !(prefix >= 0 && prefix <= maxPrefix)) {
      throw entryError(raw, 'is not a valid CIDR range', 'Write it like "10.0.0.0/8" or "fd00::/8".');
    }
    // 10.0.0.0/8 and fc00::/7 are the widest private ranges; anything wider (up to 0.0.0.0/0) is
    // a large share of the internet, which makes the Host check meaningless for IP hosts.
    if (prefix < (family === 'ipv4' ? 8 : 7)) {
      throw entryError(
        raw,
        'covers a huge share of all addresses, which switches the Host check off',
        'Name the ranges you serve, e.g. "10.0.0.0/8" or "fd00::/8".',
      );
    }
    const range = new BlockList();
    range.addSubnet(address, prefix, family);
    if (family === 'ipv6' && (range.check('::ffff:0:0', 'ipv6') || IPV4_MAPPED.check(address, 'ipv6'))) {
      throw entryError(
        raw,
        'covers IPv4-mapped addresses (::ffff:0:0/96), which Node matches against IPv4 hosts too',
        'Write IPv4 ranges in IPv4 form, e.g. "10.0.0.0/8".',
      );
    }
    if (family === 'ipv4' ? range.check('0.0.0.0', 'ipv4') : range.check('::', 'ipv6')) {
      throw entryError(
        raw,
        'contains the unspecified address, which browsers route to this machine ("0.0.0.0 day")',
        'Start the range above it, e.g. "10.0.0.0/8".',
      );
    }
    if (family === 'ipv6' && prefix < 32 && !PRIVATE_IPV6.check(address, 'ipv6')) {
      throw entryError(
        raw,
        'covers a huge share of public IPv6 space, which switches the Host check off',
        'Name the prefix you serve (at most /32 of public space), or a unique-local range such as "fd00::/8".',
      );
    }
    this.#ranges.addSubnet(address, prefix, family);
    this.#hasRanges = true;
  }

  /**
   * Is this normalised host allowed?
   *
   * @example
   * ```ts
   * import { HostAllowlist } from '@rebind-guard/core';
   * new HostAllowlist(['*.example.com']).allows({ hostname: 'example.com', port: undefined }); // false
   * ```
   */
  allows(host: ParsedHost): boolean {
    const { hostname, port } = host;
    if (portAllowed(this.#exact, hostname, port)) return true;
    const isBracketed = hostname.startsWith('[');
    if (!isBracketed && !isIPv4(hostname)) {
      const firstDot = hostname.indexOf('.');
      if (firstDot !== -1 && portAllowed(this.#oneLabel, hostname.slice(firstDot + 1), port)) return true;
      // Apex, then every parent domain: O(labels) lookups.
      for (let at = -1; ;) {
        if (portAllowed(this.#suffixes, hostname.slice(at + 1), port)) return true;
        at = hostname.indexOf('.', at + 1);
        if (at === -1) break;
      }
    } else if (this.#hasRanges) {
      const address = isBracketed ? hostname.slice(1, -1) : hostname;
      if (this.#ranges.check(address, isBracketed ? 'ipv6' : 'ipv4')) return true;
    }
    for (const pattern of this.#patterns) {
      if (pattern.test(hostname) || (port !== undefined && pattern.test(`${hostname}:${port}`))) return true;
    }
    return false;
  }
}

/**
 * Why an allowlist entry would be refused, in the exact words `createGuard` throws, or `undefined`
 * when the entry is fine. For tools that check configuration ahead of time (the ESLint plugin).
 *
 * @example
 * ```ts
 * import { hostEntryProblem } from '@rebind-guard/core';
 * hostEntryProblem('.co.uk');          // 'rebind-guard: hosts entry ".co.uk" covers a whole public suffix, …'
 * hostEntryProblem('api.example.com'); // undefined
 * ```
 */
export function hostEntryProblem(entry: HostEntry): string | undefined {
  try {
    new HostAllowlist([entry]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
