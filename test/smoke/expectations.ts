/**
 * Assertions shared by the smoke tests (packed.test.ts on the current majors, majors.test.ts on the
 * previous ones): what a consumer project must observe whatever framework or ESLint major it runs.
 */
import { expect } from 'vitest';
import type { ServersOutput } from './consumer.js';

/** What LINT_SCRIPT prints. */
export interface LintOutput {
  version: string;
  results: Record<string, { ruleId: string | null; line: number; fatal: boolean }[]>;
  cjsConfig: Record<string, { ruleId: string | null; line: number; fatal: boolean }[]>;
}

/**
 * The plugin's `recommended` config reports exactly the three mistakes of lint/bad.js and nothing
 * in lint/good.js, whether it came from `import` or from an `eslint.config.cjs` that `require()`s it.
 */
export function expectLintFindings(output: LintOutput, majorPattern: RegExp): void {
  expect(output.version).toMatch(majorPattern);
  expect(output.results['good.js']).toEqual([]);
  expect(output.results['bad.js']?.map(({ ruleId, line }) => `${line} ${ruleId ?? 'fatal'}`)).toEqual([
    '4 @rebind-guard/no-jwt-none-algorithm',
    '8 @rebind-guard/no-substring-origin-check',
    '12 @rebind-guard/no-hardcoded-jwt-secret',
  ]);
  expect(output.cjsConfig, 'eslint.config.cjs with require() reports the same').toEqual(output.results);
}

/**
 * Every adapter lets an allowed request through, answers a rebinding Host with 403
 * `host_not_allowed` (without echoing it), exposes a valid token's claims, and refuses a token
 * issued for another audience with 401 `token_audience_invalid`.
 */
export function expectServed(results: ServersOutput): void {
  for (const framework of ['express', 'koa', 'fastify'] as const) {
    const result = results[framework];
    expect(result.allowed, framework).toMatchObject({ status: 200 });
    expect(JSON.parse(result.allowed.body), framework).toEqual({ ok: true, sub: null });
    expect(result.rebound, framework).toMatchObject({ status: 403, type: 'application/problem+json' });
    expect(JSON.parse(result.rebound.body), framework).toMatchObject({ code: 'host_not_allowed', status: 403 });
    expect(result.rebound.body, `${framework} does not echo the Host`).not.toContain('rebind.test');
    expect(result.token, framework).toMatchObject({ status: 200 });
    expect(JSON.parse(result.token.body), framework).toEqual({ ok: true, sub: 'alice' });
    expect(result.foreignToken, framework).toMatchObject({ status: 401, type: 'application/problem+json' });
    expect(JSON.parse(result.foreignToken.body), framework).toMatchObject({
      code: 'token_audience_invalid',
      status: 401,
    });
  }
}
