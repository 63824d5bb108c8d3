import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const packages = ['core', 'express', 'koa', 'fastify', 'eslint-plugin', 'cli'] as const;
const require = createRequire(import.meta.url);

/** What each package must export, by name, to both ESM and CommonJS consumers. */
const expectedExports: Record<(typeof packages)[number], string[]> = {
  core: ['createGuard', 'parseHost', 'parseBearer', 'LOOPBACK_HOSTS', 'RESULT_CODES', 'problemResponse'],
  express: ['rebindGuard', 'requireScopes', 'guardUpgrades', 'default'],
  koa: ['rebindGuard', 'requireScopes', 'guardUpgrades', 'default'],
  fastify: ['rebindGuard', 'default'],
  'eslint-plugin': ['default'],
  cli: ['runCli', 'runProbe', 'formatSarif'],
};

describe.each(packages)('@rebind-guard/%s packaging', (name) => {
  const id = `@rebind-guard/${name}`;

  it('is ESM with an exports map of types + default and ships only dist', () => {
    const manifest = JSON.parse(readFileSync(require.resolve(`${id}/package.json`), 'utf8')) as {
      type: string;
      sideEffects: boolean;
      files: string[];
      exports: Record<string, unknown>;
    };
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.files).toContain('dist');
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(manifest.exports['./package.json']).toBe('./package.json');
  });

  it('imports as ESM', async () => {
    const module = (await import(id)) as Record<string, unknown>;
    for (const exported of expectedExports[name]) expect(module[exported], exported).toBeDefined();
  });

  it('loads with require() on Node >= 20.19 (require(esm))', () => {
    const script = `const m = require(${JSON.stringify(id)}); process.stdout.write(JSON.stringify(Object.keys(m)));`;
    const output = execFileSync(process.execPath, ['--no-warnings', '-e', script], { encoding: 'utf8' });
    const keys = JSON.parse(output) as string[];
    for (const exported of expectedExports[name]) expect(keys).toContain(exported);
  });
});
