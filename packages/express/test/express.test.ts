import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, listen } from '../../../test/helpers/http.js';
import { HOUR, TEST_SECRET, nowSeconds, signToken } from '../../../test/helpers/tokens.js';
import express, { type ErrorRequestHandler } from 'express';
import { WebSocketServer } from 'ws';
import type { GuardFailure } from '@rebind-guard/core';
import { guardUpgrades, rebindGuard, requireScopes, type ExpressGuardOptions } from '../src/index.js';

const auth = { key: TEST_SECRET, algorithms: ['HS256'], audience: 'api', issuer: false } as const;
const token = (scope = 'read') => signToken({ sub: 'alice', scope, aud: 'api', exp: nowSeconds() + HOUR });

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(app: express.Express | http.Server): Promise<number> {
  const server = app instanceof http.Server ? app : http.createServer(app);
  servers.push(server);
  return listen(server);
}

describe('options are validated when the middleware is created', () => {
  it.each([
    ['no options', undefined],
    ['null', null],
    ['no hosts', {}],
    ['empty hosts', { hosts: [] }],
    ['a "*" host', { hosts: ['*'] }],
    ['an unknown option', { hosts: ['localhost'], host: 'localhost' }],
    ['a bad authMode', { hosts: ['localhost'], authMode: 'sometimes' }],
    ['a non-function onReject', { hosts: ['localhost'], onReject: 'json' }],
    ['a non-boolean trustProxy', { hosts: ['localhost'], trustProxy: 'yes' }],
    ['a malformed origin', { hosts: ['localhost'], origins: ['app.example.com'] }],
    ['auth with alg none', { hosts: ['localhost'], auth: { ...auth, algorithms: ['none'] } }],
    [
      'auth without audience',
      { hosts: ['localhost'], auth: { key: TEST_SECRET, algorithms: ['HS256'], issuer: false } },
    ],
    ['a bad exclude entry', { hosts: ['localhost'], exclude: ['healthz'] }],
  ])('%s → TypeError', (name, options) => {
    expect(() => rebindGuard(options as ExpressGuardOptions)).toThrow(TypeError);
    // rebindGuard.optional() sets authMode itself, so only a bad authMode can pass through it.
    if (name !== 'a bad authMode')
      expect(() => rebindGuard.optional(options as ExpressGuardOptions)).toThrow(TypeError);
  });

  it('messages name the package and say what to write', () => {
    expect(() => rebindGuard({ hosts: ['localhost'], authMode: 'sometimes' as 'optional' })).toThrow(
      /rebind-guard: .*"required", "optional" or "off"/,
    );
  });

  it('bad scopes throw when the route is set up', () => {
    const guard = rebindGuard({ hosts: ['localhost'], auth });
    expect(() => guard.requireScopes('two words')).toThrow(TypeError);
    expect(() => guard.requireScopes('')).toThrow(TypeError);
    expect(() => requireScopes('quote"d')).toThrow(TypeError);
  });

  it('scopes or claims on a guard without auth are a start-up error (every request would get a 401)', () => {
    const guard = rebindGuard({ hosts: ['localhost'] });
    expect(() => guard.requireScopes('admin')).toThrow(/^rebind-guard: requireScopes\(\) on a guard without `auth`/);
    expect(() => guard.requireClaims({ equals: { org: 'acme' } })).toThrow(
      /^rebind-guard: requireClaims\(\) on a guard without `auth`/,
    );
    expect(() => rebindGuard({ hosts: ['localhost'], auth }).requireScopes('admin')).not.toThrow();
  });

  it('guardUpgrades validates its options and refuses a second call on one server', () => {
    const server = http.createServer();
    expect(() => guardUpgrades(server, { hosts: [] })).toThrow(TypeError);
    guardUpgrades(server, { hosts: ['localhost'] });
    expect(() => guardUpgrades(server, { hosts: ['localhost'] })).toThrow(TypeError);
  });

  it('valid options expose the compiled guard', () => {
    const guard = rebindGuard({ hosts: ['localhost'], origins: ['https://app.example.com'] });
    expect(guard.guard.isAllowedOrigin('https://app.example.com')).toBe(true);
    expect(guard.guard.isAllowedHost('rebind.test')).toBe(false);
  });
});

describe('requests', () => {
  it('sets req.auth on success and leaves the default problem+json on failure', async () => {
    const app = express();
    app.use(rebindGuard({ hosts: ['localhost'], auth }));
    app.get('/', (req, res) => {
      res.json({ sub: req.auth?.claims.sub });
    });
    const port = await serve(app);
    const ok = await httpRequest(port, { authorization: `Bearer ${token()}` });
    expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { sub: 'alice' }]);
    const rejected = await httpRequest(port, { host: 'rebind.test' });
    expect(rejected.status).toBe(403);
    expect(rejected.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(rejected.body)).toMatchObject({ code: 'host_not_allowed', status: 403 });
  });

  it('onReject receives the result, req, res and next, and replaces the answer', async () => {
    const calls: { code: string; url: string }[] = [];
    const app = express();
    app.use(
      rebindGuard({
        hosts: ['localhost'],
        auth,
        onReject(result, req, res) {
          calls.push({ code: result.code, url: req.originalUrl });
          res.status(result.status === 401 ? 401 : 404).json({ error: result.code });
        },
      }),
    );
    app.get('/x', (_req, res) => {
      res.json({ ok: true });
    });
    const port = await serve(app);
    const rebound = await httpRequest(port, { host: 'rebind.test' }, '/x?q=1');
    expect([rebound.status, JSON.parse(rebound.body)]).toEqual([404, { error: 'host_not_allowed' }]);
    const anonymous = await httpRequest(port, {}, '/x');
    expect([anonymous.status, JSON.parse(anonymous.body)]).toEqual([401, { error: 'token_missing' }]);
    expect(calls).toEqual([
      { code: 'host_not_allowed', url: '/x?q=1' },
      { code: 'token_missing', url: '/x' },
    ]);
  });

  it('onReject may hand the failure to an error handler with next(err)', async () => {
    const app = express();
    app.use(
      rebindGuard({
        hosts: ['localhost'],
        onReject(result, _req, _res, next) {
          next(Object.assign(new Error(result.message), { failure: result }));
        },
      }),
    );
    // Express recognises error handlers by their four parameters.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const handler: ErrorRequestHandler = (err: Error & { failure: GuardFailure }, _req, res, _next) => {
      res.status(err.failure.status).type('text/plain').send(`handled ${err.failure.code}`);
    };
    app.use(handler);
    const port = await serve(app);
    const answer = await httpRequest(port, { host: 'rebind.test' });
    expect([answer.status, answer.body]).toEqual([403, 'handled host_not_allowed']);
  });

  it("guard.requireScopes and standalone requireScopes answer with the installed guard's onReject", async () => {
    const onReject: ExpressGuardOptions['onReject'] = (result, _req, res) => {
      res.status(result.status).json({ custom: result.code });
    };
    const guard = rebindGuard({ hosts: ['localhost'], auth, onReject });
    const app = express();
    app.use(guard);
    app.get('/a', guard.requireScopes('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/b', requireScopes('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    const port = await serve(app);
    for (const path of ['/a', '/b']) {
      const denied = await httpRequest(port, { authorization: `Bearer ${token('read')}` }, path);
      expect([path, denied.status, JSON.parse(denied.body)]).toEqual([path, 403, { custom: 'insufficient_scope' }]);
      const allowed = await httpRequest(port, { authorization: `Bearer ${token('admin')}` }, path);
      expect([path, allowed.status]).toEqual([path, 200]);
    }
  });

  it('requireScopes without a guard in front is a configuration error (500 via next(err))', async () => {
    const app = express();
    app.get('/', requireScopes('admin'), (_req, res) => {
      res.json({ ok: true });
    });
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    app.use(((_err, _req, res, _next) => {
      res.status(500).send('misconfigured');
    }) as ErrorRequestHandler);
    const port = await serve(app);
    const answer = await httpRequest(port);
    expect([answer.status, answer.body]).toEqual([500, 'misconfigured']);
  });

  it('guardUpgrades onReject receives the socket; the ws server attached earlier never sees the upgrade', async () => {
    const server = http.createServer(express());
    const wss = new WebSocketServer({ server });
    let connections = 0;
    wss.on('connection', () => connections++);
    const seen: string[] = [];
    guardUpgrades(server, {
      hosts: ['localhost'],
      origins: ['https://app.example.com'],
      onReject(result, _req, socket) {
        seen.push(result.code);
        socket.end('HTTP/1.1 418 Teapot\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      },
    });
    const port = await serve(server);
    const upgrade = (origin: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          agent: false,
          headers: {
            host: 'localhost',
            origin,
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await upgrade('https://evil.test')).toBe(418);
    expect(seen).toEqual(['origin_not_allowed']);
    expect(connections).toBe(0);
    expect(await upgrade('https://app.example.com')).toBe(101);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(connections).toBe(1);
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
});
