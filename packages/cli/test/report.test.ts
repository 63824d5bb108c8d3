import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStyle, formatHuman, formatJson, runProbe, toSarif, type ProbeReport } from '../src/index.js';
import { wrap } from '../src/report/human.js';
import { startFixture, startGuarded, AUDIENCE, SECRET, TRUSTED, type Running } from './servers.js';

// The official OASIS SARIF 2.1.0 schema (see fixtures/sarif-schema-2.1.0.SOURCE.md).
const schema = JSON.parse(readFileSync(new URL('fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;

function sarifValidator() {
  // ajv is CommonJS: under NodeNext its class is the `default` of the imported module.
  const ajv = new AjvModule.default({ strict: false, allErrors: true });
  // ajv-formats is not installed; these are the formats the SARIF schema uses.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'http://base.invalid/'));
  ajv.addFormat('date-time', (value: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value),
  );
  return ajv.compile(schema);
}

let vulnerable: ProbeReport;
let clean: ProbeReport;
const servers: Running[] = [];

beforeAll(async () => {
  const open = await startFixture('any-host');
  const guarded = await startGuarded('express');
  servers.push(open, guarded);
  vulnerable = await runProbe({ url: open.url });
  clean = await runProbe({ url: guarded.url, key: SECRET, audience: AUDIENCE, origins: [TRUSTED] });
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('SARIF output', () => {
  it('validates against the official SARIF 2.1.0 schema (vulnerable and clean runs)', () => {
    const validate = sarifValidator();
    for (const report of [vulnerable, clean]) {
      const log = toSarif(report, 'rebind-guard probe http://127.0.0.1/');
      const valid = validate(log);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('the schema really rejects malformed logs (the validator is not vacuous)', () => {
    const validate = sarifValidator();
    const log = toSarif(vulnerable) as { runs: { results: { level: string }[] }[] };
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    const broken = structuredClone(log);
    const first = broken.runs[0]?.results[0];
    if (first !== undefined) first.level = 'critical';
    expect(validate(broken)).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it('has one rule per probe id with help links, and fail results for accepted probes', () => {
    const log = toSarif(vulnerable) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string }[] } };
        results: { ruleId: string; kind: string; level: string; ruleIndex: number }[];
      }[];
    };
    const run = log.runs[0];
    const rules = run?.tool.driver.rules ?? [];
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    expect(rules.find((rule) => rule.id === 'host-foreign')?.helpUri).toBe(
      'https://rebind-guard.dev/reference/result-codes#host_not_allowed',
    );
    const foreign = run?.results.find((result) => result.ruleId === 'host-foreign');
    expect(foreign).toMatchObject({ kind: 'fail', level: 'error' });
    expect(rules[foreign?.ruleIndex ?? -1]?.id).toBe('host-foreign');
    expect(run?.results.find((result) => result.ruleId === 'host-duplicate')).toMatchObject({
      kind: 'fail',
      level: 'warning',
    });
    // Only findings are results: code scanning turns every result into an alert, whatever its kind.
    expect(run?.results.every((result) => result.kind === 'fail')).toBe(true);
    expect(run?.results).toHaveLength(vulnerable.summary.accepted);
    const cleanLog = toSarif(clean) as typeof log;
    expect(cleanLog.runs[0]?.results).toEqual([]);
  });

  // https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
  it('has the properties GitHub code scanning requires', () => {
    interface GitHubSarif {
      version: string;
      runs: {
        tool: {
          driver: {
            name: string;
            rules: {
              id: string;
              shortDescription: { text: string };
              fullDescription: { text: string };
              help: { text: string };
              properties: Record<string, unknown>;
            }[];
          };
        };
        results: {
          ruleId: string;
          level: string;
          message: { text: string };
          partialFingerprints: Record<string, string>;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }[];
      }[];
    }
    const log = toSarif(vulnerable) as unknown as GitHubSarif;
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe('rebind-guard');
    expect(run?.results.length).toBeGreaterThan(0);
    for (const rule of run?.tool.driver.rules ?? []) {
      expect(rule.id).toMatch(/^[a-z-]+$/);
      for (const text of [rule.shortDescription.text, rule.fullDescription.text, rule.help.text])
        expect(text.length).toBeGreaterThan(0);
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
    }
    for (const result of run?.results ?? []) {
      expect(run?.tool.driver.rules.some((rule) => rule.id === result.ruleId)).toBe(true);
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(Object.keys(result.partialFingerprints).length).toBeGreaterThan(0);
      // At least one and at most ten locations, each a physical location with a start line.
      expect(result.locations.length).toBeGreaterThanOrEqual(1);
      expect(result.locations.length).toBeLessThanOrEqual(10);
      for (const location of result.locations) {
        expect(location.physicalLocation.artifactLocation.uri.length).toBeGreaterThan(0);
        expect(location.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
      }
    }
  });
});

describe('JSON output', () => {
  it('is one JSON document with the documented shape', () => {
    const parsed = JSON.parse(formatJson(vulnerable)) as ProbeReport;
    expect(parsed.tool.name).toBe('rebind-guard');
    expect(parsed).toHaveProperty('baseline.response.status', 200);
    expect(parsed.summary).toMatchObject({
      vulnerable: true,
      errors: 0,
      acceptedByClass: { 'browser-reachable': 3, hardening: 5 },
    });
    expect(parsed.mode).toEqual({ unsafe: false, strict: false });
    expect(parsed.summary.total).toBe(parsed.results.length);
    const result = parsed.results[0];
    expect(Object.keys(result ?? {}).sort()).toEqual(
      [
        'category',
        'class',
        'code',
        'controlStatus',
        'docs',
        'id',
        'operation',
        'reason',
        'request',
        'response',
        'severity',
        'title',
        'verdict',
      ].sort(),
    );
    expect(result?.response).toHaveProperty('bodyStart');
    expect(['accepted', 'blocked', 'inconclusive', 'error']).toContain(result?.verdict);
    expect(['browser-reachable', 'hardening']).toContain(result?.class);
  });
});

describe('human output', () => {
  it('fits 100 columns, long reasons and notes wrapped', () => {
    for (const report of [vulnerable, clean]) {
      const lines = formatHuman(report, createStyle(false)).split('\n');
      expect(Math.max(...lines.map((text) => text.length))).toBeLessThanOrEqual(100);
    }
    // The longest reason (host-foreign) is wrapped onto an indented continuation line.
    expect(formatHuman(vulnerable, createStyle(false))).toMatch(/why it matters: no Host check at all[^\n]*\n {8}\S/);
  });

  it('wrap keeps column padding and never splits a word', () => {
    expect(wrap('high   host-foreign   GET /', 100, '')).toEqual(['high   host-foreign   GET /']);
    expect(wrap('aaa bbb ccc', 7, '  ', '')).toEqual(['aaa bbb', '  ccc']);
    expect(wrap('aaa bbb ccc', 6, '  ', '')).toEqual(['aaa', '  bbb', '  ccc']);
    expect(wrap('see https://rebind-guard.dev/a/very/long/url', 10, '  ', '')).toEqual([
      'see',
      '  https://rebind-guard.dev/a/very/long/url',
    ]);
  });

  it('shows verdicts, severity, evidence and the fix link; colours only when asked', () => {
    const plain = formatHuman(vulnerable, createStyle(false));
    expect(plain).toContain('ACCEPTED');
    expect(plain).toContain('host-foreign');
    expect(plain).toContain('evidence: 200 OK');
    expect(plain).toContain('fix: https://rebind-guard.dev/reference/result-codes#host_not_allowed');
    expect(plain).toMatch(/VULNERABLE: 3 browser-reachable attacks got through, 5 hardening findings/);
    expect(plain).toMatch(/^Browser-reachable: [\s\S]*^Hardening: /m);
    expect(plain).toContain('Safe mode: only GET, HEAD and OPTIONS');
    expect(plain).not.toContain('\u001b[');
    expect(formatHuman(vulnerable, createStyle(true))).toContain('\u001b[31m');
    expect(formatHuman(clean, createStyle(false))).toContain('Nothing got through');
  });
});
