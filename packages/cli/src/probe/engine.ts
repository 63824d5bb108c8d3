/**
 * `runProbe`: sends the battery to one server and decides, probe by probe, what got through.
 *
 * @packageDocumentation
 */
import { describeCode } from '@rebind-guard/core';
import {
  buildRequest,
  hostProbes,
  isSafeMethod,
  routeProbes,
  type BatteryContext,
  type ProbeDefinition,
  type Route,
} from './battery.js';
import { ConnectionError, sendRaw, type Endpoint, type RawOutcome, type RawRequest } from './http.js';
import { loadSpec, type ApiSpec } from './openapi.js';
import { mintValid, redactToken } from './tokens.js';
import type {
  FindingClass,
  ProbeReport,
  ProbeResult,
  RequestEvidence,
  ResponseEvidence,
  Severity,
  SpecFinding,
  SpecReport,
  Verdict,
} from './types.js';
import { UsageError } from '../usage-error.js';
import { VERSION } from '../version.js';

/**
 * Options of {@link runProbe} (the `probe` command's flags).
 *
 * @example
 * ```ts
 * import { runProbe, type ProbeOptions } from '@rebind-guard/cli';
 * const options: ProbeOptions = {
 *   url: 'http://localhost:3000/',
 *   openapi: 'openapi.yaml',
 *   token: process.env.API_TOKEN,
 *   origins: ['https://app.example.com'],
 *   timeoutMs: 2000,
 * };
 * const report = await runProbe(options);
 * ```
 */
export interface ProbeOptions {
  /** The server to probe, e.g. `http://localhost:3000/`. Its host is the legitimate Host. */
  readonly url: string;
  /** Foreign host name used for rebinding probes. Default `rebind.test`. */
  readonly hostName?: string | undefined;
  /** Per-request timeout in milliseconds. Default 5000. */
  readonly timeoutMs?: number | undefined;
  /** A valid Bearer token for the API. */
  readonly token?: string | undefined;
  /** Signing key (HS secret or PEM private key) to mint tokens. */
  readonly key?: string | undefined;
  readonly algorithm?: string | undefined;
  readonly audience?: string | undefined;
  readonly issuer?: string | undefined;
  /** Origins the server trusts for unsafe requests; the first one is used for controls and lookalikes. */
  readonly origins?: readonly string[] | undefined;
  /** Method for unsafe-method probes without a spec. Default `POST`. */
  readonly method?: string | undefined;
  /** OpenAPI document: a file path or an already-read spec. */
  readonly openapi?: string | ApiSpec | undefined;
  /** Connect to this `host:port` instead of the URL's (the Host header stays the URL's). */
  readonly connect?: string | undefined;
  /** Accept any TLS certificate. */
  readonly insecure?: boolean | undefined;
  /**
   * Send state-changing requests (POST/PUT/PATCH/DELETE from the default battery or the spec).
   * Default `false`: only GET/HEAD/OPTIONS and WebSocket handshakes are sent, and unsafe routes are
   * listed in `skipped`. With `true`, attacks on a state-changing route are sent before its
   * legitimate control, and a 404/405/410 answer to an attack is inconclusive, never blocked.
   */
  readonly unsafe?: boolean | undefined;
  /** Hardening findings fail the run too (`summary.vulnerable`, exit code 1). Default `false`. */
  readonly strict?: boolean | undefined;
  /** Request target (path and query) of the WebSocket probe; default: the primary route's. */
  readonly websocketPath?: string | undefined;
  /** Subprotocol offered in the WebSocket handshakes (`Sec-WebSocket-Protocol`), e.g. `vite-hmr`. */
  readonly websocketProtocol?: string | undefined;
  /** Called before each request. */
  readonly onProgress?: ((done: number, total: number, label: string) => void) | undefined;
}

/**
 * The legitimate baseline request did not succeed (exit code 2).
 *
 * @example
 * ```ts
 * import { BaselineError, runProbe } from '@rebind-guard/cli';
 * try {
 *   await runProbe({ url: 'http://localhost:3000/' });
 * } catch (error) {
 *   if (error instanceof BaselineError) console.error(`the server refused a legitimate request: ${error.message}`);
 * }
 * ```
 */
export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

const USER_AGENT = `rebind-guard-probe/${VERSION}`;
/** Answers that a state-changing route gives once an earlier request deleted or moved the resource. */
const GONE = new Set([404, 405, 410]);

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

function redact(request: RawRequest): RequestEvidence {
  return {
    method: request.method,
    target: request.target,
    httpVersion: request.httpVersion,
    headers: request.headers.map(([name, value]) => {
      if (name.toLowerCase() !== 'authorization') return [name, value] as const;
      const match = /^(\S+)(\s+)(\S+)(.*)$/.exec(value);
      return match === null
        ? ([name, value] as const)
        : ([name, `${match[1] ?? ''}${match[2] ?? ''}${redactToken(match[3] ?? '')}${match[4] ?? ''}`] as const);
    }),
  };
}

function evidence(outcome: RawOutcome | ConnectionError): ResponseEvidence {
  if (outcome instanceof ConnectionError)
    return {
      status: null,
      reason: outcome.message,
      headers: {},
      bodyStart: '',
      outcome: 'connection-error',
      timeMs: 0,
    };
  if (outcome.kind !== 'response')
    return {
      status: null,
      reason: outcome.kind === 'closed' ? 'connection closed' : 'timed out',
      headers: {},
      bodyStart: '',
      outcome: outcome.kind,
      timeMs: outcome.timeMs,
    };
  const headers: Record<string, string> = {};
  for (const [name, value] of outcome.headers)
    headers[name] = name in headers ? `${headers[name] ?? ''}, ${value}` : value;
  return {
    status: outcome.status,
    reason: outcome.reason,
    headers,
    bodyStart: outcome.bodyStart,
    outcome: 'response',
    timeMs: outcome.timeMs,
  };
}

const succeeded = (response: ResponseEvidence, upgrade: boolean): boolean =>
  response.status !== null && (upgrade ? response.status === 101 : response.status >= 200 && response.status < 400);

function describeStatus(response: ResponseEvidence): string {
  return response.status === null ? response.reason : `${response.status} ${response.reason}`.trim();
}

/**
 * Decides a probe from its attack and control responses. `stateChanging`: the route's method is
 * unsafe, its attacks went before its control, and earlier requests may have changed what it
 * answers, so an accepted attack stands on its own and a 404/405/410 proves nothing.
 */
export function decide(
  definition: Pick<ProbeDefinition, 'upgrade' | 'impact'>,
  attack: ResponseEvidence,
  control: ResponseEvidence | undefined,
  stateChanging = false,
): { verdict: Verdict; reason: string } {
  const upgrade = definition.upgrade === true;
  const noAnswer = attack.outcome === 'timeout' || attack.outcome === 'connection-error';
  const accepted = { verdict: 'accepted', reason: `answered ${describeStatus(attack)}: ${definition.impact}` } as const;
  if (stateChanging) {
    if (noAnswer) return { verdict: 'error', reason: `no answer: ${attack.reason}` };
    if (succeeded(attack, upgrade)) return accepted;
    if (attack.status !== null && GONE.has(attack.status)) {
      return {
        verdict: 'inconclusive',
        reason: `answered ${describeStatus(attack)}, which on a state-changing route can mean an earlier request already deleted or moved the resource, so it does not count as blocked`,
      };
    }
  }
  // A control that failed (or got no answer) makes the attack prove nothing, whatever it got.
  if (control !== undefined && !succeeded(control, upgrade)) {
    const got = control.status === null ? `no answer (${control.reason})` : describeStatus(control);
    return {
      verdict: 'inconclusive',
      reason: `the legitimate control request to the same route got ${got}${upgrade ? ' (no WebSocket endpoint here, or it needs --ws-path / --ws-protocol?)' : ''}, so this probe proves nothing here`,
    };
  }
  if (noAnswer) return { verdict: 'error', reason: `no answer: ${attack.reason}` };
  if (succeeded(attack, upgrade)) return accepted;
  return {
    verdict: 'blocked',
    reason: attack.status === null ? `refused: ${attack.reason}` : `refused with ${describeStatus(attack)}`,
  };
}

interface Plan {
  readonly spec?: ApiSpec | undefined;
  readonly routes: readonly Route[];
  readonly primary: Route;
  readonly skipped: string[];
}

function listRoutes(routes: readonly Route[]): string {
  const shown = routes.slice(0, 3).map((route) => `${route.method} ${route.target}`);
  return routes.length > shown.length
    ? `${shown.join(', ')} and ${routes.length - shown.length} more`
    : shown.join(', ');
}

function plan(url: URL, options: ProbeOptions, spec: ApiSpec | undefined, haveToken: boolean): Plan {
  const skipped: string[] = [];
  const unsafeAllowed = options.unsafe === true;
  const keep = (all: readonly Route[]): Route[] => {
    const held = all.filter((route) => !isSafeMethod(route.method));
    if (unsafeAllowed || held.length === 0) return [...all];
    skipped.push(
      `state-changing requests (${listRoutes(held)}) and their CSRF probes: pass --unsafe to send them (they may create, change or delete data on the target)`,
    );
    return all.filter((route) => isSafeMethod(route.method));
  };
  if (spec !== undefined) {
    const base = url.pathname.replace(/\/+$/, '');
    const all = spec.operations.map((operation) => ({
      method: operation.method,
      target: `${base}${operation.path}`,
      requiresToken: operation.requiresToken,
    }));
    const routes = keep(all);
    const staticGet = spec.operations.findIndex(
      (operation) => operation.method === 'GET' && !operation.specPath.includes('{'),
    );
    const anyGet = spec.operations.findIndex((operation) => operation.method === 'GET');
    const primary = all[staticGet >= 0 ? staticGet : anyGet >= 0 ? anyGet : 0];
    if (primary === undefined) throw new UsageError(`${spec.file}: no operations`);
    if (!unsafeAllowed && !isSafeMethod(primary.method)) {
      throw new UsageError(
        `${spec.file} has no GET operation, and without --unsafe the probe sends no other method; add a GET route to the spec or pass --unsafe`,
      );
    }
    if (!haveToken && routes.some((route) => route.requiresToken)) {
      skipped.push(
        'token replay, malformed and duplicate Authorization probes: pass --token (or --key to mint tokens)',
      );
    }
    return { spec, routes, primary, skipped };
  }
  const target = `${url.pathname}${url.search}`;
  const method = (options.method ?? 'POST').toUpperCase();
  if (!/^[A-Z]+$/.test(method))
    throw new UsageError(`--method ${JSON.stringify(options.method)} is not an HTTP method, e.g. POST`);
  const primary: Route = { method: 'GET', target, requiresToken: haveToken };
  const routes = keep(isSafeMethod(method) ? [primary] : [primary, { method, target, requiresToken: haveToken }]);
  if (!haveToken)
    skipped.push(
      'auth probes: pass --token (or --key to mint tokens) or --openapi with Bearer security to say the route needs a token',
    );
  return { routes, primary, skipped };
}

/**
 * Probes one server. Throws {@link UsageError} for bad options, `SpecError` for an unusable spec,
 * {@link ConnectionError} when the server cannot be reached and {@link BaselineError} when the
 * legitimate baseline request fails.
 *
 * @example
 * ```ts
 * import { runProbe } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * if (report.summary.vulnerable) process.exitCode = 1;
 * ```
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const started = Date.now();
  const url = parseTarget(options.url);
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new UsageError('--timeout must be a positive number of milliseconds, e.g. 5000');
  const foreignName = (options.hostName ?? 'rebind.test').toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(foreignName) || foreignName.startsWith('.') || foreignName.endsWith('.')) {
    throw new UsageError(`--host-name ${JSON.stringify(options.hostName)} must be a plain host name, e.g. rebind.test`);
  }
  for (const origin of options.origins ?? []) {
    try {
      if (new URL(origin).origin !== origin.replace(/\/$/, '')) throw new Error('not an origin');
    } catch {
      throw new UsageError(
        `--origin ${JSON.stringify(origin)} must be a serialized origin, e.g. https://app.example.com`,
      );
    }
  }
  const spec = typeof options.openapi === 'string' ? await loadSpec(options.openapi) : options.openapi;
  const tokens = { key: options.key, algorithm: options.algorithm, audience: options.audience, issuer: options.issuer };
  let token = options.token;
  if (token === undefined && options.key !== undefined) {
    try {
      token = mintValid(tokens);
    } catch (error) {
      throw new UsageError(`cannot sign tokens with --key: ${(error as Error).message}`);
    }
  }
  if (options.websocketPath !== undefined && !/^\/[\x21-\x7e]*$/.test(options.websocketPath)) {
    throw new UsageError(
      `--ws-path ${JSON.stringify(options.websocketPath)} must be a path starting with /, e.g. /socket`,
    );
  }
  // RFC 6455 §4.1: a comma-separated list of RFC 7230 tokens.
  if (
    options.websocketProtocol !== undefined &&
    !/^[!#$%&'*+.^_`|~\w-]+(\s*,\s*[!#$%&'*+.^_`|~\w-]+)*$/.test(options.websocketProtocol)
  ) {
    throw new UsageError(
      `--ws-protocol ${JSON.stringify(options.websocketProtocol)} must be a subprotocol name (or a comma-separated list), e.g. vite-hmr`,
    );
  }
  const connect = options.connect === undefined ? undefined : parseConnect(options.connect);
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const endpoint: Endpoint = {
    host: connect?.host ?? url.hostname.replace(/^\[|\]$/g, ''),
    port: connect?.port ?? (url.port === '' ? defaultPort : Number(url.port)),
    tls: url.protocol === 'https:',
    servername: /^[\d.]+$|^\[/.test(url.hostname) ? undefined : url.hostname,
    insecure: options.insecure,
  };
  const portSuffix = url.port === '' ? '' : `:${url.port}`;
  const context: BatteryContext = {
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
  const { routes, primary, skipped } = plan(url, options, spec, token !== undefined);
  const unsafeMode = options.unsafe === true;
  // One group per route; the host-level probes (and the WebSocket probe) ride on the primary route.
  // Safe routes go first, so that what a state-changing request deletes cannot change their verdicts.
  const ordered = [
    ...routes.filter((route) => isSafeMethod(route.method)),
    ...routes.filter((route) => !isSafeMethod(route.method)),
  ];
  const groups = [hostProbes(context, primary), ...ordered.map((route) => routeProbes(context, route))];
  const controlKey = (request: RawRequest): string => JSON.stringify(request);
  const distinctControls = new Set(
    groups.flat().flatMap((definition) => (definition.control === undefined ? [] : [controlKey(definition.control)])),
  );
  const total = 1 + groups.flat().length + distinctControls.size + (spec?.serverHosts.length ?? 0);
  let done = 0;
  const controls = new Map<string, ResponseEvidence>();
  const send = async (request: RawRequest, label: string): Promise<ResponseEvidence> => {
    options.onProgress?.(done, total, label);
    done++;
    try {
      return evidence(await sendRaw(endpoint, request, timeoutMs));
    } catch (error) {
      if (error instanceof ConnectionError) return evidence(error);
      throw error;
    }
  };
  const controlFor = async (definition: ProbeDefinition): Promise<ResponseEvidence | undefined> => {
    if (definition.control === undefined) return undefined;
    const key = controlKey(definition.control);
    let control = controls.get(key);
    if (control === undefined) {
      control = await send(definition.control, `control ${definition.route.method} ${definition.route.target}`);
      controls.set(key, control);
    }
    return control;
  };

  // Baseline: a legitimate request to the primary route must succeed, or nothing below means anything.
  const baselineRequest = buildRequest(context, primary);
  const baselineLabel = `${primary.method} ${primary.target}`;
  options.onProgress?.(done, total, `baseline ${baselineLabel}`);
  let baselineOutcome: RawOutcome;
  try {
    baselineOutcome = await sendRaw(endpoint, baselineRequest, timeoutMs);
  } catch (error) {
    if (error instanceof ConnectionError)
      throw new ConnectionError(`baseline request failed: ${error.message}`, error.code);
    throw error;
  }
  const baseline = evidence(baselineOutcome);
  if (baseline.outcome === 'timeout')
    throw new ConnectionError(
      `baseline request failed: no answer from ${endpoint.host}:${endpoint.port} within ${timeoutMs} ms (raise --timeout?)`,
      'ETIMEDOUT',
    );
  if (baseline.outcome === 'closed')
    throw new ConnectionError(
      `baseline request failed: ${endpoint.host}:${endpoint.port} closed the connection without answering (is it an HTTP server? for https use an https: URL)`,
      'ECONNRESET',
    );
  if (!succeeded(baseline, false)) {
    const hint =
      baseline.status === 401 || baseline.status === 403
        ? ' If the route needs a token, pass --token (or --key); if the server does not answer to this host name, use the name it expects in the URL and --connect to reach it.'
        : ' Point the URL at a route that answers 2xx/3xx to a legitimate request, or pass --openapi.';
    throw new BaselineError(
      `baseline request ${baselineLabel} with Host ${context.host} answered ${describeStatus(baseline)}; probes would prove nothing.${hint}`,
    );
  }
  done++;
  // The baseline is the primary route's control, unless the baseline request is state-changing.
  if (isSafeMethod(primary.method)) controls.set(controlKey(baselineRequest), baseline);

  const decided: {
    definition: ProbeDefinition;
    response: ResponseEvidence;
    control: ResponseEvidence | undefined;
    verdict: Verdict;
    reason: string;
  }[] = [];
  for (const group of groups) {
    const stateChanging = (definition: ProbeDefinition): boolean =>
      !isSafeMethod(definition.route.method) && definition.upgrade !== true;
    if (group.some(stateChanging)) {
      // State-changing route: every attack first, then the control, so a legitimate request that
      // creates or deletes something cannot change what the attacks find.
      const responses: ResponseEvidence[] = [];
      for (const definition of group)
        responses.push(
          await send(definition.attack, `${definition.id} ${definition.route.method} ${definition.route.target}`),
        );
      for (const [index, definition] of group.entries()) {
        const response = responses[index] as ResponseEvidence;
        const control = await controlFor(definition);
        decided.push({
          definition,
          response,
          control,
          ...decide(definition, response, control, stateChanging(definition)),
        });
      }
      continue;
    }
    for (const definition of group) {
      const control = await controlFor(definition);
      const response = await send(
        definition.attack,
        `${definition.id} ${definition.route.method} ${definition.route.target}`,
      );
      decided.push({ definition, response, control, ...decide(definition, response, control) });
    }
  }
  const results: ProbeResult[] = decided.map(({ definition, response, control, verdict, reason }) => {
    const operation = `${definition.route.method} ${definition.route.target}`;
    const { unchecked } = definition;
    // Say what was observed: when the plain foreign request got through as well, the server has no
    // check of this kind at all, rather than a flawed one.
    const noCheck =
      verdict === 'accepted' &&
      unchecked !== undefined &&
      decided.some(
        (other) =>
          other.definition.id === unchecked.probe &&
          other.verdict === 'accepted' &&
          other.definition.route.target === definition.route.target,
      );
    return {
      id: definition.id,
      title: definition.title,
      category: definition.category,
      severity: definition.severity,
      class: definition.class,
      code: definition.code,
      docs: describeCode(definition.code).docs,
      operation,
      verdict,
      reason: noCheck ? `answered ${describeStatus(response)}: ${unchecked.reason}` : reason,
      request: redact(definition.attack),
      response,
      controlStatus: control?.status,
    };
  });

  let specReport: SpecReport | undefined;
  if (spec !== undefined) {
    const serverHosts: { host: string; answered: boolean; status: number | null }[] = [];
    const findings: SpecFinding[] = [];
    for (const host of spec.serverHosts) {
      const response = await send(buildRequest(context, primary, { host }), `spec host ${host}`);
      const answered = succeeded(response, false);
      serverHosts.push({ host, answered, status: response.status });
      if (!answered) {
        findings.push({
          id: 'spec-documented-host-refused',
          severity: 'low',
          host,
          message: `the spec's servers list ${host}, but the server refuses Host ${host} (${describeStatus(response)}): the spec and the host allowlist disagree`,
          docs: describeCode('host_not_allowed').docs,
          response,
        });
      }
    }
    const foreignAccepted = results.find((result) => result.id === 'host-foreign' && result.verdict === 'accepted');
    if (
      foreignAccepted !== undefined &&
      spec.serverHosts.length > 0 &&
      !spec.serverHosts.includes(context.foreignHost)
    ) {
      findings.push({
        id: 'spec-undocumented-host-accepted',
        severity: 'high',
        host: context.foreignHost,
        message: `the spec's servers list only ${spec.serverHosts.join(', ')}, but the server also answers Host ${context.foreignHost}: it does not enforce the hosts it documents`,
        docs: describeCode('host_not_allowed').docs,
        response: foreignAccepted.response,
      });
    }
    specReport = { file: spec.file, title: spec.title, operations: spec.operations.length, serverHosts, findings };
  }
  options.onProgress?.(total, total, 'done');

  const count = (verdict: Verdict): number => results.filter((result) => result.verdict === verdict).length;
  const bySeverity = (severity: Severity): number =>
    results.filter((result) => result.verdict === 'accepted' && result.severity === severity).length;
  const byClass = (findingClass: FindingClass): number =>
    results.filter((result) => result.verdict === 'accepted' && result.class === findingClass).length;
  const accepted = count('accepted');
  const acceptedByClass = { 'browser-reachable': byClass('browser-reachable'), hardening: byClass('hardening') };
  const strict = options.strict === true;
  return {
    tool: { name: 'rebind-guard', version: VERSION },
    target: url.href,
    connectedTo: `${endpoint.host}:${endpoint.port}`,
    foreignHost: context.foreignHost,
    mode: { unsafe: unsafeMode, strict },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    baseline: { operation: baselineLabel, response: baseline },
    results,
    skipped,
    spec: specReport,
    summary: {
      total: results.length,
      accepted,
      blocked: count('blocked'),
      inconclusive: count('inconclusive'),
      errors: count('error'),
      acceptedBySeverity: { high: bySeverity('high'), medium: bySeverity('medium'), low: bySeverity('low') },
      acceptedByClass,
      vulnerable: acceptedByClass['browser-reachable'] > 0 || (strict && acceptedByClass.hardening > 0),
    },
  };
}
