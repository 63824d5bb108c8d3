import rule from '../../src/rules/require-host-validation.js';
import { runRule } from '../rule-tester.js';

const expressError = (line: number, column: number) => ({ messageId: 'missingHostValidation' as const, line, column });

runRule('require-host-validation', rule, {
  valid: [
    // Test files start throwaway apps on purpose (ignoreTestFiles, default true).
    {
      code: "import express from 'express';\nconst app = express();\napp.get('/', (req, res) => res.send('ok'));\napp.listen(3000);",
      filename: 'test/server.test.js',
    },
    {
      code: "import express from 'express';\nconst app = express();\napp.get('/', (req, res) => res.send('ok'));\napp.listen(3000);",
      filename: 'src/__tests__/app.js',
    },
    // rebind-guard adapters.
    `import express from 'express';
import { rebindGuard } from '@rebind-guard/express';
const app = express();
app.use(rebindGuard({ hosts: ['api.example.com'] }));
app.get('/', (req, res) => res.send('ok'));
app.listen(3000);`,
    `const Koa = require('koa');
const { rebindGuard } = require('@rebind-guard/koa');
const app = new Koa();
const guard = rebindGuard({ hosts: ['localhost'] });
app.use(guard).use(router.routes());
module.exports = app;`,
    `import Fastify from 'fastify';
import rebindGuard from '@rebind-guard/fastify';
const app = Fastify({ logger: true });
await app.register(rebindGuard, { hosts: ['localhost'] });
app.get('/', async () => 'ok');
await app.listen({ port: 3000 });`,
    // host-validation and the MCP SDK middleware.
    `const express = require('express');
const hostValidation = require('host-validation');
const app = express();
app.use(hostValidation({ hosts: ['127.0.0.1:3000'] }));
app.post('/rpc', handler);
app.listen(3000);`,
    `import express from 'express';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
const app = express();
app.use(hostHeaderValidation(['localhost']));
app.post('/mcp', handler);
app.listen(3000, '127.0.0.1');`,
    // Router-only modules and Fastify plugins.
    `import express from 'express';
const router = express.Router();
router.get('/users', list);
export default router;`,
    `export default async function routes(fastify) {
  fastify.get('/', async () => 'ok');
}`,
    // Created but never served or exported (e.g. a supertest fixture).
    `import express from 'express';
import request from 'supertest';
const app = express();
app.get('/', (req, res) => res.send('ok'));
await request(app).get('/');`,
    // Handed to a function that may register a validator: silent.
    `import express from 'express';
import { applySecurity } from './security.js';
const app = express();
applySecurity(app);
app.get('/', (req, res) => res.send('ok'));
app.listen(3000);`,
    // No routes registered.
    `import express from 'express';
const app = express();
app.listen(3000);`,
    // Not express: a local function.
    `function express() { return { get() {}, listen() {} }; }
const app = express();
app.get('/', handler);
app.listen(3000);`,
    // A custom adapter around the core guard.
    `import express from 'express';
import { createGuard } from '@rebind-guard/core';
const guard = createGuard({ hosts: ['api.example.com'] });
const app = express();
app.use(async (req, res, next) => { const r = await guard.check(req); r.ok ? next() : res.status(r.status).end(); });
app.get('/', handler);
app.listen(3000);`,
    // User-declared validators: by module export and by identifier name.
    {
      code: `import express from 'express';
import { hostCheck } from '@acme/security';
const app = express();
app.use(hostCheck());
app.get('/', handler);
export default app;`,
      options: [{ validators: [{ module: '@acme/security', name: 'hostCheck' }] }],
    },
    {
      code: `import Koa from 'koa';
import allowHosts from './allow-hosts.js';
const app = new Koa();
app.use(allowHosts);
app.use(router.routes());
app.listen(3000);`,
      options: [{ validators: ['allowHosts'] }],
    },
    // Express setting read, not a route.
    `import express from 'express';
import { rebindGuard } from '@rebind-guard/express';
const app = express();
if (app.get('env') === 'production') app.use(rebindGuard({ hosts: ['api.example.com'] }));
app.get('/', handler);
app.listen(3000);`,
    // Issue 14 FP 1: the adapters' documented `rebindGuard.optional(...)`.
    `import express from 'express';
import { rebindGuard } from '@rebind-guard/express';
const app = express();
app.use(rebindGuard.optional({ hosts: ['api.example.com'], auth }));
app.get('/me', handler);
app.listen(3000);`,
    `const Koa = require('koa');
const rebindGuard = require('@rebind-guard/koa');
const app = new Koa();
app.use(rebindGuard.optional({ hosts: ['localhost'], auth }));
app.use(router.routes());
app.listen(3000);`,
    // Issue 14 FP 2: an inline middleware that rejects Hosts not on an allowlist.
    `import express from 'express';
const ALLOWED = new Set(['localhost:3000', '127.0.0.1:3000']);
const app = express();
app.use((req, res, next) => {
  if (!ALLOWED.has(req.headers.host)) return res.status(403).send('Forbidden');
  next();
});
app.get('/', handler);
app.listen(3000);`,
    `const Koa = require('koa');
const app = new Koa();
const allowed = ['localhost', '127.0.0.1'];
app.use(async (ctx, next) => {
  if (allowed.indexOf(ctx.hostname) === -1) ctx.throw(421, 'Misdirected');
  await next();
});
app.use(router.routes());
app.listen(3000);`,
    `import express from 'express';
const app = express();
function checkHost(req, res, next) {
  const host = (req.headers.host || '').split(':')[0];
  if (host !== 'localhost' && host !== '127.0.0.1') {
    res.statusCode = 403;
    res.end();
    return;
  }
  next();
}
app.use(checkHost);
app.post('/rpc', handler);
app.listen(3000);`,
    `import Fastify from 'fastify';
const app = Fastify();
app.addHook('onRequest', async (request, reply) => {
  if (request.hostname !== 'localhost') return reply.code(403).send();
});
app.get('/', async () => 'ok');
await app.listen({ port: 3000 });`,
    // Issue 14 FP 3: an MCP transport with DNS-rebinding protection on (v2 package name).
    `import express from 'express';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
const app = express();
app.post('/mcp', async (req, res) => {
  const transport = new NodeStreamableHTTPServerTransport({ enableDnsRebindingProtection: true, allowedHosts: ['127.0.0.1:3000'] });
  await transport.handleRequest(req, res, req.body);
});
app.listen(3000, '127.0.0.1');`,
    // Issue 14 FP 3: the MCP SDK's Host validation from the v2 package names.
    `import express from 'express';
import { hostHeaderValidation } from '@modelcontextprotocol/express';
const app = express();
app.use(hostHeaderValidation(['localhost', '127.0.0.1']));
app.post('/mcp', handler);
app.listen(3000, '127.0.0.1');`,
    `import { localhostHostValidation } from '@modelcontextprotocol/express';
import express from 'express';
const app = express();
app.use(localhostHostValidation());
app.post('/mcp', handler);
app.listen(3000);`,
  ],
  invalid: [
    {
      // A transport whose protection is off validates nothing.
      code: `import express from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
const app = express();
app.post('/mcp', async (req, res) => {
  const transport = new StreamableHTTPServerTransport({ enableDnsRebindingProtection: false });
  await transport.handleRequest(req, res, req.body);
});
app.listen(3000);`,
      errors: [{ messageId: 'missingHostValidation', line: 3, column: 13 }],
    },
    {
      // Issue 14 miss 1: `const app = module.exports = new Koa()`.
      code: `const Koa = require('koa');
const app = module.exports = new Koa();
app.use(async (ctx) => { ctx.body = 'Hello'; });
if (!module.parent) app.listen(3000);`,
      errors: [{ messageId: 'missingHostValidation', line: 2, column: 30 }],
    },
    {
      code: `const express = require('express');
const app = exports.app = express();
app.get('/', (req, res) => res.send('ok'));`,
      errors: [expressError(2, 27)],
    },
    {
      // A middleware that reads the Host without rejecting anything is not a validator.
      code: `import express from 'express';
const app = express();
app.use((req, res, next) => {
  if (req.headers.host === 'localhost') req.local = true;
  next();
});
app.get('/', handler);
app.listen(3000);`,
      errors: [expressError(2, 13)],
    },
    {
      // An inline middleware that rejects on something other than the Host.
      code: `import express from 'express';
const app = express();
app.use((req, res, next) => {
  if (!req.headers.authorization) return res.status(401).end();
  next();
});
app.get('/', handler);
app.listen(3000);`,
      errors: [expressError(2, 13)],
    },
    {
      // The v2 MCP origin check is not a Host check.
      code: `import express from 'express';
import { localhostOriginValidation } from '@modelcontextprotocol/express';
const app = express();
app.use(localhostOriginValidation());
app.post('/mcp', handler);
app.listen(3000);`,
      errors: [expressError(3, 13)],
    },
    {
      code: "import express from 'express';\nconst app = express();\napp.get('/', (req, res) => res.send('ok'));\napp.listen(3000);",
      filename: 'test/server.test.js',
      options: [{ validators: [], ignoreTestFiles: false }],
      errors: [expressError(2, 13)],
    },
    {
      code: `import express from 'express';
const app = express();
app.get('/', (req, res) => res.send('ok'));
app.listen(3000);`,
      errors: [expressError(2, 13)],
    },
    {
      // require + module.exports.
      code: `const express = require('express');
const app = express();
app.use(express.json());
app.post('/api', handler);
module.exports = app;`,
      errors: [expressError(2, 13)],
    },
    {
      // import * as + http.createServer.
      code: `import * as express from 'express';
import http from 'node:http';
const app = express();
app.use('/api', apiRouter);
http.createServer(app).listen(8080);`,
      errors: [expressError(3, 13)],
    },
    {
      // Destructured require of the named fastify export.
      code: `const { fastify } = require('fastify');
const server = fastify({ logger: true });
server.register(routes);
server.listen({ port: 3000 });`,
      errors: [expressError(2, 16)],
    },
    {
      code: `import Fastify from 'fastify';
const app = Fastify();
app.get('/', async () => 'ok');
export { app };`,
      errors: [expressError(2, 13)],
    },
    {
      // Koa with a router and app.callback().
      code: `import Koa from 'koa';
import { createServer } from 'http';
const app = new Koa();
app.use(router.routes()).use(router.allowedMethods());
createServer(app.callback()).listen(3000);`,
      errors: [expressError(3, 13)],
    },
    {
      // Default import under another name, exported declaration.
      code: `import makeApp from 'express';
export const app = makeApp();
app.all('*', handler);`,
      errors: [expressError(2, 20)],
    },
    {
      // Factory that returns the app.
      code: `import express from 'express';
export function createApp() {
  const app = express();
  app.get('/health', (req, res) => res.send('ok'));
  return app;
}`,
      errors: [expressError(3, 15)],
    },
    {
      // A guard on another module's name does not count.
      code: `import Koa from 'koa';
import cors from '@koa/cors';
const app = new Koa();
app.use(cors());
app.use(async (ctx) => { ctx.body = 'hi'; });
app.listen(3000);`,
      errors: [expressError(3, 13)],
    },
    {
      // rebindGuard.optional() is per-route auth, not the app-level Host check.
      code: `import express from 'express';
import { rebindGuard } from '@rebind-guard/express';
const app = express();
app.get('/me', rebindGuard.optional(), handler);
app.listen(3000);`,
      errors: [expressError(3, 13)],
    },
    {
      // Validator option naming another module does not match.
      code: `import express from 'express';
import { hostCheck } from './other.js';
const app = express();
app.use(hostCheck());
app.get('/', handler);
app.listen(3000);`,
      options: [{ validators: [{ module: '@acme/security', name: 'hostCheck' }] }],
      errors: [expressError(3, 13)],
    },
    {
      // Chained calls and `await` creation.
      code: `const fastify = require('fastify');
async function main() {
  const app = await fastify();
  app.register(cors).get('/', async () => 'ok');
  await app.listen({ port: 3000 });
}`,
      errors: [expressError(3, 21)],
    },
    {
      // module.exports object.
      code: `const express = require('express');
const app = express();
app.use(router);
module.exports = { app };`,
      errors: [expressError(2, 13)],
    },
    {
      // Two apps in one module: only the unguarded one is reported.
      code: `import express from 'express';
import { rebindGuard } from '@rebind-guard/express';
const api = express();
api.use(rebindGuard({ hosts: ['api.example.com'] }));
api.get('/', handler);
api.listen(3000);
const admin = express();
admin.get('/', handler);
admin.listen(3001, '127.0.0.1');`,
      errors: [expressError(7, 15)],
    },
  ],
  typescript: {
    valid: [
      `import express, { type Express } from 'express';
import { rebindGuard } from '@rebind-guard/express';
const app: Express = express();
app.use(rebindGuard({ hosts: ['api.example.com'] }) as express.RequestHandler);
app.get('/', handler);
export default app;`,
      `import type { FastifyInstance } from 'fastify';
export async function routes(app: FastifyInstance): Promise<void> {
  app.get('/', async () => 'ok');
}`,
    ],
    invalid: [
      {
        code: `import express = require('express');
const app = express() as express.Express;
app.get('/', handler);
export default app;`,
        errors: [expressError(2, 13)],
      },
      {
        code: `import Fastify, { type FastifyInstance } from 'fastify';
export function build(): FastifyInstance {
  const app = Fastify({ logger: true });
  app.get('/', async () => 'ok');
  return app!;
}`,
        errors: [expressError(3, 15)],
      },
    ],
  },
});
