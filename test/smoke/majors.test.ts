/**
 * Fresh-project smoke test on the previous supported majors (issue 13). packed.test.ts installs the
 * tarballs next to Express 5, Koa 3, Fastify 5 and ESLint 10; here a plain `npm install` (peer
 * ranges enforced, no `--legacy-peer-deps`) puts them next to:
 *
 * - the lower bounds of the adapters' peer ranges — Express 4.21.0, Koa 2.15.0, Fastify 4.23.0 —
 *   with @types/express 4 and @types/koa 2 (test/adapters/majors.test.ts runs the whole behaviour
 *   table on the newest Express 4, Koa 2 and Fastify 4), and ESLint 8.57.1 (+ @types/eslint 8);
 * - ESLint 9 with the plugin (and core, which the plugin uses for allowlist entries).
 *
 * One project per ESLint major, created in parallel. Needs `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CJS_SCRIPT,
  consumerTs,
  ESLINT_CONFIG_CJS,
  EXPECTED_REQUIRE_EXPORTS,
  LINT_BAD_JS,
  LINT_GOOD_JS,
  LINT_SCRIPT,
  SERVERS_SCRIPT,
  THIRD_PARTY,
  TSCONFIG,
  TSCONFIG_NODE10,
  CONSUMER_NODE10_TS,
  type ServersOutput,
} from './consumer.js';
import { expectLintFindings, expectServed, type LintOutput } from './expectations.js';
import { createConsumerProject, type ConsumerProject } from './project.js';

/** The previous majors, at the lower bounds the adapters' peerDependencies declare. */
const PREVIOUS: Readonly<Record<string, string>> = {
  express: '4.21.0',
  koa: '2.15.0',
  fastify: '4.23.0',
  eslint: '8.57.1',
  typescript: THIRD_PARTY.typescript ?? '6.0.3',
  jsonwebtoken: THIRD_PARTY.jsonwebtoken ?? '9.0.3',
  '@types/node': THIRD_PARTY['@types/node'] ?? '20.19.43',
  '@types/express': '4.17.25',
  '@types/koa': '2.15.2',
  '@types/eslint': '8.56.12',
};

const LINT_FILES = {
  'eslint.config.cjs': ESLINT_CONFIG_CJS,
  'lint/bad.js': LINT_BAD_JS,
  'lint/good.js': LINT_GOOD_JS,
  'lint.mjs': LINT_SCRIPT,
};

let previous: ConsumerProject | undefined;
let eslint9: ConsumerProject | undefined;

function ready(project: ConsumerProject | undefined): ConsumerProject {
  if (project === undefined) throw new Error('the consumer project was not created');
  return project;
}

beforeAll(async () => {
  const [created, created9] = await Promise.all([
    createConsumerProject('majors-previous', ['core', 'express', 'koa', 'fastify', 'eslint-plugin'], PREVIOUS),
    createConsumerProject('majors-eslint9', ['core', 'eslint-plugin'], { eslint: '9.39.5' }),
  ]);
  previous = created;
  eslint9 = created9;
  created.write({
    ...LINT_FILES,
    'cjs.cjs': CJS_SCRIPT,
    'servers.mjs': SERVERS_SCRIPT,
    'tsconfig.json': TSCONFIG,
    'consumer.ts': consumerTs('Linter.FlatConfig'),
    'tsconfig.node10.json': TSCONFIG_NODE10,
    'consumer-node10.ts': CONSUMER_NODE10_TS,
  });
  created9.write(LINT_FILES);
  console.info(
    `smoke majors: installs took ${created.installMs} ms (${created.installMode}) and ${created9.installMs} ms (${created9.installMode})`,
  );
}, 300_000);

afterAll(() => {
  previous?.remove();
  eslint9?.remove();
});

describe('Express 4.21, Koa 2.15, Fastify 4.23 and ESLint 8.57 in a fresh project', () => {
  it('npm installs the packed packages next to them without --legacy-peer-deps', () => {
    expect(['offline', 'prefer-offline']).toContain(ready(previous).installMode);
  });

  it('serves with every adapter: allowed, rebinding Host, valid token, token for another audience', async () => {
    const results = (await ready(previous).node('servers.mjs')) as ServersOutput;
    expect(results.versions).toEqual({ express: PREVIOUS.express, koa: PREVIOUS.koa, fastify: PREVIOUS.fastify });
    expectServed(results);
  }, 60_000);

  it('type-checks the strict typed consumer against @types/express 4, @types/koa 2, Fastify 4 and @types/eslint 8', async () => {
    expect(await ready(previous).tsc('tsconfig.json')).toBe('');
  }, 180_000);

  it('type-checks a CommonJS consumer under moduleResolution node10', async () => {
    expect(await ready(previous).tsc('tsconfig.node10.json')).toBe('');
  }, 180_000);

  it('require() gives every package; the plugin is the plugin itself', async () => {
    const exports = (await ready(previous).node('cjs.cjs')) as Record<string, string[]>;
    for (const [id, names] of Object.entries(EXPECTED_REQUIRE_EXPORTS)) {
      for (const name of names) expect(exports[id], `${id} exports ${name}`).toContain(name);
    }
  });

  it('ESLint 8.57 reports the vulnerable file with configs.recommended, imported and from eslint.config.cjs', async () => {
    expectLintFindings((await ready(previous).node('lint.mjs')) as LintOutput, /^8\.57\./);
  }, 60_000);
});

describe('ESLint 9 in a fresh project', () => {
  it('reports the vulnerable file with configs.recommended, imported and from eslint.config.cjs', async () => {
    expectLintFindings((await ready(eslint9).node('lint.mjs')) as LintOutput, /^9\./);
  }, 60_000);
});
