/**
 * Packed-package smoke test (issues 8 and 13): `npm pack` every package, install the tarballs into a
 * fresh project under os.tmpdir() (outside the workspace, so nothing resolves to the sources) next to
 * the current majors (Express 5, Koa 3, Fastify 5, ESLint 10), then use them the way a user would:
 * ESM import, CommonJS require (require(esm)), a strict type-check of a typed consumer and of a
 * `moduleResolution: node10` one, ESLint with the plugin's `recommended` config (imported, and
 * from an `eslint.config.cjs`), and one tiny server per adapter. majors.test.ts does the same on the
 * previous majors.
 *
 * Needs `npm run build` first (CI runs it before the tests). The install is offline from the npm
 * cache this repository's install filled; if that fails it falls back to `--prefer-offline`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CJS_SCRIPT,
  CONSUMER_NODE10_TS,
  CONSUMER_TS,
  ESLINT_CONFIG_CJS,
  ESM_SCRIPT,
  EXPECTED_EXPORTS,
  EXPECTED_REQUIRE_EXPORTS,
  LINT_BAD_JS,
  LINT_GOOD_JS,
  LINT_SCRIPT,
  PACKAGES,
  SERVERS_SCRIPT,
  THIRD_PARTY,
  TSCONFIG,
  TSCONFIG_NODE10,
  TSCONFIG_README,
  type ServersOutput,
} from './consumer.js';
import { expectLintFindings, expectServed, type LintOutput } from './expectations.js';
import { childEnv, createConsumerProject, ROOT, type ConsumerProject, type PackResult } from './project.js';

const run = promisify(execFile);
const root = ROOT;

/** The cli package is packed too once it builds. */
const packages: string[] = [...PACKAGES, ...(existsSync(join(root, 'packages/cli/dist/index.js')) ? ['cli'] : [])];

/**
 * The ```ts examples of every package README, one module each (`readme/<package>-<n>.ts`), so that
 * what npm shows users is type-checked against what npm installs.
 */
function readmeExamples(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of packages) {
    const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
    [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].forEach((match, index) => {
      files[`readme/${name}-${index + 1}.ts`] = `${match[1] ?? ''}\nexport {};\n`;
    });
  }
  return files;
}

let consumer: ConsumerProject | undefined;
let packed = new Map<string, PackResult>();

function project(): ConsumerProject {
  if (consumer === undefined) throw new Error('the consumer project was not created');
  return consumer;
}

beforeAll(async () => {
  const created = await createConsumerProject('smoke', packages, THIRD_PARTY);
  consumer = created;
  packed = created.packed;
  created.write({
    ...readmeExamples(),
    'tsconfig.readme.json': TSCONFIG_README,
    'esm.mjs': ESM_SCRIPT,
    'cjs.cjs': CJS_SCRIPT,
    'tsconfig.json': TSCONFIG,
    'consumer.ts': CONSUMER_TS,
    'tsconfig.node10.json': TSCONFIG_NODE10,
    'consumer-node10.ts': CONSUMER_NODE10_TS,
    'eslint.config.cjs': ESLINT_CONFIG_CJS,
    'lint/bad.js': LINT_BAD_JS,
    'lint/good.js': LINT_GOOD_JS,
    'lint.mjs': LINT_SCRIPT,
    'servers.mjs': SERVERS_SCRIPT,
  });
}, 300_000);

afterAll(() => {
  consumer?.remove();
});

describe('packed packages in a fresh project', () => {
  it('packs every package with exactly what its `files` field declares (never src, tests or build info)', () => {
    expect([...packed.keys()].sort()).toEqual(packages.map((name) => `@rebind-guard/${name}`).sort());
    for (const name of packages) {
      const result = packed.get(`@rebind-guard/${name}`)!;
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as {
        files: string[];
      };
      const paths = result.files.map((file) => file.path);
      expect(paths, result.name).toContain('package.json');
      expect(paths, result.name).toContain('dist/index.js');
      expect(paths, result.name).toContain('dist/index.d.ts');
      const declared = (path: string): boolean =>
        manifest.files.some((entry) => path === entry || path.startsWith(`${entry}/`)) ||
        /^(package\.json|README(\.md)?|LICENSE(\.md)?|CHANGELOG\.md)$/i.test(path);
      expect(
        paths.filter((path) => !declared(path)),
        `${result.name} ships only its files`,
      ).toEqual([]);
      expect(
        paths.filter((path) => /^(src|test)\/|\.test\.|tsbuildinfo$/.test(path)),
        result.name,
      ).toEqual([]);
      // src is not shipped, so neither are source maps that would point into it.
      expect(
        paths.filter((path) => path.endsWith('.map')),
        `${result.name} ships no source maps`,
      ).toEqual([]);
    }
  });

  it('every tarball ships a README and the LICENSE; its manifest says where the project lives and declares ranges', () => {
    for (const name of packages) {
      const result = packed.get(`@rebind-guard/${name}`)!;
      const paths = result.files.map((file) => file.path);
      expect(paths, result.name).toContain('README.md');
      expect(paths, result.name).toContain('LICENSE');
      const manifest = JSON.parse(
        readFileSync(join(project().dir, 'node_modules', result.name, 'package.json'), 'utf8'),
      ) as Record<string, unknown>;
      expect(manifest, result.name).toMatchObject({
        license: 'MIT',
        repository: {
          type: 'git',
          url: 'git+https://github.com/rebind-guard/rebind-guard.git',
          directory: `packages/${name}`,
        },
        bugs: { url: 'https://github.com/rebind-guard/rebind-guard/issues' },
      });
      expect(manifest.homepage, result.name).toMatch(/^https:\/\/rebind-guard\.dev\//);
      expect(manifest.keywords, result.name).toEqual(expect.arrayContaining(['dns-rebinding', 'security']));
      // Ranges, never exact pins: a pinned dependency of a library forces duplicate copies on users.
      const ranges = {
        ...(manifest.dependencies as Record<string, string> | undefined),
        ...(manifest.peerDependencies as Record<string, string> | undefined),
      };
      for (const [dependency, range] of Object.entries(ranges))
        expect(range, `${result.name}: ${dependency}`).toMatch(/^\^\d/);
      const license = readFileSync(join(project().dir, 'node_modules', result.name, 'LICENSE'), 'utf8');
      expect(license, result.name).toMatch(/^MIT License/);
    }
  });

  it('installs from the tarballs with a single copy of @rebind-guard/core', () => {
    expect(['offline', 'prefer-offline']).toContain(project().installMode);
    for (const name of packages)
      expect(existsSync(join(project().dir, 'node_modules/@rebind-guard', name, 'package.json')), name).toBe(true);
    for (const name of packages) {
      const nested = join(project().dir, 'node_modules/@rebind-guard', name, 'node_modules/@rebind-guard');
      expect(existsSync(nested) ? readdirSync(nested) : [], `${name} has no nested @rebind-guard copy`).toEqual([]);
    }
  });

  it('imports every package and entry point as ESM', async () => {
    const exports = (await project().node('esm.mjs')) as Record<string, string[]>;
    for (const [id, names] of Object.entries(EXPECTED_EXPORTS)) {
      for (const name of names) expect(exports[id], `${id} exports ${name}`).toContain(name);
    }
    expect(exports.pluginConfigs).toEqual(['recommended', 'strict']);
  });

  it('requires every package and entry point from CommonJS (require(esm)); the plugin is the plugin itself', async () => {
    const exports = (await project().node('cjs.cjs')) as Record<string, string[]>;
    for (const [id, names] of Object.entries(EXPECTED_REQUIRE_EXPORTS)) {
      for (const name of names) expect(exports[id], `${id} exports ${name}`).toContain(name);
    }
  });

  it('type-checks a strict consumer with typed claims for every adapter (tsc --noEmit)', async () => {
    expect(await project().tsc('tsconfig.json')).toBe('');
  }, 180_000);

  it('type-checks the TypeScript examples of every package README', async () => {
    expect(Object.keys(readmeExamples()).length).toBeGreaterThanOrEqual(4);
    expect(await project().tsc('tsconfig.readme.json')).toBe('');
  }, 180_000);

  it('type-checks a CommonJS consumer under moduleResolution node10 (core/node via typesVersions)', async () => {
    expect(await project().tsc('tsconfig.node10.json')).toBe('');
  }, 180_000);

  it("lints with the plugin's recommended config, imported and from an eslint.config.cjs (ESLint 10)", async () => {
    expectLintFindings((await project().node('lint.mjs')) as LintOutput, /^10\./);
  }, 60_000);

  it('serves with every adapter: allowed, rebinding Host, valid token, token for another audience', async () => {
    const results = (await project().node('servers.mjs')) as ServersOutput;
    expect(results.versions).toEqual({
      express: THIRD_PARTY.express,
      koa: THIRD_PARTY.koa,
      fastify: THIRD_PARTY.fastify,
    });
    expectServed(results);
  }, 60_000);

  it.skipIf(!packages.includes('cli'))('installs the cli with its bin', async () => {
    expect(existsSync(join(project().dir, 'node_modules/.bin/rebind-guard'))).toBe(true);
    const script = "const m = await import('@rebind-guard/cli'); process.stdout.write(JSON.stringify(Object.keys(m)));";
    const { stdout } = await run(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      cwd: project().dir,
      env: childEnv(),
    });
    expect(Array.isArray(JSON.parse(stdout))).toBe(true);
  });
});
