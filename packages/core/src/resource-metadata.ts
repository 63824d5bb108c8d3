/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document a protected resource — an MCP
 * server, for one — serves at `/.well-known/oauth-protected-resource`, and the `resource_metadata`
 * parameter of its `WWW-Authenticate` challenges.
 *
 * @packageDocumentation
 */
import { keyServerUrl } from './internal/remote-keys.js';
import { isScopeToken } from './scopes.js';

/**
 * The `resourceMetadata` option of a guard.
 *
 * @example
 * ```ts
 * import { createGuard } from '@rebind-guard/core';
 * const guard = createGuard({
 *   hosts: ['mcp.example.com'],
 *   resourceMetadata: {
 *     resource: 'https://mcp.example.com/mcp',
 *     authorizationServers: ['https://auth.example.com'],
 *     scopesSupported: ['mcp:tools'],
 *   },
 *   // no auth.audience: the audience is resourceMetadata.resource
 *   auth: { jwksUri: 'https://auth.example.com/jwks.json', algorithms: ['RS256'], issuer: 'https://auth.example.com' },
 * });
 * const metadata = await guard.check({
 *   method: 'GET',
 *   url: '/.well-known/oauth-protected-resource/mcp',
 *   headers: { host: 'mcp.example.com' },
 * });
 * if (metadata.ok) metadata.answer?.body; // '{"resource":"https://mcp.example.com/mcp",…}', for the adapter to send
 * const call = await guard.check({ method: 'POST', url: '/mcp', headers: { host: 'mcp.example.com' } });
 * if (!call.ok) call.headers['www-authenticate'];
 * // 'Bearer realm="api", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"'
 * ```
 */
export interface ResourceMetadataOptions {
  /**
   * This resource's identifier (RFC 8707): an https URL without query or fragment (http only on
   * loopback). It is also the token audience when `auth.audience` is left out.
   */
  readonly resource: string;
  /** Issuer URLs of the authorization servers that issue tokens for this resource. */
  readonly authorizationServers: readonly string[];
  /** Scopes this resource understands (`scopes_supported`). */
  readonly scopesSupported?: readonly string[];
  /** A human-readable name (`resource_name`). */
  readonly resourceName?: string;
  /** A URL of documentation for developers (`resource_documentation`). */
  readonly resourceDocumentation?: string;
}

/**
 * A response core produces itself (the metadata document), for the adapter to send unchanged: the
 * `answer` of a successful check (see {@link ResourceMetadataOptions}).
 */
export interface GuardAnswer {
  readonly status: 200;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The compiled metadata: where it is served, what is served, and the challenge parameter. */
export interface CompiledResourceMetadata {
  readonly resource: string;
  /** Paths answered with the document: the RFC 9728 path for `resource`, and the root well-known path. */
  readonly paths: ReadonlySet<string>;
  readonly answer: GuardAnswer;
  /** `, resource_metadata="…"` for `WWW-Authenticate`. */
  readonly challengeParameter: string;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** The option names, derived from the type so validation cannot drift from it. */
const OPTION_KEYS: ReadonlySet<string> = new Set(
  Object.keys({
    resource: true,
    authorizationServers: true,
    scopesSupported: true,
    resourceName: true,
    resourceDocumentation: true,
  } satisfies Record<keyof ResourceMetadataOptions, true>),
);

function metadataError(message: string): TypeError {
  return new TypeError(`rebind-guard: resourceMetadata.${message}`);
}

/** Checks every option (throws `TypeError` naming the fix) and returns them typed, with the parsed resource URL. */
function validateOptions(options: unknown): { options: ResourceMetadataOptions; resourceUrl: URL } {
  if (typeof options !== 'object' || options === null) {
    throw metadataError(
      'must be an object such as { resource: "https://mcp.example.com/mcp", authorizationServers: ["https://auth.example.com"] }.',
    );
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_KEYS.has(name))
      throw metadataError(`${name} is not an option; valid options are ${[...OPTION_KEYS].join(', ')}.`);
  }
  const { resource, authorizationServers, scopesSupported, resourceName, resourceDocumentation } = options as Record<
    keyof ResourceMetadataOptions,
    unknown
  >;
  const resourceUrl = keyServerUrl(resource);
  if (typeof resourceUrl === 'string')
    throw metadataError(`resource ${resourceUrl}, e.g. "https://mcp.example.com/mcp".`);
  if (resourceUrl.search !== '') throw metadataError('resource must not have a query string (RFC 9728 §1.2).');
  if (!Array.isArray(authorizationServers) || authorizationServers.length === 0) {
    throw metadataError(
      'authorizationServers must list the issuer URLs of your authorization servers, e.g. ["https://auth.example.com"].',
    );
  }
  for (const server of authorizationServers as unknown[]) {
    const url = keyServerUrl(server);
    if (typeof url === 'string') throw metadataError(`authorizationServers: ${JSON.stringify(server)} ${url}.`);
  }
  if (scopesSupported !== undefined && (!Array.isArray(scopesSupported) || !scopesSupported.every(isScopeToken))) {
    throw metadataError('scopesSupported must be scope names without spaces or quotes, e.g. ["mcp:tools"].');
  }
  if (resourceName !== undefined && typeof resourceName !== 'string')
    throw metadataError('resourceName must be a string.');
  if (resourceDocumentation !== undefined && typeof keyServerUrl(resourceDocumentation) === 'string') {
    throw metadataError('resourceDocumentation must be an https URL.');
  }
  return { options: options as ResourceMetadataOptions, resourceUrl };
}

/** Validates `resourceMetadata` once and builds the document (throws `TypeError` naming the fix). */
export function compileResourceMetadata(options: unknown): CompiledResourceMetadata | undefined {
  if (options === undefined) return undefined;
  const { options: valid, resourceUrl } = validateOptions(options);
  const { resource, authorizationServers, scopesSupported, resourceName, resourceDocumentation } = valid;
  // The URL as given, minus a lone trailing slash on the origin ("https://a.example/" -> "https://a.example").
  const canonical = resourceUrl.pathname === '/' && !resource.endsWith('/') ? resourceUrl.origin : resourceUrl.href;
  const suffix = resourceUrl.pathname === '/' ? '' : resourceUrl.pathname.replace(/\/$/, '');
  const document = {
    resource: canonical,
    authorization_servers: authorizationServers,
    ...(scopesSupported === undefined ? {} : { scopes_supported: scopesSupported }),
    bearer_methods_supported: ['header'],
    ...(resourceName === undefined ? {} : { resource_name: resourceName }),
    ...(resourceDocumentation === undefined ? {} : { resource_documentation: resourceDocumentation }),
  };
  const metadataUrl = `${resourceUrl.origin}${WELL_KNOWN}${suffix}`;
  return {
    resource: canonical,
    paths: new Set([`${WELL_KNOWN}${suffix}`, WELL_KNOWN]),
    answer: {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'public, max-age=3600',
        // Public metadata: browser-based MCP clients read it cross-origin (RFC 9728 §3).
        'access-control-allow-origin': '*',
      },
      body: JSON.stringify(document),
    },
    challengeParameter: `, resource_metadata="${metadataUrl}"`,
  };
}
