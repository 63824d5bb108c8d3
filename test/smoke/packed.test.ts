/**
 * Packed-package smoke test (issue #8): `npm pack` every package, install the tarballs into a fresh
 * project under os.tmpdir() (outside the workspace, so nothing resolves to the sources), then use
 * them the way a user would: ESM import, CommonJS require (require(esm)), a strict type-check of a
 * typed consumer, ESLint's Node API with the plugin's `recommended` config, and one tiny server per
 * adapter answering an allowed and a rebinding request.
 *
 * Needs `npm run build` first (CI runs it before the tests). The install is offline from the npm
 * cache this repository's install filled; if that fails it falls back to `--prefer-offline`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CJS_SCRIPT,
  CONSUMER_TS,
  ESM_SCRIPT,
  EXPECTED_EXPORTS,
  LINT_BAD_JS,
  LINT_GOOD_JS,
  LINT_SCRIPT,
  PACKAGES,
  SERVERS_SCRIPT,
  THIRD_PARTY,
  TSCONFIG,
} from './consumer.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The cli package is packed too once it builds. */
const packages: string[] = [...PACKAGES, ...(existsSync(join(root, 'packages/cli/dist/index.js')) ? ['cli'] : [])];

/**
 * Environment for npm and node children: npm's own `npm_*` variables from a surrounding
 * `npm run` (workspace, prefix, lifecycle) are dropped so they cannot redirect the install;
 * cache, registry and user config are kept.
 */
function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.toLowerCase().startsWith('npm_') && !keep.has(name.toLowerCase())) continue;
    env[name] = value;
  }
  return env;
}

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

let project = '';
const packed = new Map<string, PackResult>();
let installMode = '';

async function node(script: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--no-warnings', script], { cwd: project, env: childEnv(), maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as unknown;
}

beforeAll(async () => {
  for (const name of packages) {
    if (!existsSync(join(root, 'packages', name, 'dist'))) {
      throw new Error(`packages/${name}/dist is missing: run \`npm run build\` before the smoke test.`);
    }
  }
  project = mkdtempSync(join(tmpdir(), 'rebind-guard-smoke-'));
  const tarballs = join(project, 'tarballs');
  mkdirSync(tarballs);
  const env = childEnv();

  // `npm pack <folder>` from the temporary project: no workspace context can leak into the pack.
  const folders = packages.map((name) => join(root, 'packages', name));
  const { stdout } = await run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, ...folders], { cwd: project, env, maxBuffer: 16 * 1024 * 1024 });
  for (const result of JSON.parse(stdout) as PackResult[]) packed.set(result.name, result);

  const dependencies: Record<string, string> = { ...THIRD_PARTY };
  for (const result of packed.values()) dependencies[result.name] = `file:tarballs/${result.filename}`;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'rebind-guard-smoke-consumer',
        private: true,
        type: 'module',
        dependencies,
        // The adapters depend on @rebind-guard/core@0.1.0: use the packed one, not the registry's.
        overrides: { '@rebind-guard/core': '$@rebind-guard/core' },
      },
      null,
      2,
    ),
  );
  const install = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
  try {
    await run(npm, [...install, '--offline'], { cwd: project, env, maxBuffer: 16 * 1024 * 1024 });
    installMode = 'offline';
  } catch (offlineError) {
    console.warn(`smoke: offline install failed, retrying with --prefer-offline: ${String(offlineError).slice(0, 400)}`);
    await run(npm, [...install, '--prefer-offline'], { cwd: project, env, maxBuffer: 16 * 1024 * 1024 });
    installMode = 'prefer-offline';
  }

  writeFileSync(join(project, 'esm.mjs'), ESM_SCRIPT);
  writeFileSync(join(project, 'cjs.cjs'), CJS_SCRIPT);
  writeFileSync(join(project, 'tsconfig.json'), TSCONFIG);
  writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
  mkdirSync(join(project, 'lint'));
  writeFileSync(join(project, 'lint/bad.js'), LINT_BAD_JS);
  writeFileSync(join(project, 'lint/good.js'), LINT_GOOD_JS);
  writeFileSync(join(project, 'lint.mjs'), LINT_SCRIPT);
  writeFileSync(join(project, 'servers.mjs'), SERVERS_SCRIPT);
}, 300_000);

afterAll(() => {
  if (project !== '' && process.env.KEEP_SMOKE_PROJECT === undefined) rmSync(project, { recursive: true, force: true });
});

describe('packed packages in a fresh project', () => {
  it('packs every package with exactly what its `files` field declares (never src, tests or build info)', () => {
    expect([...packed.keys()].sort()).toEqual(packages.map((name) => `@rebind-guard/${name}`).sort());
    for (const name of packages) {
      const result = packed.get(`@rebind-guard/${name}`)!;
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { files: string[] };
      const paths = result.files.map((file) => file.path);
      expect(paths, result.name).toContain('package.json');
      expect(paths, result.name).toContain('dist/index.js');
      expect(paths, result.name).toContain('dist/index.d.ts');
      const declared = (path: string): boolean =>
        manifest.files.some((entry) => path === entry || path.startsWith(`${entry}/`)) || /^(package\.json|README(\.md)?|LICENSE(\.md)?|CHANGELOG\.md)$/i.test(path);
      expect(paths.filter((path) => !declared(path)), `${result.name} ships only its files`).toEqual([]);
      expect(paths.filter((path) => /^(src|test)\/|\.test\.|tsbuildinfo$/.test(path)), result.name).toEqual([]);
    }
  });

  it('installs from the tarballs with a single copy of @rebind-guard/core', () => {
    expect(['offline', 'prefer-offline']).toContain(installMode);
    for (const name of packages) expect(existsSync(join(project, 'node_modules/@rebind-guard', name, 'package.json')), name).toBe(true);
    for (const name of packages) {
      const nested = join(project, 'node_modules/@rebind-guard', name, 'node_modules/@rebind-guard');
      expect(existsSync(nested) ? readdirSync(nested) : [], `${name} has no nested @rebind-guard copy`).toEqual([]);
    }
  });

  it('imports every package and entry point as ESM', async () => {
    const exports = (await node('esm.mjs')) as Record<string, string[]>;
    for (const [id, names] of Object.entries(EXPECTED_EXPORTS)) {
      for (const name of names) expect(exports[id], `${id} exports ${name}`).toContain(name);
    }
    expect(exports.pluginConfigs).toEqual(['recommended', 'strict']);
  });

  it('requires every package and entry point from CommonJS (require(esm))', async () => {
    const exports = (await node('cjs.cjs')) as Record<string, string[]>;
    for (const [id, names] of Object.entries(EXPECTED_EXPORTS)) {
      for (const name of names) expect(exports[id], `${id} exports ${name}`).toContain(name);
    }
  });

  it('type-checks a strict consumer with typed claims for every adapter (tsc --noEmit)', async () => {
    const output = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, env: childEnv() }).then(
      () => '',
      (error: unknown) => {
        const failed = error as { stdout?: string; stderr?: string };
        return `${failed.stdout ?? ''}${failed.stderr ?? ''}` || String(error);
      },
    );
    expect(output).toBe('');
  }, 180_000);

  it('lints through the ESLint Node API with the plugin\'s flat recommended config', async () => {
    const { version, results } = (await node('lint.mjs')) as {
      version: string;
      results: Record<string, { ruleId: string | null; line: number; fatal: boolean }[]>;
    };
    expect(version).toMatch(/^10\./);
    expect(results['good.js']).toEqual([]);
    expect(results['bad.js']?.map(({ ruleId, line }) => `${line} ${ruleId ?? 'fatal'}`)).toEqual([
      '4 @rebind-guard/no-jwt-none-algorithm',
      '8 @rebind-guard/no-substring-origin-check',
      '12 @rebind-guard/no-hardcoded-jwt-secret',
    ]);
  }, 60_000);

  it('serves with every adapter: an allowed request passes, a rebinding Host gets 403', async () => {
    const results = (await node('servers.mjs')) as Record<string, { allowed: { status: number; body: string }; rebound: { status: number; type: string; body: string } }>;
    for (const framework of ['express', 'koa', 'fastify']) {
      const result = results[framework];
      expect(result?.allowed, framework).toMatchObject({ status: 200 });
      expect(JSON.parse(result!.allowed.body), framework).toEqual({ ok: true });
      expect(result?.rebound, framework).toMatchObject({ status: 403, type: 'application/problem+json' });
      expect(JSON.parse(result!.rebound.body), framework).toMatchObject({ code: 'host_not_allowed', status: 403 });
      expect(result!.rebound.body, `${framework} does not echo the Host`).not.toContain('rebind.test');
    }
  }, 60_000);

  it.skipIf(!packages.includes('cli'))('installs the cli with its bin', async () => {
    expect(existsSync(join(project, 'node_modules/.bin/rebind-guard'))).toBe(true);
    const script = "const m = await import('@rebind-guard/cli'); process.stdout.write(JSON.stringify(Object.keys(m)));";
    const { stdout } = await run(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { cwd: project, env: childEnv() });
    expect(Array.isArray(JSON.parse(stdout))).toBe(true);
  });
});
