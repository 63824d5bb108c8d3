/**
 * `runProbe`: sends the battery to one server and decides, probe by probe, what got through.
 *
 * @packageDocumentation
 */
import { describeCode } from '@rebind-guard/core';
import { buildRequest, isSafeMethod, type ProbeDefinition, type Route } from './battery.js';
import { ConnectionError, sendRaw, type RawOutcome, type RawRequest } from './http.js';
import type { ApiSpec } from './openapi.js';
import { plan, probeGroups } from './plan.js';
import { prepareTarget, type Target } from './target.js';
import type {
  FindingClass,
  ProbeReport,
  ProbeResult,
  ProbeSummary,
  ResponseEvidence,
  Severity,
  SpecFinding,
  SpecReport,
  Verdict,
} from './types.js';
import { decide, describeStatus, evidence, redact, succeeded } from './verdict.js';
import { VERSION } from '../version.js';

export { decide } from './verdict.js';

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

/** Sends requests, counts them for `onProgress`, and sends each distinct control request once. */
interface Session {
  /** Reports `label` to `onProgress` and counts one request. */
  announce(label: string): void;
  /** Sends a request; a connection failure becomes evidence, not an exception. */
  send(request: RawRequest, label: string): Promise<ResponseEvidence>;
  /** The response to a probe's control request, sent the first time it is needed. */
  controlFor(definition: ProbeDefinition): Promise<ResponseEvidence | undefined>;
  /** Records `response` as the answer to the control `request`. */
  remember(request: RawRequest, response: ResponseEvidence): void;
  /** Reports the end of the run to `onProgress`. */
  finish(): void;
}

const controlKey = (request: RawRequest): string => JSON.stringify(request);

/** Requests in the run: the baseline, every attack, every distinct control and every spec host. */
function countRequests(groups: readonly ProbeDefinition[][], spec: ApiSpec | undefined): number {
  const distinctControls = new Set(
    groups.flat().flatMap((definition) => (definition.control === undefined ? [] : [controlKey(definition.control)])),
  );
  return 1 + groups.flat().length + distinctControls.size + (spec?.serverHosts.length ?? 0);
}

function createSession({ endpoint, timeoutMs }: Target, total: number, options: ProbeOptions): Session {
  let done = 0;
  const controls = new Map<string, ResponseEvidence>();
  const announce = (label: string): void => {
    options.onProgress?.(done, total, label);
    done++;
  };
  const send = async (request: RawRequest, label: string): Promise<ResponseEvidence> => {
    announce(label);
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
  return {
    announce,
    send,
    controlFor,
    remember: (request, response) => controls.set(controlKey(request), response),
    finish: () => options.onProgress?.(total, total, 'done'),
  };
}

/** Sends the baseline request; a failure here stops the run with an error that says what to do. */
async function sendBaseline({ endpoint, timeoutMs }: Target, request: RawRequest): Promise<ResponseEvidence> {
  let outcome: RawOutcome;
  try {
    outcome = await sendRaw(endpoint, request, timeoutMs);
  } catch (error) {
    if (error instanceof ConnectionError)
      throw new ConnectionError(`baseline request failed: ${error.message}`, error.code);
    throw error;
  }
  const baseline = evidence(outcome);
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
  return baseline;
}

/**
 * The baseline: a legitimate request to the primary route must succeed, or nothing the probes find
 * means anything. It doubles as the primary route's control, unless it is state-changing.
 */
async function baselineStep(
  session: Session,
  target: Target,
  primary: Route,
): Promise<{ operation: string; response: ResponseEvidence }> {
  const request = buildRequest(target.context, primary);
  const operation = `${primary.method} ${primary.target}`;
  session.announce(`baseline ${operation}`);
  const response = await sendBaseline(target, request);
  if (!succeeded(response, false)) {
    const hint =
      response.status === 401 || response.status === 403
        ? ' If the route needs a token, pass --token (or --key); if the server does not answer to this host name, use the name it expects in the URL and --connect to reach it.'
        : ' Point the URL at a route that answers 2xx/3xx to a legitimate request, or pass --openapi.';
    throw new BaselineError(
      `baseline request ${operation} with Host ${target.context.host} answered ${describeStatus(response)}; probes would prove nothing.${hint}`,
    );
  }
  if (isSafeMethod(primary.method)) session.remember(request, response);
  return { operation, response };
}

interface Decided {
  readonly definition: ProbeDefinition;
  readonly response: ResponseEvidence;
  readonly control: ResponseEvidence | undefined;
  readonly verdict: Verdict;
  readonly reason: string;
}

const attackLabel = (definition: ProbeDefinition): string =>
  `${definition.id} ${definition.route.method} ${definition.route.target}`;

const stateChanging = (definition: ProbeDefinition): boolean =>
  !isSafeMethod(definition.route.method) && definition.upgrade !== true;

/**
 * A state-changing route: every attack first, then the control, so a legitimate request that
 * creates or deletes something cannot change what the attacks find.
 */
async function runStateChangingGroup(session: Session, group: readonly ProbeDefinition[]): Promise<Decided[]> {
  const responses: ResponseEvidence[] = [];
  for (const definition of group) responses.push(await session.send(definition.attack, attackLabel(definition)));
  const decided: Decided[] = [];
  for (const [index, definition] of group.entries()) {
    const response = responses[index] as ResponseEvidence;
    const control = await session.controlFor(definition);
    decided.push({
      definition,
      response,
      control,
      ...decide(definition, response, control, stateChanging(definition)),
    });
  }
  return decided;
}

/** A safe route: each probe's control (once per distinct control), then its attack. */
async function runSafeGroup(session: Session, group: readonly ProbeDefinition[]): Promise<Decided[]> {
  const decided: Decided[] = [];
  for (const definition of group) {
    const control = await session.controlFor(definition);
    const response = await session.send(definition.attack, attackLabel(definition));
    decided.push({ definition, response, control, ...decide(definition, response, control) });
  }
  return decided;
}

/** Sends the probe groups in order, one group after the other. */
async function runBattery(session: Session, groups: readonly ProbeDefinition[][]): Promise<Decided[]> {
  const decided: Decided[] = [];
  for (const group of groups)
    decided.push(
      ...(group.some(stateChanging) ? await runStateChangingGroup(session, group) : await runSafeGroup(session, group)),
    );
  return decided;
}

/**
 * One decided probe as a report result. Says what was observed: when the plain foreign request to
 * the same route got through as well, the server has no check of this kind at all, rather than a
 * flawed one.
 */
function toResult(item: Decided, all: readonly Decided[]): ProbeResult {
  const { definition, response, control, verdict, reason } = item;
  const { unchecked } = definition;
  const noCheck =
    verdict === 'accepted' &&
    unchecked !== undefined &&
    all.some(
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
    operation: `${definition.route.method} ${definition.route.target}`,
    verdict,
    reason: noCheck ? `answered ${describeStatus(response)}: ${unchecked.reason}` : reason,
    request: redact(definition.attack),
    response,
    controlStatus: control?.status,
  };
}

/** Sends the primary route's request with each host the spec's `servers` list; refused ones are findings. */
async function checkDocumentedHosts(session: Session, target: Target, spec: ApiSpec, primary: Route) {
  const serverHosts: { host: string; answered: boolean; status: number | null }[] = [];
  const findings: SpecFinding[] = [];
  for (const host of spec.serverHosts) {
    const response = await session.send(buildRequest(target.context, primary, { host }), `spec host ${host}`);
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
  return { serverHosts, findings };
}

/** A finding when the server answered the foreign Host although the spec lists only other hosts. */
function undocumentedHostFinding(
  target: Target,
  spec: ApiSpec,
  results: readonly ProbeResult[],
): SpecFinding | undefined {
  const { foreignHost } = target.context;
  const foreignAccepted = results.find((result) => result.id === 'host-foreign' && result.verdict === 'accepted');
  if (foreignAccepted === undefined || spec.serverHosts.length === 0 || spec.serverHosts.includes(foreignHost))
    return undefined;
  return {
    id: 'spec-undocumented-host-accepted',
    severity: 'high',
    host: foreignHost,
    message: `the spec's servers list only ${spec.serverHosts.join(', ')}, but the server also answers Host ${foreignHost}: it does not enforce the hosts it documents`,
    docs: describeCode('host_not_allowed').docs,
    response: foreignAccepted.response,
  };
}

/** Compares the hosts the spec documents with the hosts the server answers. */
async function checkSpec(
  session: Session,
  target: Target,
  primary: Route,
  results: readonly ProbeResult[],
): Promise<SpecReport | undefined> {
  const { spec } = target;
  if (spec === undefined) return undefined;
  const { serverHosts, findings } = await checkDocumentedHosts(session, target, spec, primary);
  const undocumented = undocumentedHostFinding(target, spec, results);
  if (undocumented !== undefined) findings.push(undocumented);
  return { file: spec.file, title: spec.title, operations: spec.operations.length, serverHosts, findings };
}

/** Counts the verdicts; `vulnerable` decides exit code 1. */
function summarize(results: readonly ProbeResult[], strict: boolean): ProbeSummary {
  const count = (verdict: Verdict): number => results.filter((result) => result.verdict === verdict).length;
  const bySeverity = (severity: Severity): number =>
    results.filter((result) => result.verdict === 'accepted' && result.severity === severity).length;
  const byClass = (findingClass: FindingClass): number =>
    results.filter((result) => result.verdict === 'accepted' && result.class === findingClass).length;
  const acceptedByClass = { 'browser-reachable': byClass('browser-reachable'), hardening: byClass('hardening') };
  return {
    total: results.length,
    accepted: count('accepted'),
    blocked: count('blocked'),
    inconclusive: count('inconclusive'),
    errors: count('error'),
    acceptedBySeverity: { high: bySeverity('high'), medium: bySeverity('medium'), low: bySeverity('low') },
    acceptedByClass,
    vulnerable: acceptedByClass['browser-reachable'] > 0 || (strict && acceptedByClass.hardening > 0),
  };
}

/**
 * Probes one server. Throws `UsageError` for bad options, `SpecError` for an unusable spec,
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
  const target = await prepareTarget(options);
  const planned = plan(target.url, options, target.spec, target.context.token !== undefined);
  const groups = probeGroups(target.context, planned);
  const session = createSession(target, countRequests(groups, target.spec), options);
  const baseline = await baselineStep(session, target, planned.primary);
  const decided = await runBattery(session, groups);
  const results = decided.map((item) => toResult(item, decided));
  const spec = await checkSpec(session, target, planned.primary, results);
  session.finish();
  const strict = options.strict === true;
  return {
    tool: { name: 'rebind-guard', version: VERSION },
    target: target.url.href,
    connectedTo: `${target.endpoint.host}:${target.endpoint.port}`,
    foreignHost: target.context.foreignHost,
    mode: { unsafe: options.unsafe === true, strict },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    baseline,
    results,
    skipped: planned.skipped,
    spec,
    summary: summarize(results, strict),
  };
}
