import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStyle, formatHuman, formatJson, runProbe, toSarif, type ProbeReport } from '../src/index.js';
import { startFixture, startGuarded, AUDIENCE, SECRET, TRUSTED, type Running } from './servers.js';

// The official OASIS SARIF 2.1.0 schema (see fixtures/sarif-schema-2.1.0.SOURCE.md).
const schema = JSON.parse(readFileSync(new URL('fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;

function sarifValidator() {
  // ajv is CommonJS: under NodeNext its class is the `default` of the imported module.
  const ajv = new AjvModule.default({ strict: false, allErrors: true });
  // ajv-formats is not installed; these are the formats the SARIF schema uses.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'http://base.invalid/'));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value));
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
      runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; kind: string; level: string; ruleIndex: number }[] }[];
    };
    const run = log.runs[0];
    const rules = run?.tool.driver.rules ?? [];
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    expect(rules.find((rule) => rule.id === 'host-foreign')?.helpUri).toBe('https://rebind-guard.dev/reference/result-codes#host_not_allowed');
    const foreign = run?.results.find((result) => result.ruleId === 'host-foreign');
    expect(foreign).toMatchObject({ kind: 'fail', level: 'error' });
    expect(rules[foreign?.ruleIndex ?? -1]?.id).toBe('host-foreign');
    const cleanLog = toSarif(clean) as typeof log;
    expect(cleanLog.runs[0]?.results.every((result) => result.kind !== 'fail')).toBe(true);
  });
});

describe('JSON output', () => {
  it('is one JSON document with the documented shape', () => {
    const parsed = JSON.parse(formatJson(vulnerable)) as ProbeReport;
    expect(parsed.tool.name).toBe('rebind-guard');
    expect(parsed).toHaveProperty('baseline.response.status', 200);
    expect(parsed.summary).toMatchObject({ vulnerable: true, errors: 0 });
    expect(parsed.summary.total).toBe(parsed.results.length);
    const result = parsed.results[0];
    expect(Object.keys(result ?? {}).sort()).toEqual(
      ['category', 'code', 'controlStatus', 'docs', 'id', 'operation', 'reason', 'request', 'response', 'severity', 'title', 'verdict'].sort(),
    );
    expect(result?.response).toHaveProperty('bodyStart');
    expect(['accepted', 'blocked', 'inconclusive', 'error']).toContain(result?.verdict);
  });
});

describe('human output', () => {
  it('shows verdicts, severity, evidence and the fix link; colours only when asked', () => {
    const plain = formatHuman(vulnerable, createStyle(false));
    expect(plain).toContain('ACCEPTED');
    expect(plain).toContain('host-foreign');
    expect(plain).toContain('evidence: 200 OK');
    expect(plain).toContain('fix: https://rebind-guard.dev/reference/result-codes#host_not_allowed');
    expect(plain).toMatch(/VULNERABLE: \d+ accepted \(\d+ high/);
    expect(plain).not.toContain('\u001b[');
    expect(formatHuman(vulnerable, createStyle(true))).toContain('\u001b[31m');
    expect(formatHuman(clean, createStyle(false))).toContain('Nothing got through');
  });
});
