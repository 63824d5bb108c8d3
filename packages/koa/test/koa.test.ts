import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, listen } from '../../../test/helpers/http.js';
import { HOUR, TEST_SECRET, nowSeconds, signToken } from '../../../test/helpers/tokens.js';
import Koa from 'koa';
import { guardUpgrades, rebindGuard, requireScopes, type KoaGuardOptions } from '../src/index.js';

const auth = { key: TEST_SECRET, algorithms: ['HS256'], audience: 'api', issuer: false } as const;
const token = (scope = 'read') => signToken({ sub: 'alice', scope, aud: 'api', exp: nowSeconds() + HOUR });

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(app: {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
}): Promise<number> {
  const handle = app.callback();
  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
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
    ['an unknown option', { hosts: ['localhost'], allowedHosts: ['localhost'] }],
    ['a bad authMode', { hosts: ['localhost'], authMode: 'sometimes' }],
    ['a non-function onReject', { hosts: ['localhost'], onReject: 404 }],
    ['a non-boolean requireOrigin', { hosts: ['localhost'], requireOrigin: 1 }],
    ['an origin without a scheme', { hosts: ['localhost'], origins: ['app.example.com'] }],
    ['auth mixing HS and RS', { hosts: ['localhost'], auth: { ...auth, algorithms: ['HS256', 'RS256'] } }],
    [
      'auth without issuer decision',
      { hosts: ['localhost'], auth: { key: TEST_SECRET, algorithms: ['HS256'], audience: 'api' } },
    ],
  ])('%s → TypeError', (name, options) => {
    expect(() => rebindGuard(options as KoaGuardOptions)).toThrow(TypeError);
    // rebindGuard.optional() sets authMode itself, so only a bad authMode can pass through it.
    if (name !== 'a bad authMode') expect(() => rebindGuard.optional(options as KoaGuardOptions)).toThrow(TypeError);
  });

  it('bad scopes throw when the route is set up', () => {
    const guard = rebindGuard({ hosts: ['localhost'], auth });
    expect(() => guard.requireScopes('a b')).toThrow(TypeError);
    expect(() => requireScopes('back\\slash')).toThrow(TypeError);
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
    expect(() => guardUpgrades(server, { hosts: ['*'] })).toThrow(TypeError);
    guardUpgrades(server, { hosts: ['localhost'] });
    expect(() => guardUpgrades(server, { hosts: ['localhost'] })).toThrow(TypeError);
  });
});

describe('requests', () => {
  it('sets ctx.state.auth on success; default rejections are problem+json', async () => {
    const app = new Koa().use(rebindGuard({ hosts: ['localhost'], auth }));
    app.use((ctx) => {
      ctx.body = { sub: ctx.state.auth?.claims.sub };
    });
    const port = await serve(app);
    const ok = await httpRequest(port, { authorization: `Bearer ${token()}` });
    expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { sub: 'alice' }]);
    const rejected = await httpRequest(port, { authorization: 'Bearer nope' });
    expect(rejected.status).toBe(401);
    expect(rejected.headers['content-type']).toBe('application/problem+json');
    expect(rejected.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(JSON.parse(rejected.body)).toMatchObject({ code: 'token_invalid', status: 401 });
  });

  it('onReject receives the result and ctx, may be async, and replaces the answer', async () => {
    const calls: { code: string; url: string }[] = [];
    const app = new Koa();
    app.use(
      rebindGuard({
        hosts: ['localhost'],
        auth,
        async onReject(result, ctx) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          calls.push({ code: result.code, url: ctx.originalUrl });
          ctx.status = result.status === 401 ? 401 : 404;
          ctx.body = { error: result.code };
        },
      }),
    );
    app.use((ctx) => {
      ctx.body = { ok: true };
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

  it("guard.requireScopes and standalone requireScopes answer with the installed guard's onReject", async () => {
    const onReject: KoaGuardOptions['onReject'] = (result, ctx) => {
      ctx.status = result.status;
      ctx.body = { custom: result.code };
    };
    const guard = rebindGuard({ hosts: ['localhost'], auth, onReject });
    const viaGuard = guard.requireScopes('admin');
    const standalone = requireScopes('admin');
    const app = new Koa();
    app.use(guard);
    app.use(async (ctx) => {
      const scoped = ctx.path === '/a' ? viaGuard : standalone;
      await scoped(ctx, () => {
        ctx.body = { ok: true };
        return Promise.resolve();
      });
    });
    const port = await serve(app);
    for (const path of ['/a', '/b']) {
      const denied = await httpRequest(port, { authorization: `Bearer ${token('read')}` }, path);
      expect([path, denied.status, JSON.parse(denied.body)]).toEqual([path, 403, { custom: 'insufficient_scope' }]);
      const allowed = await httpRequest(port, { authorization: `Bearer ${token('admin read')}` }, path);
      expect([path, allowed.status]).toEqual([path, 200]);
    }
  });

  it('requireScopes without a guard in front throws (a configuration error, 500)', async () => {
    const app = new Koa();
    app.silent = true;
    const scoped = requireScopes('admin');
    app.use(async (ctx, next) => {
      await scoped(ctx, next);
    });
    const port = await serve(app);
    expect((await httpRequest(port)).status).toBe(500);
  });
});
