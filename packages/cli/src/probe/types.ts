/**
 * The data model of a probe run: what was sent, what came back, and what it means.
 *
 * @packageDocumentation
 */
import type { ResultCode } from '@rebind-guard/core';

/** How bad it is when a probe gets through. */
export type Severity = 'high' | 'medium' | 'low';

/**
 * - `rebinding`: the server answers a host name it does not own; a rebound page can read and write it.
 * - `host-parsing`: ambiguous or malformed Host information is accepted.
 * - `csrf`: a state-changing request from a foreign or opaque origin is accepted.
 * - `websocket`: a cross-site WebSocket handshake is accepted.
 * - `auth`: a missing, malformed, duplicated or illegitimate Bearer token is accepted.
 */
export type Category = 'rebinding' | 'host-parsing' | 'csrf' | 'websocket' | 'auth';

/**
 * - `accepted`: the server answered the attack with 2xx/3xx (101 for an upgrade) — it got through.
 * - `blocked`: 4xx/5xx or the connection was closed.
 * - `inconclusive`: the legitimate control request for the same route failed too, so the attack
 *   proves nothing there (wrong method, missing token, no WebSocket endpoint…).
 * - `error`: no answer within the timeout, or the connection failed.
 */
export type Verdict = 'accepted' | 'blocked' | 'inconclusive' | 'error';

/** A request as shown in reports (tokens redacted). */
export interface RequestEvidence {
  readonly method: string;
  readonly target: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: readonly (readonly [string, string])[];
}

/** A response as shown in reports. `status` is `null` when the server closed the connection or timed out. */
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

/** One probe's outcome. */
export interface ProbeResult {
  /** Stable probe id, e.g. `host-foreign`. */
  readonly id: string;
  readonly title: string;
  readonly category: Category;
  readonly severity: Severity;
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

/** What the spec's `servers` say versus what the server does. */
export interface SpecFinding {
  readonly id: 'spec-documented-host-refused' | 'spec-undocumented-host-accepted';
  readonly severity: Severity;
  readonly host: string;
  readonly message: string;
  readonly docs: string;
  readonly response?: ResponseEvidence | undefined;
}

/** The spec part of a report. */
export interface SpecReport {
  readonly file: string;
  readonly title?: string | undefined;
  readonly operations: number;
  readonly serverHosts: readonly { readonly host: string; readonly answered: boolean; readonly status: number | null }[];
  readonly findings: readonly SpecFinding[];
}

/** Counts of a report. */
export interface ProbeSummary {
  readonly total: number;
  readonly accepted: number;
  readonly blocked: number;
  readonly inconclusive: number;
  readonly errors: number;
  readonly acceptedBySeverity: Readonly<Record<Severity, number>>;
  /** `true` when at least one attack got through. */
  readonly vulnerable: boolean;
}

/** The complete result of `rebind-guard probe`. */
export interface ProbeReport {
  readonly tool: { readonly name: 'rebind-guard'; readonly version: string };
  readonly target: string;
  /** `host:port` actually connected to. */
  readonly connectedTo: string;
  readonly foreignHost: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly baseline: { readonly operation: string; readonly response: ResponseEvidence };
  readonly results: readonly ProbeResult[];
  /** Probes that were not run, and why (e.g. auth probes without a token). */
  readonly skipped: readonly string[];
  readonly spec?: SpecReport | undefined;
  readonly summary: ProbeSummary;
}
