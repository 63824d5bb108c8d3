/**
 * The files of the throwaway consumer project used by the packed-package smoke test (issue #8).
 * They are strings written into a directory under os.tmpdir(), so that they resolve only against the
 * installed tarballs (never the workspace) and so that their module augmentations never leak into
 * this repository's own type-check.
 */

/** Packages the smoke test packs, by directory under packages/ (cli only when it is built). */
export const PACKAGES = ['core', 'express', 'koa', 'fastify', 'eslint-plugin'] as const;

/** Third-party packages the consumer installs next to the tarballs (the versions this repo locks). */
export const THIRD_PARTY: Readonly<Record<string, string>> = {
  express: '5.3.0',
  koa: '3.3.0',
  fastify: '5.12.8',
  eslint: '10.15.0',
  typescript: '6.0.3',
  '@types/node': '20.19.43',
  '@types/express': '5.0.6',
  '@types/koa': '3.0.3',
  // The servers script signs test tokens (core depends on it too).
  jsonwebtoken: '9.0.3',
};

/** What each package must export, by name, to ESM and CommonJS consumers. */
export const EXPECTED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  '@rebind-guard/core': [
    'createGuard',
    'parseHost',
    'parseBearer',
    'LOOPBACK_HOSTS',
    'RESULT_CODES',
    'problemResponse',
  ],
  '@rebind-guard/core/node': ['guardUpgrades', 'toGuardRequest', 'sendProblem', 'compileAdapterOptions'],
  '@rebind-guard/express': ['rebindGuard', 'requireScopes', 'guardUpgrades', 'default'],
  '@rebind-guard/koa': ['rebindGuard', 'requireScopes', 'guardUpgrades', 'default'],
  '@rebind-guard/fastify': ['rebindGuard', 'default'],
  '@rebind-guard/eslint-plugin': ['default'],
};

/**
 * Where `require()` differs from `import()`: the plugin's `require()` is the plugin object itself
 * (its `"module.exports"` export), whose `default` is the plugin again, for older interop.
 */
export const EXPECTED_REQUIRE_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  ...EXPECTED_EXPORTS,
  '@rebind-guard/eslint-plugin': ['meta', 'rules', 'configs', 'default'],
};

const specifiers = JSON.stringify(Object.keys(EXPECTED_EXPORTS));

/** Prints `{ specifier: exportNames[] }` for `import()`. */
export const ESM_SCRIPT = `const out = {};
for (const id of ${specifiers}) out[id] = Object.keys(await import(id)).sort();
const plugin = (await import('@rebind-guard/eslint-plugin')).default;
out.pluginConfigs = Object.keys(plugin.configs ?? {}).sort();
process.stdout.write(JSON.stringify(out));
`;

/** Prints `{ specifier: exportNames[] }` for `require()` (require(esm), Node >= 20.19). */
export const CJS_SCRIPT = `const out = {};
for (const id of ${specifiers}) out[id] = Object.keys(require(id)).sort();
process.stdout.write(JSON.stringify(out));
`;

export const TSCONFIG = JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      noEmit: true,
      // true, as in most projects: with false, @types/koa 3.0.3 itself fails against the
      // content-disposition types npm installs next to it (TS2694), which is not ours to fix.
      skipLibCheck: true,
    },
    files: ['consumer.ts'],
  },
  null,
  2,
);

/** Type-checks the README examples written to `readme/*.ts` (see packed.test.ts). */
export const TSCONFIG_README = JSON.stringify(
  {
    compilerOptions: { ...(JSON.parse(TSCONFIG) as { compilerOptions: object }).compilerOptions },
    include: ['readme/*.ts'],
  },
  null,
  2,
);

/**
 * A typed consumer of every package. `@ts-expect-error` lines prove the claims are really typed
 * (they would be unused, hence errors, if `auth` were `any`).
 */
export const CONSUMER_TS = consumerTs('Linter.Config');

/**
 * CONSUMER_TS with the flat-config type of the installed ESLint: `Linter.Config` (ESLint 9 and 10)
 * or `Linter.FlatConfig` (ESLint 8.57, typed by @types/eslint 8).
 */
export function consumerTs(flatConfigType: 'Linter.Config' | 'Linter.FlatConfig'): string {
  return `import { createServer } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import type { Linter } from 'eslint';
import { LOOPBACK_HOSTS, createGuard, parseHost, type GuardResult, type ParsedHost } from '@rebind-guard/core';
import { guardUpgrades } from '@rebind-guard/core/node';
import { rebindGuard as expressGuard, requireScopes, type GuardedRequest } from '@rebind-guard/express';
import { rebindGuard as koaGuard, type RebindGuardState } from '@rebind-guard/koa';
import { rebindGuard as fastifyGuard } from '@rebind-guard/fastify';
import rebindGuardPlugin from '@rebind-guard/eslint-plugin';

interface Claims {
  sub: string;
  scope: string;
  tenant: number;
}

declare module '@rebind-guard/express' {
  interface RebindGuardClaims {
    tenant: number;
  }
}
declare module '@rebind-guard/fastify' {
  interface RebindGuardClaims {
    tenant: number;
  }
}

const auth = {
  key: '0123456789abcdef0123456789abcdef',
  algorithms: ['HS256' as const],
  audience: (host: ParsedHost) => \`https://\${host.hostname}\`,
  issuer: 'https://idp.example.com',
};

// core
const guard = createGuard<Claims>({ hosts: ['api.example.com', ...LOOPBACK_HOSTS], origins: ['https://app.example.com'], auth });
const result: GuardResult<Claims> = await guard.check({ method: 'GET', url: '/', headers: { host: 'localhost' } });
if (result.ok) {
  const tenant: number | undefined = result.auth?.claims.tenant;
  // @ts-expect-error tenant is a number
  const wrong: string | undefined = result.auth?.claims.tenant;
  console.log(result.host.hostname, tenant, wrong);
} else {
  const failure: { code: string; status: number } = result;
  console.log(failure.code, failure.status, result.headers);
}
const parsed = parseHost('localhost:3000');
console.log(parsed);

// express
const app = express();
app.use(expressGuard<Claims>({ hosts: [...LOOPBACK_HOSTS], origins: ['http://localhost:5173'], auth }));
app.get('/me', (req, res) => {
  const tenant: number | undefined = req.auth?.claims.tenant;
  // @ts-expect-error tenant is a number (declaration merging)
  const wrong: string | undefined = req.auth?.claims.tenant;
  res.json({ tenant, wrong });
});
app.get('/typed', (req, res) => {
  const { auth: info } = req as GuardedRequest<Claims>;
  const scope: string | undefined = info?.claims.scope;
  res.json({ scope });
});
app.post('/admin', requireScopes('admin'), (_req, res) => {
  res.end();
});
const server = createServer(app);
guardUpgrades(server, { hosts: [...LOOPBACK_HOSTS], origins: ['http://localhost:5173'] });

// koa
const koa = new Koa<RebindGuardState<Claims>>();
koa.use(koaGuard<Claims>({ hosts: [...LOOPBACK_HOSTS], auth, authMode: 'optional' }));
koa.use((ctx) => {
  const sub: string | undefined = ctx.state.auth?.claims.sub;
  // @ts-expect-error tenant is a number
  const wrong: string | undefined = ctx.state.auth?.claims.tenant;
  ctx.body = { sub, wrong };
});

// fastify
const fastify = Fastify();
await fastify.register(fastifyGuard, { hosts: [...LOOPBACK_HOSTS], auth, authMode: 'optional' });
fastify.get('/me', { config: { rebindGuard: { auth: 'required', scopes: ['read'] } } }, async (request) => {
  const tenant: number | undefined = request.auth?.claims.tenant;
  // @ts-expect-error tenant is a number (module augmentation)
  const wrong: string | undefined = request.auth?.claims.tenant;
  return { tenant, wrong, allowed: fastify.rebindGuard.isAllowedOrigin('https://app.example.com') };
});

// eslint-plugin: the shipped configs fit ESLint's own flat-config type
const configs: ${flatConfigType}[] = [
  rebindGuardPlugin.configs.recommended,
  rebindGuardPlugin.configs.strict,
  { plugins: { '@rebind-guard': rebindGuardPlugin }, rules: { '@rebind-guard/no-untrusted-host-header': 'error' } },
];
console.log(configs.length);
`;
}

/** Code with mistakes the plugin's `recommended` config must report. */
export const LINT_BAD_JS = `import jwt from 'jsonwebtoken';

export function verifyToken(token, key) {
  return jwt.verify(token, key, { algorithms: ['HS256', 'none'], audience: 'api', issuer: 'https://idp.example.com' });
}

export function trusted(req) {
  return req.headers.origin.startsWith('https://app.example.com');
}

export function mint(payload) {
  return jwt.sign(payload, 'shh', { algorithm: 'HS256' });
}
`;

/** The same intent done right: no findings. */
export const LINT_GOOD_JS = `import jwt from 'jsonwebtoken';

const allowed = new Set(['https://app.example.com']);

export function verifyToken(token, key) {
  return jwt.verify(token, key, { algorithms: ['RS256'], audience: 'api', issuer: 'https://idp.example.com' });
}

export function trusted(req) {
  return allowed.has(new URL(req.headers.origin).origin);
}

export function mint(payload) {
  return jwt.sign(payload, process.env.JWT_PRIVATE_KEY, { algorithm: 'RS256' });
}
`;

/**
 * A CommonJS flat config that `require()`s the plugin (what `eslint.config.cjs` users write;
 * ESLint 8.57 and later find it on their own).
 */
export const ESLINT_CONFIG_CJS = `const rebindGuard = require('@rebind-guard/eslint-plugin');

module.exports = [{ files: ['**/*.js'], languageOptions: { sourceType: 'module' } }, rebindGuard.configs.recommended];
`;

/**
 * Lints both files through the flat-config Node API of whichever ESLint is installed
 * (`loadESLint`, ESLint 8.57+), twice: with the project's `eslint.config.cjs` (found by ESLint) and
 * with the plugin imported as ESM. Prints the version and both runs' findings.
 */
export const LINT_SCRIPT = `import { loadESLint } from 'eslint';
import rebindGuard from '@rebind-guard/eslint-plugin';

const FlatESLint = await loadESLint({ useFlatConfig: true });

async function lint(options) {
  const results = await new FlatESLint({ cwd: process.cwd(), ...options }).lintFiles(['lint/bad.js', 'lint/good.js']);
  const out = {};
  for (const result of results) {
    const name = result.filePath.split(/[\\\\/]/).pop();
    out[name] = result.messages.map((message) => ({ ruleId: message.ruleId, line: message.line, fatal: message.fatal === true }));
  }
  return out;
}

const esm = await lint({
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.js'], languageOptions: { sourceType: 'module' } }, rebindGuard.configs.recommended],
});
const cjs = await lint({});
process.stdout.write(JSON.stringify({ version: FlatESLint.version, results: esm, cjsConfig: cjs }));
`;

/**
 * Starts one tiny server per adapter (hosts localhost, 127.0.0.1; optional Bearer auth) and sends
 * each an allowed request (Host: localhost:PORT), a rebinding request (Host: rebind.test:PORT), a
 * request with a valid token and one with a token issued for another audience. Also reports the
 * framework versions the servers ran on.
 */
export const SERVERS_SCRIPT = `import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import jwt from 'jsonwebtoken';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { rebindGuard as expressGuard } from '@rebind-guard/express';
import { rebindGuard as koaGuard } from '@rebind-guard/koa';
import { rebindGuard as fastifyGuard } from '@rebind-guard/fastify';

const secret = 'rebind-guard smoke test: an HS256 secret of enough length';
const audience = 'https://api.example.com';
const issuer = 'https://idp.example.com';
const options = {
  hosts: ['localhost', '127.0.0.1'],
  auth: { key: secret, algorithms: ['HS256'], audience, issuer },
  authMode: 'optional',
};
const sign = (aud) => jwt.sign({ sub: 'alice' }, secret, { algorithm: 'HS256', audience: aud, issuer, expiresIn: 300 });
const tokens = { valid: sign(audience), foreign: sign('https://other.example.com') };
const version = (name) => JSON.parse(readFileSync(new URL('./node_modules/' + name + '/package.json', import.meta.url), 'utf8')).version;

function send(port, host, token) {
  return new Promise((resolve, reject) => {
    const headers = { host, ...(token === undefined ? {} : { authorization: 'Bearer ' + token }) };
    const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function probe(port) {
  const host = 'localhost:' + port;
  return {
    allowed: await send(port, host),
    rebound: await send(port, 'rebind.test:' + port),
    token: await send(port, host, tokens.valid),
    foreignToken: await send(port, host, tokens.foreign),
  };
}

function listen(server) {
  return new Promise((resolve) => server.once('listening', () => resolve(server.address().port)));
}

const out = { versions: { express: version('express'), koa: version('koa'), fastify: version('fastify') } };

{
  const app = express();
  app.use(expressGuard(options));
  app.get('/', (req, res) => { res.json({ ok: true, sub: req.auth?.claims.sub ?? null }); });
  const server = app.listen(0, '127.0.0.1');
  out.express = await probe(await listen(server));
  server.close();
}
{
  const app = new Koa();
  app.use(koaGuard(options));
  app.use((ctx) => { ctx.body = { ok: true, sub: ctx.state.auth?.claims.sub ?? null }; });
  const server = app.listen(0, '127.0.0.1');
  out.koa = await probe(await listen(server));
  server.close();
}
{
  const app = Fastify();
  await app.register(fastifyGuard, options);
  app.get('/', async (request) => ({ ok: true, sub: request.auth?.claims.sub ?? null }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  out.fastify = await probe(app.server.address().port);
  await app.close();
}

process.stdout.write(JSON.stringify(out));
`;

/** One response as SERVERS_SCRIPT reports it. */
export interface ServedResponse {
  status: number;
  type: string;
  body: string;
}

/** What SERVERS_SCRIPT prints for one framework. */
export interface ServedResults {
  allowed: ServedResponse;
  rebound: ServedResponse;
  token: ServedResponse;
  foreignToken: ServedResponse;
}

/** What SERVERS_SCRIPT prints: the installed framework versions and each adapter's answers. */
export interface ServersOutput {
  versions: { express: string; koa: string; fastify: string };
  express: ServedResults;
  koa: ServedResults;
  fastify: ServedResults;
}

/**
 * A consumer built with `module: commonjs` and `moduleResolution: node10` (the TypeScript 5
 * default for CommonJS; TypeScript 6 needs `ignoreDeprecations`). The adapters' types import
 * `@rebind-guard/core/node`, which node10 finds only through core's `typesVersions`; without it
 * the options lose their core part and `hosts` is "not in type".
 */
export const TSCONFIG_NODE10 = JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'CommonJS',
      moduleResolution: 'node10',
      ignoreDeprecations: '6.0',
      esModuleInterop: true,
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    files: ['consumer-node10.ts'],
  },
  null,
  2,
);

export const CONSUMER_NODE10_TS = `import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { LOOPBACK_HOSTS } from '@rebind-guard/core';
import { guardUpgrades } from '@rebind-guard/core/node';
import { rebindGuard as expressGuard } from '@rebind-guard/express';
import { rebindGuard as koaGuard } from '@rebind-guard/koa';
import { rebindGuard as fastifyGuard } from '@rebind-guard/fastify';
import rebindGuardPlugin from '@rebind-guard/eslint-plugin';

const options = { hosts: ['api.example.com', ...LOOPBACK_HOSTS], origins: ['https://app.example.com'] };

const app = express();
app.use(expressGuard(options));
// @ts-expect-error not an option: the options are typed, not any
expressGuard({ ...options, hostz: [] });
guardUpgrades(app.listen(0), options);

const koa = new Koa();
koa.use(koaGuard({ ...options, exclude: ['/healthz'] }));

const fastify = Fastify();
void fastify.register(fastifyGuard, options);

const ruleCount: number = Object.keys(rebindGuardPlugin.configs.recommended.rules).length;
console.log(ruleCount);
`;
