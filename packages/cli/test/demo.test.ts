import { describe, expect, it } from 'vitest';
import { createStyle, runDemo } from '../src/index.js';
import { formatTable } from '../src/demo.js';

describe('rebind-guard demo (npm start)', () => {
  it('lints, probes every framework unprotected and protected, and prints the table', { timeout: 90_000 }, async () => {
    let output = '';
    const result = await runDemo({ out: { write: (text: string) => (output += text) }, style: createStyle(false) });
    expect(result.durationMs).toBeLessThan(60_000);
    expect(result.runs.map((run) => `${run.framework}/${run.variant}`)).toEqual([
      'express/unprotected',
      'express/protected',
      'koa/unprotected',
      'koa/protected',
      'fastify/unprotected',
      'fastify/protected',
    ]);
    for (const run of result.runs) {
      const accepted = run.report.results.filter((probe) => probe.verdict === 'accepted').map((probe) => probe.id);
      if (run.variant === 'protected') expect(accepted, `${run.framework} protected`).toEqual([]);
      else {
        // The seed's mistakes, found by the probe in every port.
        expect(accepted, `${run.framework} unprotected`).toEqual(expect.arrayContaining(['origin-lookalike', 'auth-malformed', 'host-duplicate']));
      }
      expect(run.report.summary.errors).toBe(0);
    }
    // The lint step finds the seed's mistakes in the unprotected sources only.
    const lint = result.lint ?? [];
    for (const framework of ['express', 'koa', 'fastify']) {
      const rules = new Set(lint.filter((finding) => finding.file === `${framework}/unprotected.js`).map((finding) => finding.ruleId));
      expect(rules.has('@rebind-guard/no-substring-origin-check'), framework).toBe(true);
      expect(rules.has('@rebind-guard/no-manual-bearer-parsing'), framework).toBe(true);
      expect(lint.filter((finding) => finding.file === `${framework}/protected.js`), framework).toEqual([]);
    }
    expect(output).toMatch(/1\. Lint/);
    expect(output).toMatch(/probe \/ route\s+before\s+after/);
    expect(output).toMatch(/origin-lookalike\s+POST \/admin\/delete\s+ACCEPTED\s+blocked/);
    expect(output).toContain('express protected      nothing got through');
    expect(output).not.toContain('\u001b[');
  });

  it('formats an empty table without crashing', () => {
    expect(formatTable([], createStyle(false))).toContain('probe / route');
  });
});
