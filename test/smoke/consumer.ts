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
};

/** What each package must export, by name, to ESM and CommonJS consumers. */
export const EXPECTED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  '@rebind-guard/core': ['createGuard', 'parseHost', 'parseBearer', 'LOOPBACK_HOSTS', 'RESULT_CODES', 'problemResponse'],
  '@rebind-guard/core/node': ['guardUpgrades', 'toGuardRequest', 'sendProblem', 'compileAdapterOptions'],
  '@rebind-guard/express': ['rebindGuard', 'requireScopes', 'guardUpgrades', 'default'],
  '@rebind-guard/koa': ['rebindGuard', 'requireScopes', 'guardUpgrades', 'default'],
  '@rebind-guard/fastify': ['rebindGuard', 'default'],
  '@rebind-guard/eslint-plugin': ['default'],
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

/**
 * A typed consumer of every package. `@ts-expect-error` lines prove the claims are really typed
 * (they would be unused, hence errors, if `auth` were `any`).
 */
export const CONSUMER_TS = `import { createServer } from 'node:http';
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
const configs: Linter.Config[] = [rebindGuardPlugin.configs.recommended, rebindGuardPlugin.configs.strict];
console.log(configs.length);
`;

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

/** Lints both files through ESLint's Node API with the packed plugin's flat `recommended` config. */
export const LINT_SCRIPT = `import { ESLint } from 'eslint';
import rebindGuard from '@rebind-guard/eslint-plugin';

const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.js'], languageOptions: { sourceType: 'module' } }, rebindGuard.configs.recommended],
});
const results = await eslint.lintFiles(['lint/bad.js', 'lint/good.js']);
const out = {};
for (const result of results) {
  const name = result.filePath.split(/[\\\\/]/).pop();
  out[name] = result.messages.map((message) => ({ ruleId: message.ruleId, line: message.line, fatal: message.fatal === true }));
}
process.stdout.write(JSON.stringify({ version: ESLint.version, results: out }));
`;

/**
 * Starts one tiny server per adapter (hosts localhost, 127.0.0.1) and sends one allowed request
 * (Host: localhost:PORT) and one rebinding request (Host: rebind.test:PORT) to each.
 */
export const SERVERS_SCRIPT = `import { request } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { rebindGuard as expressGuard } from '@rebind-guard/express';
import { rebindGuard as koaGuard } from '@rebind-guard/koa';
import { rebindGuard as fastifyGuard } from '@rebind-guard/fastify';

const options = { hosts: ['localhost', '127.0.0.1'] };

function send(port, host) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
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
  return { allowed: await send(port, 'localhost:' + port), rebound: await send(port, 'rebind.test:' + port) };
}

function listen(server) {
  return new Promise((resolve) => server.once('listening', () => resolve(server.address().port)));
}

const out = {};

{
  const app = express();
  app.use(expressGuard(options));
  app.get('/', (_req, res) => { res.json({ ok: true }); });
  const server = app.listen(0, '127.0.0.1');
  out.express = await probe(await listen(server));
  server.close();
}
{
  const app = new Koa();
  app.use(koaGuard(options));
  app.use((ctx) => { ctx.body = { ok: true }; });
  const server = app.listen(0, '127.0.0.1');
  out.koa = await probe(await listen(server));
  server.close();
}
{
  const app = Fastify();
  await app.register(fastifyGuard, options);
  app.get('/', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  out.fastify = await probe(app.server.address().port);
  await app.close();
}

process.stdout.write(JSON.stringify(out));
`;
