/**
 * Reads an OpenAPI 3.x (or Swagger 2.0) document: the operations to probe, which of them need a
 * Bearer token, and the hosts the document says the API is served on.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/**
 * One operation to probe.
 *
 * @example
 * ```ts
 * import { loadSpec, type Operation } from '@rebind-guard/cli';
 * const spec = await loadSpec('openapi.yaml');
 * const needToken: Operation[] = spec.operations.filter((operation) => operation.requiresToken);
 * for (const { method, specPath } of needToken) console.log(method, specPath);
 * ```
 */
export interface Operation {
  readonly method: string;
  /** Path from the spec, e.g. `/items/{id}`. */
  readonly specPath: string;
  /** Path with parameters filled in, e.g. `/items/1`. */
  readonly path: string;
  /** `true` when every security alternative includes an HTTP Bearer scheme; `false` when none is required. */
  readonly requiresToken: boolean;
  readonly operationId?: string | undefined;
}

/**
 * What the probe uses from a spec.
 *
 * @example
 * ```ts
 * import { loadSpec, runProbe, type ApiSpec } from '@rebind-guard/cli';
 * const spec: ApiSpec = await loadSpec('openapi.yaml');
 * console.log(spec.title, spec.operations.length, spec.serverHosts);
 * const report = await runProbe({ url: 'http://localhost:3000/', openapi: spec });
 * ```
 */
export interface ApiSpec {
  readonly file: string;
  readonly title?: string | undefined;
  readonly operations: readonly Operation[];
  /** Hosts (`name` or `name:port`) of absolute `servers[].url` entries, in order, without duplicates. */
  readonly serverHosts: readonly string[];
}

/**
 * A spec that cannot be used; the message says why.
 *
 * @example
 * ```ts
 * import { readSpec, SpecError } from '@rebind-guard/cli';
 * try {
 *   readSpec({ openapi: '3.1.0' }, 'empty.json');
 * } catch (error) {
 *   if (error instanceof SpecError) console.error(error.message); // empty.json: not an OpenAPI document (no "paths" object).
 * }
 * ```
 */
export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function bearerSchemes(document: Json): Set<string> {
  const names = new Set<string>();
  const components = isObject(document.components) ? document.components : {};
  const schemes = isObject(components.securitySchemes)
    ? components.securitySchemes
    : isObject(document.securityDefinitions)
      ? document.securityDefinitions
      : {};
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObject(scheme)) continue;
    const type = typeof scheme.type === 'string' ? scheme.type.toLowerCase() : '';
    const httpScheme = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
    // OpenAPI 3: { type: http, scheme: bearer }. Swagger 2 has no bearer type; oauth2 tokens are Bearer tokens too.
    if ((type === 'http' && httpScheme === 'bearer') || type === 'oauth2' || type === 'openidconnect') names.add(name);
  }
  return names;
}

function requiresBearer(security: unknown, bearer: ReadonlySet<string>): boolean {
  if (!Array.isArray(security) || security.length === 0) return false;
  return security.every(
    (requirement) => isObject(requirement) && Object.keys(requirement).some((name) => bearer.has(name)),
  );
}

function serverHost(url: string, variables: unknown): string | undefined {
  let resolved = url;
  if (isObject(variables)) {
    resolved = resolved.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const variable = variables[name];
      return isObject(variable) && typeof variable.default === 'string' ? variable.default : whole;
    });
  }
  try {
    const parsed = new URL(resolved);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : undefined;
  } catch {
    return undefined; // relative server URLs name no host
  }
}

/**
 * Extracts operations, security and server hosts from an already-parsed document; throws
 * {@link SpecError} when it is not usable.
 *
 * @example
 * ```ts
 * import { readSpec } from '@rebind-guard/cli';
 * const spec = readSpec({
 *   openapi: '3.1.0',
 *   servers: [{ url: 'https://api.example.com' }],
 *   paths: { '/items/{id}': { get: {} } },
 * }, 'inline');
 * console.log(spec.operations[0]?.path, spec.serverHosts); // '/items/1' [ 'api.example.com' ]
 * ```
 */
export function readSpec(document: unknown, file = '<spec>'): ApiSpec {
  if (!isObject(document) || !isObject(document.paths)) {
    throw new SpecError(`${file}: not an OpenAPI document (no "paths" object).`);
  }
  const bearer = bearerSchemes(document);
  const operations: Operation[] = [];
  for (const [specPath, item] of Object.entries(document.paths)) {
    if (!isObject(item) || !specPath.startsWith('/')) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const security = operation.security ?? document.security;
      operations.push({
        method: method.toUpperCase(),
        specPath,
        path: specPath.replace(/\{[^}]*\}/g, '1'),
        requiresToken: requiresBearer(security, bearer),
        operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
      });
    }
  }
  if (operations.length === 0) throw new SpecError(`${file}: the document has no operations to probe.`);
  const hosts: string[] = [];
  if (Array.isArray(document.servers)) {
    for (const server of document.servers) {
      if (!isObject(server) || typeof server.url !== 'string') continue;
      const host = serverHost(server.url, server.variables);
      if (host !== undefined && !hosts.includes(host)) hosts.push(host);
    }
  } else if (typeof document.host === 'string' && document.host !== '') {
    hosts.push(document.host.toLowerCase()); // Swagger 2.0
  }
  const info = isObject(document.info) ? document.info : {};
  return { file, title: typeof info.title === 'string' ? info.title : undefined, operations, serverHosts: hosts };
}

/**
 * Reads and parses a spec file (JSON or YAML); throws {@link SpecError} when it cannot be read,
 * parsed or used.
 *
 * @example
 * ```ts
 * import { loadSpec } from '@rebind-guard/cli';
 * const spec = await loadSpec('openapi.yaml');
 * console.log(`${spec.operations.length} operations in ${spec.file}`);
 * ```
 */
export async function loadSpec(file: string): Promise<ApiSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SpecError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SpecError(`${file} is neither valid JSON nor YAML: ${(error as Error).message}`);
  }
  return readSpec(document, file);
}
