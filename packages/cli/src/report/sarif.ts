/**
 * `--sarif FILE`: the report as a SARIF 2.1.0 log for GitHub code scanning and other viewers: one
 * rule per probe id, one result per attack that got through (`level` error when browser-reachable,
 * warning for hardening), with the attack request and the server's response attached as
 * `webRequest` / `webResponse`. Blocked and inconclusive probes are counted in the run's
 * `properties.summary`, not listed as results, because code scanning shows every result as an
 * alert whatever its `kind`.
 *
 * @packageDocumentation
 */
import { DOCS_URL } from '@rebind-guard/core';
import type { FindingClass, ProbeReport, ProbeResult, Severity, SpecFinding } from '../probe/types.js';

/** The SARIF 2.1.0 schema URI written into `$schema`. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note' | 'none';
const LEVEL: Readonly<Record<Severity, Level>> = { high: 'error', medium: 'warning', low: 'note' };
const CLASS_LEVEL: Readonly<Record<FindingClass, Level>> = { 'browser-reachable': 'error', hardening: 'warning' };
// GitHub code scanning reads `security-severity` (0–10) from rule properties.
const SCORE: Readonly<Record<Severity, string>> = { high: '8.1', medium: '5.4', low: '3.1' };

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string };
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; 'security-severity': string; precision: string };
}

function ruleName(id: string): string {
  return id
    .split('-')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('');
}

function probeRule(result: ProbeResult): Rule {
  return {
    id: result.id,
    name: ruleName(result.id),
    shortDescription: { text: result.title },
    fullDescription: {
      text: `${result.title} (${result.class === 'browser-reachable' ? 'browser-reachable: a web page can send this request' : 'hardening: no browser can send this request'}). Blocked by rebind-guard with result code ${result.code}.`,
    },
    helpUri: result.docs,
    help: { text: `See ${result.docs} for what the ${result.code} rejection means and how to fix the server.` },
    defaultConfiguration: { level: CLASS_LEVEL[result.class] },
    properties: {
      tags: ['security', result.category, result.class],
      'security-severity': SCORE[result.severity],
      precision: 'high',
    },
  };
}

function specRule(finding: SpecFinding): Rule {
  const refused = finding.id === 'spec-documented-host-refused';
  const text = refused
    ? 'A host documented in the OpenAPI servers list is refused'
    : 'A host missing from the OpenAPI servers list is accepted';
  return {
    id: finding.id,
    name: ruleName(finding.id),
    shortDescription: { text },
    fullDescription: { text: `${text}: the spec and the server's host allowlist disagree.` },
    helpUri: finding.docs,
    help: { text: `See ${finding.docs}.` },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: { tags: ['security', 'openapi'], 'security-severity': SCORE[finding.severity], precision: 'high' },
  };
}

function headerRecord(headers: readonly (readonly [string, string])[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of headers) record[name] = name in record ? `${record[name] ?? ''}, ${value}` : value;
  return record;
}

/** The rules of a run, each added once, in order of first use; `indexOf` is the `ruleIndex` of a result. */
function ruleTable(): { readonly rules: Rule[]; indexOf(rule: Rule): number } {
  const rules: Rule[] = [];
  const index = new Map<string, number>();
  return {
    rules,
    indexOf(rule) {
      const existing = index.get(rule.id);
      if (existing !== undefined) return existing;
      rules.push(rule);
      index.set(rule.id, rules.length - 1);
      return rules.length - 1;
    },
  };
}

type RuleIndex = (rule: Rule) => number;

// Code scanning needs a physical location with a region on every result. The probe has no source
// line: results point at the OpenAPI document when there is one (a file in the repository), else
// at the probed URL.
const REGION = { startLine: 1 };

function location(report: ProbeReport, operation: string): Record<string, unknown> {
  const path = operation.split(' ')[1] ?? '/';
  const uri = report.spec?.file ?? new URL(path.startsWith('/') ? path : '/', report.target).href;
  return {
    physicalLocation: { artifactLocation: { uri }, region: REGION },
    logicalLocations: [{ name: operation, kind: 'resource' }],
  };
}

function webResponse(response: ProbeResult['response']): Record<string, unknown> {
  if (response.status === null) return { noResponseReceived: true };
  return {
    protocol: 'http',
    statusCode: response.status,
    reasonPhrase: response.reason,
    headers: { ...response.headers },
    body: { text: response.bodyStart },
  };
}

/** What every result has: its rule, `kind: 'fail'`, level, message, one location and a fingerprint. */
function failResult(
  rule: Rule,
  ruleIndex: RuleIndex,
  level: Level,
  text: string,
  where: Record<string, unknown>,
  fingerprint: string,
): Record<string, unknown> {
  return {
    ruleId: rule.id,
    ruleIndex: ruleIndex(rule),
    kind: 'fail',
    level,
    message: { text },
    locations: [where],
    partialFingerprints: { probe: fingerprint },
  };
}

/** An accepted probe as a `fail` result, with the attack request and the response attached. */
function probeResult(report: ProbeReport, result: ProbeResult, ruleIndex: RuleIndex): Record<string, unknown> {
  return {
    ...failResult(
      probeRule(result),
      ruleIndex,
      CLASS_LEVEL[result.class],
      `${result.operation}: ${result.title} — accepted (${result.class}): ${result.reason}. Fix: ${result.docs}`,
      location(report, result.operation),
      `${result.id}:${result.operation}`,
    ),
    webRequest: {
      protocol: 'http',
      version: result.request.httpVersion,
      target: result.request.target,
      method: result.request.method,
      headers: headerRecord(result.request.headers),
    },
    webResponse: webResponse(result.response),
    properties: {
      severity: result.severity,
      class: result.class,
      category: result.category,
      verdict: result.verdict,
      resultCode: result.code,
    },
  };
}

/** A spec finding as a `fail` result located at the spec's `servers` entry. */
function specResult(report: ProbeReport, finding: SpecFinding, ruleIndex: RuleIndex): Record<string, unknown> {
  const where = {
    physicalLocation: { artifactLocation: { uri: report.spec?.file ?? 'openapi' }, region: REGION },
    logicalLocations: [{ name: `servers: ${finding.host}`, kind: 'resource' }],
  };
  return {
    ...failResult(
      specRule(finding),
      ruleIndex,
      LEVEL[finding.severity],
      finding.message,
      where,
      `${finding.id}:${finding.host}`,
    ),
    properties: { severity: finding.severity, host: finding.host },
  };
}

/** The one run of the log: tool and rules, invocation, results and the report's summary. */
function sarifRun(
  report: ProbeReport,
  commandLine: string | undefined,
  rules: readonly Rule[],
  results: readonly Record<string, unknown>[],
): Record<string, unknown> {
  return {
    tool: {
      driver: {
        name: 'rebind-guard',
        semanticVersion: report.tool.version,
        version: report.tool.version,
        informationUri: DOCS_URL,
        rules,
      },
    },
    invocations: [
      {
        executionSuccessful: true,
        ...(commandLine === undefined ? {} : { commandLine }),
        startTimeUtc: report.startedAt,
        exitCode: report.summary.vulnerable ? 1 : 0,
      },
    ],
    automationDetails: { id: `rebind-guard/probe/${report.target}` },
    columnKind: 'utf16CodeUnits',
    results,
    properties: {
      target: report.target,
      connectedTo: report.connectedTo,
      foreignHost: report.foreignHost,
      mode: report.mode,
      summary: report.summary,
    },
  };
}

/**
 * Builds the SARIF 2.1.0 log object for a report; `commandLine` is recorded in the run's
 * invocation.
 *
 * @example
 * ```ts
 * import { runProbe, toSarif } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * const log = toSarif(report, 'rebind-guard probe http://localhost:3000/');
 * console.log(log.version); // '2.1.0'
 * ```
 */
export function toSarif(report: ProbeReport, commandLine?: string): Record<string, unknown> {
  const table = ruleTable();
  const ruleIndex = (rule: Rule): number => table.indexOf(rule);
  const results = [
    ...report.results
      .filter((result) => result.verdict === 'accepted')
      .map((result) => probeResult(report, result, ruleIndex)),
    ...(report.spec?.findings ?? []).map((finding) => specResult(report, finding, ruleIndex)),
  ];
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [sarifRun(report, commandLine, table.rules, results)] };
}

/**
 * The SARIF log as indented JSON text (what `--sarif FILE` writes), e.g. for GitHub code scanning.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { formatSarif, runProbe } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * await writeFile('rebind-guard.sarif', formatSarif(report, 'rebind-guard probe http://localhost:3000/'));
 * ```
 */
export function formatSarif(report: ProbeReport, commandLine?: string): string {
  return `${JSON.stringify(toSarif(report, commandLine), null, 2)}\n`;
}
