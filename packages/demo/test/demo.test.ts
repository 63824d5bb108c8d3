import { describe, expect, it } from 'vitest';
import { createStyle } from '@rebind-guard/cli';
import { formatTable, INTRO, runDemo, wrapLine } from '../src/demo.js';

describe('the demo (npm start)', () => {
  it(
    'lints, probes every framework with no checks, as the Flask port and protected, and prints the table',
    { timeout: 90_000 },
    async () => {
      let output = '';
      const result = await runDemo({ out: { write: (text: string) => (output += text) }, style: createStyle(false) });
      expect(result.durationMs).toBeLessThan(60_000);
      expect(result.runs.map((run) => `${run.framework}/${run.variant}`)).toEqual([
        'express/naive',
        'express/unprotected',
        'express/protected',
        'koa/naive',
        'koa/unprotected',
        'koa/protected',
        'fastify/naive',
        'fastify/unprotected',
        'fastify/protected',
      ]);
      for (const run of result.runs) {
        const accepted = run.report.results.filter((probe) => probe.verdict === 'accepted').map((probe) => probe.id);
        const label = `${run.framework} ${run.variant}`;
        if (run.variant === 'protected') expect(accepted, label).toEqual([]);
        else if (run.variant === 'naive') {
          // The headline: the rebinding request itself gets through where nothing checks Host.
          expect(accepted, label).toEqual(expect.arrayContaining(['host-foreign', 'origin-foreign', 'auth-missing']));
        } else {
          // The Flask port's own mistakes, found in every port; its host allowlist stops the plain rebind.
          expect(accepted, label).toEqual(
            expect.arrayContaining(['origin-lookalike', 'auth-malformed', 'host-duplicate']),
          );
          expect(accepted, label).not.toContain('host-foreign');
        }
        expect(run.report.summary.errors).toBe(0);
      }
      // The lint step finds the seed's mistakes in the Flask ports, the missing Host check in the
      // no-checks versions, and nothing in the protected ones.
      const lint = result.lint ?? [];
      for (const framework of ['express', 'koa', 'fastify']) {
        const rules = (variant: string) =>
          new Set(
            lint.filter((finding) => finding.file === `${framework}/${variant}.js`).map((finding) => finding.ruleId),
          );
        expect(rules('unprotected').has('@rebind-guard/no-substring-origin-check'), framework).toBe(true);
        expect(rules('unprotected').has('@rebind-guard/no-manual-bearer-parsing'), framework).toBe(true);
        expect(rules('naive').has('@rebind-guard/require-host-validation'), framework).toBe(true);
        expect(rules('protected').size, framework).toBe(0);
      }
      expect(output).toContain(INTRO.join('\n'));
      expect(output).toMatch(/1\. Lint/);
      expect(output).toMatch(/probe\s+route\s+no checks\s+Flask port\s+rebind-guard/);
      // The first row of the table is the DNS rebinding: accepted with no checks, blocked otherwise.
      const rows = output.slice(output.indexOf('probe  ')).split('\n');
      expect(rows[2]).toMatch(/^host-foreign\s+GET \/protected\s+ACCEPTED\s+blocked\s+blocked$/);
      expect(output).toMatch(/origin-lookalike\s+POST \/admin\/delete\s+ACCEPTED\s+ACCEPTED\s+blocked/);
      expect(output).toMatch(/Left out, n\/a on every server: websocket-foreign-origin GET \/protected/);
      expect(output).toContain('express protected      nothing got through');
      expect(output).not.toContain('\u001b[');
      expect(Math.max(...output.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
      expect(INTRO).toHaveLength(5);
    },
  );

  it('formats an empty table without crashing', () => {
    expect(formatTable([], createStyle(false))).toContain('probe');
  });

  it('wrapLine keeps the leading spaces and indents continuation lines', () => {
    const long = `     12:3  rule  ${'word '.repeat(30).trim()}`;
    const lines = wrapLine(long, '       ');
    expect(lines[0]?.startsWith('     12:3  rule  word')).toBe(true);
    expect(lines.slice(1).every((line) => line.startsWith('       word'))).toBe(true);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(100);
  });
});
