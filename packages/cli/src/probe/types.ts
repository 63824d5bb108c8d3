/**
 * The data model of a probe run: what was sent, what came back, and what it means.
 *
 * @packageDocumentation
 */
import type { ResultCode } from '@rebind-guard/core';

/**
 * How bad it is when a probe gets through.
 *
 * @example
 * ```ts
 * import { runProbe, type Severity } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * const worst: Severity[] = ['high', 'medium', 'low'];
 * const top = worst.find((severity) => report.summary.acceptedBySeverity[severity] > 0);
 * ```
 */
export type Severity = 'high' | 'medium' | 'low';

/**
 * The kind of weakness a probe tests:
 *
 * - `rebinding`: the server answers a host name it does not own; a rebound page can read and write it.
 * - `host-parsing`: ambiguous or malformed Host information is accepted.
 * - `csrf`: a state-changing request from a foreign or opaque origin is accepted.
 * - `websocket`: a cross-site WebSocket handshake is accepted.
 * - `auth`: a missing, malformed, duplicated or illegitimate Bearer token is accepted.
 *
 * @example
 * ```ts
 * import { runProbe, type Category } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * const category: Category = 'rebinding';
 * const rebinding = report.results.filter((result) => result.category === category);
 * ```
 */
export type Category = 'rebinding' | 'host-parsing' | 'csrf' | 'websocket' | 'auth';

/**
 * Who can make a finding happen, which decides the exit code:
 *
 * - `browser-reachable`: a web page can send the attack request exactly as probed, with what a page
 *   has — cross-site, or same-origin after a DNS rebind (foreign or lookalike Host, a spoofed
 *   X-Forwarded-Host, a foreign or `null` Origin on an unsafe method, a cross-site WebSocket, a
 *   forged, expired or other-audience token). An accepted one fails the run (exit 1).
 * - `hardening`: no browser can send it (duplicate Host, absolute-form target, HTTP/1.0 without
 *   Host, userinfo or a path in Host) or it needs a credential the page does not have (a valid
 *   token with extra data, two Authorization headers). It matters behind proxies that disagree with
 *   the server; an accepted one fails the run only with `--strict`.
 *
 * @example
 * ```ts
 * import { runProbe, type FindingClass } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * const reachable: FindingClass = 'browser-reachable';
 * const mustFix = report.results.filter((result) => result.verdict === 'accepted' && result.class === reachable);
 * ```
 */
export type FindingClass = 'browser-reachable' | 'hardening';

/**
 * What became of a probe's attack request:
 *
 * - `accepted`: the server answered the attack with 2xx/3xx (101 for an upgrade) — it got through.
 * - `blocked`: 4xx/5xx or the connection was closed, while the legitimate control request to the
 *   same route succeeded.
 * - `inconclusive`: the legitimate control request for the same route failed too, so the attack
 *   proves nothing there (wrong method, missing token, no WebSocket endpoint…); or, on a
 *   state-changing route (`--unsafe`), the attack got 404/405/410, which an earlier request that
 *   deleted the resource also explains.
 * - `error`: no answer within the timeout, or the connection failed, while the control request
 *   to the same route was answered.
 *
 * @example
 * ```ts
 * import { runProbe, type Verdict } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * const gotThrough: Verdict = 'accepted';
 * const failures = report.results.filter((result) => result.verdict === gotThrough);
 * ```
 */
export type Verdict = 'accepted' | 'blocked' | 'inconclusive' | 'error';

/**
 * A request as shown in reports (tokens redacted).
 *
 * @example
 * ```ts
 * import type { RequestEvidence } from '@rebind-guard/cli';
 * const toText = (request: RequestEvidence): string =>
 *   [`${request.method} ${request.target} HTTP/${request.httpVersion}`, ...request.headers.map(([name, value]) => `${name}: ${value}`)].join('\r\n');
 * ```
 */
export interface RequestEvidence {
  readonly method: string;
  readonly target: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: readonly (readonly [string, string])[];
}

/**
 * A response as shown in reports. `status` is `null` when the server closed the connection or timed out.
 *
 * @example
 * ```ts
 * import type { ResponseEvidence } from '@rebind-guard/cli';
 * const describe = (response: ResponseEvidence): string =>
 *   response.status === null ? `${response.outcome} after ${response.timeMs} ms` : `${response.status} ${response.reason}`;
 * ```
 */
export interface ResponseEvidence {
  readonly status: number | null;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
  /** First bytes of the body. */
  readonly bodyStart: string;
  /** `'response'`, `'closed'` or `'timeout'`. */
  readonly outcome: 'response' | 'closed' | 'timeout' | 'connection-error';
  readonly timeMs: number;
}

/**
 * One probe's outcome.
 *
 * @example
 * ```ts
 * import { runProbe, type ProbeResult } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * const accepted: ProbeResult[] = report.results.filter((result) => result.verdict === 'accepted');
 * for (const result of accepted) console.log(`${result.id} (${result.severity}) on ${result.operation}: see ${result.docs}`);
 * ```
 */
export interface ProbeResult {
  /** Stable probe id, e.g. `host-foreign`. */
  readonly id: string;
  readonly title: string;
  readonly category: Category;
  readonly severity: Severity;
  /** Whether a web page can send this attack; decides the exit code (see {@link FindingClass}). */
  readonly class: FindingClass;
  /** The rebind-guard result code whose docs explain the fix. */
  readonly code: ResultCode;
  /** Link to the docs page of `code`. */
  readonly docs: string;
  /** The route probed, e.g. `GET /protected`. */
  readonly operation: string;
  readonly verdict: Verdict;
  /** One sentence explaining the verdict. */
  readonly reason: string;
  readonly request: RequestEvidence;
  readonly response: ResponseEvidence;
  /** The control (legitimate) request's status, when the probe has one. */
  readonly controlStatus?: number | null | undefined;
}

/**
 * What the spec's `servers` say versus what the server does.
 *
 * @example
 * ```ts
 * import { runProbe, type SpecFinding } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/', openapi: 'openapi.yaml' });
 * const findings: readonly SpecFinding[] = report.spec?.findings ?? [];
 * for (const finding of findings) console.log(`${finding.id} ${finding.host}: ${finding.message}`);
 * ```
 */
export interface SpecFinding {
  readonly id: 'spec-documented-host-refused' | 'spec-undocumented-host-accepted';
  readonly severity: Severity;
  readonly host: string;
  readonly message: string;
  readonly docs: string;
  readonly response?: ResponseEvidence | undefined;
}

/**
 * The spec part of a report (present when an OpenAPI document was given).
 *
 * @example
 * ```ts
 * import { runProbe, type SpecReport } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/', openapi: 'openapi.yaml' });
 * const spec: SpecReport | undefined = report.spec;
 * if (spec) console.log(`${spec.file}: ${spec.operations} operations, hosts ${spec.serverHosts.map((entry) => entry.host).join(', ')}`);
 * ```
 */
export interface SpecReport {
  readonly file: string;
  readonly title?: string | undefined;
  readonly operations: number;
  readonly serverHosts: readonly {
    readonly host: string;
    readonly answered: boolean;
    readonly status: number | null;
  }[];
  readonly findings: readonly SpecFinding[];
}

/**
 * Counts of a report.
 *
 * @example
 * ```ts
 * import { runProbe, type ProbeSummary } from '@rebind-guard/cli';
 * const { summary }: { summary: ProbeSummary } = await runProbe({ url: 'http://localhost:3000/' });
 * console.log(`${summary.accepted}/${summary.total} attacks accepted (${summary.acceptedBySeverity.high} high)`);
 * ```
 */
export interface ProbeSummary {
  readonly total: number;
  readonly accepted: number;
  readonly blocked: number;
  readonly inconclusive: number;
  readonly errors: number;
  readonly acceptedBySeverity: Readonly<Record<Severity, number>>;
  readonly acceptedByClass: Readonly<Record<FindingClass, number>>;
  /**
   * `true` when the run fails (exit code 1): a browser-reachable attack got through, or, with
   * `strict`, any attack did.
   */
  readonly vulnerable: boolean;
}

/**
 * The complete result of `rebind-guard probe` (also the shape of its `--json` output).
 *
 * @example
 * ```ts
 * import { runProbe, type ProbeReport } from '@rebind-guard/cli';
 * const report: ProbeReport = await runProbe({ url: 'http://localhost:3000/' });
 * console.log(`${report.tool.name} ${report.tool.version} probed ${report.target} via ${report.connectedTo} in ${report.durationMs} ms`);
 * if (report.summary.vulnerable) process.exitCode = 1;
 * ```
 */
export interface ProbeReport {
  readonly tool: { readonly name: 'rebind-guard'; readonly version: string };
  readonly target: string;
  /** `host:port` actually connected to. */
  readonly connectedTo: string;
  readonly foreignHost: string;
  /**
   * `unsafe`: state-changing methods were sent (`--unsafe`); `strict`: hardening findings fail the
   * run too (`--strict`).
   */
  readonly mode: { readonly unsafe: boolean; readonly strict: boolean };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly baseline: { readonly operation: string; readonly response: ResponseEvidence };
  readonly results: readonly ProbeResult[];
  /** Probes that were not run, and why (e.g. unsafe methods without `--unsafe`, auth probes without a token). */
  readonly skipped: readonly string[];
  readonly spec?: SpecReport | undefined;
  readonly summary: ProbeSummary;
}
