/**
 * The probe's options, checked once: the target URL, where to connect, and what the battery needs
 * to know about the target. Every bad option is a {@link UsageError} that says how to fix it.
 *
 * @packageDocumentation
 */
import type { BatteryContext } from './battery.js';
import type { ProbeOptions } from './engine.js';
import type { Endpoint } from './http.js';
import { loadSpec, type ApiSpec } from './openapi.js';
import { mintValid, type TokenSettings } from './tokens.js';
import { UsageError } from '../usage-error.js';
import { VERSION } from '../version.js';

const USER_AGENT = `rebind-guard-probe/${VERSION}`;

/** Everything {@link prepareTarget} checked and derived from the options. */
export interface Target {
  readonly url: URL;
  readonly timeoutMs: number;
  readonly spec?: ApiSpec | undefined;
  readonly endpoint: Endpoint;
  readonly context: BatteryContext;
}

/** Parses and checks the target URL; throws {@link UsageError} with an example when it is unusable. */
export function parseTarget(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${JSON.stringify(value)} is not a URL; write it in full, e.g. http://localhost:3000/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `${JSON.stringify(value)}: only http: and https: URLs can be probed, e.g. http://localhost:3000/`,
    );
  }
  if (url.username !== '' || url.password !== '')
    throw new UsageError(`${JSON.stringify(value)}: remove the user name and password from the URL.`);
  return url;
}

function parseConnect(value: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || port < 1 || port > 65535) {
    throw new UsageError(`--connect ${JSON.stringify(value)} must be host:port, e.g. 127.0.0.1:3000`);
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

function checkTimeout(value: number | undefined): number {
  const timeoutMs = value ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new UsageError('--timeout must be a positive number of milliseconds, e.g. 5000');
  return timeoutMs;
}

function checkForeignName(value: string | undefined): string {
  const foreignName = (value ?? 'rebind.test').toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(foreignName) || foreignName.startsWith('.') || foreignName.endsWith('.')) {
    throw new UsageError(`--host-name ${JSON.stringify(value)} must be a plain host name, e.g. rebind.test`);
  }
  return foreignName;
}

function checkOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    try {
      if (new URL(origin).origin !== origin.replace(/\/$/, '')) throw new Error('not an origin');
    } catch {
      throw new UsageError(
        `--origin ${JSON.stringify(origin)} must be a serialized origin, e.g. https://app.example.com`,
      );
    }
  }
}

/** `--token`, else a token minted with `--key`, else none. */
function validToken(token: string | undefined, tokens: TokenSettings): string | undefined {
  if (token !== undefined || tokens.key === undefined) return token;
  try {
    return mintValid(tokens);
  } catch (error) {
    throw new UsageError(`cannot sign tokens with --key: ${(error as Error).message}`);
  }
}

function checkWebsocket(path: string | undefined, protocol: string | undefined): void {
  if (path !== undefined && !/^\/[\x21-\x7e]*$/.test(path)) {
    throw new UsageError(`--ws-path ${JSON.stringify(path)} must be a path starting with /, e.g. /socket`);
  }
  // RFC 6455 §4.1: a comma-separated list of RFC 7230 tokens.
  if (protocol !== undefined && !/^[!#$%&'*+.^_`|~\w-]+(\s*,\s*[!#$%&'*+.^_`|~\w-]+)*$/.test(protocol)) {
    throw new UsageError(
      `--ws-protocol ${JSON.stringify(protocol)} must be a subprotocol name (or a comma-separated list), e.g. vite-hmr`,
    );
  }
}

function endpointOf(url: URL, options: ProbeOptions): Endpoint {
  const connect = options.connect === undefined ? undefined : parseConnect(options.connect);
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  return {
    host: connect?.host ?? url.hostname.replace(/^\[|\]$/g, ''),
    port: connect?.port ?? (url.port === '' ? defaultPort : Number(url.port)),
    tls: url.protocol === 'https:',
    servername: /^[\d.]+$|^\[/.test(url.hostname) ? undefined : url.hostname,
    insecure: options.insecure,
  };
}

function contextOf(
  url: URL,
  options: ProbeOptions,
  foreignName: string,
  token: string | undefined,
  tokens: TokenSettings,
): BatteryContext {
  const portSuffix = url.port === '' ? '' : `:${url.port}`;
  return {
    protocol: url.protocol,
    host: url.host,
    hostname: url.hostname,
    foreignHost: `${foreignName}${portSuffix}`,
    foreignName,
    trustedOrigin: options.origins?.[0]?.replace(/\/$/, '') ?? url.origin,
    token,
    tokens,
    userAgent: USER_AGENT,
    websocketTarget: options.websocketPath,
    websocketProtocol: options.websocketProtocol,
  };
}

/**
 * Checks the options and derives the target; the first bad option (checked in this order: URL,
 * timeout, host name, origins, spec, key, WebSocket, connect) throws {@link UsageError}, an
 * unusable spec `SpecError`.
 */
export async function prepareTarget(options: ProbeOptions): Promise<Target> {
  const url = parseTarget(options.url);
  const timeoutMs = checkTimeout(options.timeoutMs);
  const foreignName = checkForeignName(options.hostName);
  checkOrigins(options.origins ?? []);
  const spec = typeof options.openapi === 'string' ? await loadSpec(options.openapi) : options.openapi;
  const tokens = { key: options.key, algorithm: options.algorithm, audience: options.audience, issuer: options.issuer };
  const token = validToken(options.token, tokens);
  checkWebsocket(options.websocketPath, options.websocketProtocol);
  const endpoint = endpointOf(url, options);
  const context = contextOf(url, options, foreignName, token, tokens);
  return { url, timeoutMs, spec, endpoint, context };
}
