/**
 * The options of `createGuard`, and their compilation into the policy a guard applies.
 *
 * @packageDocumentation
 */
import type { HostEntry } from './host.js';
import { HostAllowlist } from './host.js';
import { DEFAULT_REALM, JwtVerifier, type AuthOptions, type JwtClaims } from './jwt.js';
import { OriginAllowlist } from './origin.js';
import { compileResourceMetadata, type ResourceMetadataOptions } from './resource-metadata.js';
import { challengeFor } from './internal/failure.js';
import type { AuthPolicy } from './internal/auth-check.js';
import type { HostPolicy } from './internal/host-check.js';
import type { OriginPolicy } from './internal/origin-check.js';
import { compileExclude } from './internal/paths.js';

/**
 * Options of {@link createGuard}. Validated once; bad options throw `TypeError`.
 *
 * @example
 * ```ts
 * import type { GuardOptions } from '@rebind-guard/core';
 * const options: GuardOptions = { hosts: ['api.example.com'], origins: ['https://app.example.com'] };
 * ```
 */
export interface GuardOptions<Claims = JwtClaims> {
  /** Host allowlist; required and non-empty. See {@link HostEntry}. */
  readonly hosts: readonly HostEntry[];
  /**
   * Exact origins allowed to send unsafe (state-changing) requests. Same-origin requests (an
   * Origin whose host and port equal the validated Host) are always allowed. Default: none besides
   * same-origin.
   */
  readonly origins?: readonly string[];
  /** Reject unsafe requests that carry neither `Origin` nor `Referer`. Default `false` (API clients send neither). */
  readonly requireOrigin?: boolean;
  /** Methods exempt from origin checks. Default `['GET', 'HEAD', 'OPTIONS']`. */
  readonly safeMethods?: readonly string[];
  /** Also validate `X-Forwarded-Host` and `Forwarded: host=` (every value). Default `false`: they are ignored. */
  readonly trustProxy?: boolean;
  /** Bearer JWT verification; omit for Host/Origin checks only. */
  readonly auth?: AuthOptions<Claims>;
  /**
   * Paths that skip the auth and origin checks (health checks): exact paths (`'/healthz'`) or
   * prefixes ending in `/*` (`'/public/*'`), or RegExps matched against the whole path.
   */
  readonly exclude?: readonly (string | RegExp)[];
  /** Also skip the Host check on `exclude` paths (e.g. probes that send a pod IP). Default `false`. */
  readonly excludeHost?: boolean;
  /**
   * OAuth 2.0 Protected Resource Metadata (RFC 9728), for MCP servers and other OAuth resource
   * servers: the adapters serve the document at `/.well-known/oauth-protected-resource` (and the
   * path-suffixed form for a `resource` with a path), every Bearer challenge carries
   * `resource_metadata="…"`, and `resource` is the token audience unless `auth.audience` is set.
   */
  readonly resourceMetadata?: ResourceMetadataOptions;
}

/**
 * The name of every option of {@link GuardOptions}, derived from the type: an option added to the
 * interface does not compile until it is listed here, so validation and docs cannot drift from it.
 *
 * @example
 * ```ts
 * import { GUARD_OPTION_KEYS } from '@rebind-guard/core';
 * GUARD_OPTION_KEYS.includes('trustProxy'); // true
 * ```
 */
export const GUARD_OPTION_KEYS: readonly (keyof GuardOptions)[] = Object.freeze(
  Object.keys({
    hosts: true,
    origins: true,
    requireOrigin: true,
    safeMethods: true,
    trustProxy: true,
    auth: true,
    exclude: true,
    excludeHost: true,
    resourceMetadata: true,
  } satisfies Record<keyof GuardOptions, true>) as (keyof GuardOptions)[],
);

const OPTION_KEYS: ReadonlySet<string> = new Set(GUARD_OPTION_KEYS);
const DEFAULT_SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** Everything a guard decides with, validated and compiled once. */
export interface GuardPolicy<Claims> {
  readonly host: HostPolicy;
  readonly origin: OriginPolicy;
  readonly auth: AuthPolicy<Claims>;
  readonly isExcluded: (path: string) => boolean;
  readonly excludeHost: boolean;
  readonly metadata: ReturnType<typeof compileResourceMetadata>;
}

/** Throws `TypeError` unless `options` is an object of known options with boolean flags. */
function checkShape(options: GuardOptions<never>): void {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(
      'rebind-guard: createGuard needs an options object, e.g. createGuard({ hosts: ["api.example.com"] }).',
    );
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_KEYS.has(name)) {
      throw new TypeError(
        `rebind-guard: ${JSON.stringify(name)} is not an option; valid options are ${[...OPTION_KEYS].join(', ')}.`,
      );
    }
  }
  for (const name of ['requireOrigin', 'trustProxy', 'excludeHost'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean')
      throw new TypeError(`rebind-guard: \`${name}\` must be true or false.`);
  }
}

function compileSafeMethods(safeMethods: unknown): ReadonlySet<string> {
  if (safeMethods === undefined) return new Set(DEFAULT_SAFE_METHODS);
  if (!Array.isArray(safeMethods) || safeMethods.some((method) => typeof method !== 'string')) {
    throw new TypeError(
      'rebind-guard: `safeMethods` must be an array of method names such as ["GET", "HEAD", "OPTIONS"].',
    );
  }
  return new Set(safeMethods as string[]);
}

/**
 * Validates `options` and compiles them into a {@link GuardPolicy}. Throws `TypeError` with a
 * message that says what to write instead.
 */
export function compileGuardOptions<Claims>(options: GuardOptions<Claims>): GuardPolicy<Claims> {
  checkShape(options as GuardOptions<never>);
  const hosts = new HostAllowlist(options.hosts);
  const origins = options.origins === undefined ? undefined : new OriginAllowlist(options.origins);
  const safeMethods = compileSafeMethods(options.safeMethods);
  const isExcluded = compileExclude(options.exclude);
  const metadata = compileResourceMetadata(options.resourceMetadata);
  // RFC 8707: with a resource identifier, tokens must be issued for this resource unless told otherwise.
  const auth = options.auth;
  const verifier =
    auth === undefined
      ? undefined
      : new JwtVerifier<Claims>(
          auth.audience === undefined && metadata !== undefined ? { ...auth, audience: metadata.resource } : auth,
        );
  return {
    host: { hosts, trustProxy: options.trustProxy ?? false },
    origin: { origins, safeMethods, requireOrigin: options.requireOrigin ?? false },
    auth: { verifier, challenge: challengeFor(verifier?.realm ?? DEFAULT_REALM, metadata?.challengeParameter ?? '') },
    isExcluded,
    excludeHost: options.excludeHost ?? false,
    metadata,
  };
}
