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
  const rules: Rule[] = [];
  const index = new Map<string, number>();
  const ruleIndex = (rule: Rule): number => {
    const existing = index.get(rule.id);
    if (existing !== undefined) return existing;
    rules.push(rule);
    index.set(rule.id, rules.length - 1);
    return rules.length - 1;
  };
  // Code scanning needs a physical location with a region on every result. The probe has no
  // source line: results point at the OpenAPI document when there is one (a file in the
  // repository), else at the probed URL.
  const region = { startLine: 1 };
  const location = (operation: string): Record<string, unknown> => {
    const path = operation.split(' ')[1] ?? '/';
    const uri = report.spec?.file ?? new URL(path.startsWith('/') ? path : '/', report.target).href;
    return {
      physicalLocation: { artifactLocation: { uri }, region },
      logicalLocations: [{ name: operation, kind: 'resource' }],
    };
  };
  const results: Record<string, unknown>[] = [];
  for (const result of report.results) {
    if (result.verdict !== 'accepted') continue;
    const response = result.response;
    results.push({
      ruleId: result.id,
      ruleIndex: ruleIndex(probeRule(result)),
      kind: 'fail',
      level: CLASS_LEVEL[result.class],
      message: {
        text: `${result.operation}: ${result.title} — accepted (${result.class}): ${result.reason}. Fix: ${result.docs}`,
      },
      locations: [location(result.operation)],
      partialFingerprints: { probe: `${result.id}:${result.operation}` },
      webRequest: {
        protocol: 'http',
        version: result.request.httpVersion,
        target: result.request.target,
        method: result.request.method,
        headers: headerRecord(result.request.headers),
      },
      webResponse:
        response.status === null
          ? { noResponseReceived: true }
          : {
              protocol: 'http',
              statusCode: response.status,
              reasonPhrase: response.reason,
              headers: { ...response.headers },
              body: { text: response.bodyStart },
            },
      properties: {
        severity: result.severity,
        class: result.class,
        category: result.category,
        verdict: result.verdict,
        resultCode: result.code,
      },
    });
  }
  for (const finding of report.spec?.findings ?? []) {
    results.push({
      ruleId: finding.id,
      ruleIndex: ruleIndex(specRule(finding)),
      kind: 'fail',
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: report.spec?.file ?? 'openapi' }, region },
          logicalLocations: [{ name: `servers: ${finding.host}`, kind: 'resource' }],
        },
      ],
      partialFingerprints: { probe: `${finding.id}:${finding.host}` },
      properties: { severity: finding.severity, host: finding.host },
    });
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
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
      },
    ],
  };
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
