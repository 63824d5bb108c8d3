import { describe, expect, it } from 'vitest';
import { HOUR, TEST_SECRET, nowSeconds, signToken } from '../../../test/helpers/tokens.js';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import Fastify4 from 'fastify4';
import { rebindGuard, type FastifyGuardOptions } from '../src/index.js';

const auth = { key: TEST_SECRET, algorithms: ['HS256'], audience: 'api', issuer: false } as const;
const token = (scope = 'read') => signToken({ sub: 'alice', scope, aud: 'api', exp: nowSeconds() + HOUR });

describe('options are validated at registration', () => {
  it.each([
    ['no hosts', {}],
    ['empty hosts', { hosts: [] }],
    ['a "*" host', { hosts: ['*'] }],
    ['an unknown option', { hosts: ['localhost'], routes: [] }],
    ['a bad authMode', { hosts: ['localhost'], authMode: 'sometimes' }],
    ['a non-function onReject', { hosts: ['localhost'], onReject: {} }],
    ['a bad safeMethods', { hosts: ['localhost'], safeMethods: 'GET' }],
    ['auth with alg none', { hosts: ['localhost'], auth: { ...auth, algorithms: ['none'] } }],
  ])('%s → TypeError', async (_name, options) => {
    const app = Fastify();
    app.register(rebindGuard, options as unknown as FastifyGuardOptions);
    await expect(app.ready()).rejects.toThrow(TypeError);
    await app.close();
  });

  it.each([
    ['a non-object config', 'admin', /must be an object/],
    ['an unknown key', { scope: ['admin'] }, /unknown keys scope; use authMode, scopes and claims/],
    ['a bad authMode', { authMode: 'maybe' }, /config\.rebindGuard\.authMode of route \/ must be/],
    ['a bad auth (the former name)', { auth: 'maybe' }, /config\.rebindGuard\.auth of route \/ must be/],
    ['both authMode and auth', { authMode: 'optional', auth: 'optional' }, /has both authMode and auth/],
    ['a bad scope', { scopes: ['two words'] }, /scopes must be/],
  ])(
    'route config.rebindGuard with %s → TypeError naming rebind-guard when the route is added',
    async (_name, config, message) => {
      const app = Fastify();
      await app.register(rebindGuard, { hosts: ['localhost'], auth });
      const add = () => app.get('/', { config: { rebindGuard: config as never } }, () => 'ok');
      expect(add).toThrow(TypeError);
      expect(add).toThrow(/^rebind-guard: /);
      expect(add).toThrow(message);
      await app.close();
    },
  );

  it.each([
    [
      'scopes, plugin without auth',
      {},
      { scopes: ['admin'] },
      /requires scopes or claims, but the plugin has no `auth`/,
    ],
    ['claims, plugin without auth', {}, { claims: { equals: { org: 'acme' } } }, /the plugin has no `auth`/],
    ['scopes with route authMode off', { auth }, { authMode: 'off', scopes: ['admin'] }, /with authMode "off"/],
    ['scopes under plugin authMode off', { auth, authMode: 'off' }, { scopes: ['admin'] }, /with authMode "off"/],
  ])(
    'route %s → TypeError when the route is added (every request would get a 401)',
    async (_name, plugin, config, message) => {
      const app = Fastify();
      await app.register(rebindGuard, { hosts: ['localhost'], ...(plugin as Partial<FastifyGuardOptions>) });
      const add = () => app.get('/admin', { config: { rebindGuard: config as never } }, () => 'ok');
      expect(add).toThrow(/^rebind-guard: config\.rebindGuard of route \/admin /);
      expect(add).toThrow(message);
      await app.close();
    },
  );

  it('registering twice is a start-up error that names rebind-guard', async () => {
    const app = Fastify();
    app.register(rebindGuard, { hosts: ['localhost'] });
    app.register(rebindGuard, { hosts: ['localhost'] });
    await expect(app.ready()).rejects.toThrow(/rebind-guard: @rebind-guard\/fastify is registered twice/);
    await app.close();
  });

  it('logs the rejection code at debug level', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: 'debug', stream: { write: (line: string) => lines.push(line) } } });
    await app.register(rebindGuard, { hosts: ['localhost'] });
    app.get('/', () => 'ok');
    const response = await app.inject({ url: '/', headers: { host: 'rebind.test' } });
    expect(response.statusCode).toBe(403);
    expect(
      lines
        .map((line) => JSON.parse(line) as { rebindGuard?: string; level: number })
        .find((entry) => entry.rebindGuard !== undefined),
    ).toMatchObject({
      rebindGuard: 'host_not_allowed',
      level: 20,
    });
    await app.close();
  });

  it('decorates the instance with the compiled guard', async () => {
    const app = Fastify();
    await app.register(rebindGuard, { hosts: ['localhost'], origins: ['https://app.example.com'] });
    expect(app.rebindGuard.isAllowedOrigin('https://app.example.com')).toBe(true);
    expect(app.rebindGuard.isAllowedHost('rebind.test')).toBe(false);
    await app.close();
  });
});

/** How a handler sees `request.auth`: absent, null, undefined or a verified token. */
function authState(request: object): 'absent' | 'null' | 'undefined' | 'set' {
  if (!('auth' in request)) return 'absent';
  const value: unknown = request.auth;
  return value === null ? 'null' : value === undefined ? 'undefined' : 'set';
}

describe('requests', () => {
  async function build(options: FastifyGuardOptions) {
    const app = Fastify();
    await app.register(rebindGuard, options);
    app.get('/', (request) => ({
      sub: request.auth?.claims.sub ?? null,
      auth: authState(request),
    }));
    app.get('/admin', { config: { rebindGuard: { scopes: ['admin'] } } }, () => ({ ok: true }));
    app.get('/public', { config: { rebindGuard: { authMode: 'off' } } }, (request) => ({
      auth: authState(request),
    }));
    app.get('/feed', { config: { rebindGuard: { authMode: 'optional' } } }, (request) => ({
      sub: request.auth?.claims.sub ?? null,
    }));
    return app;
  }

  it('sets request.auth; default rejections are problem+json without a charset', async () => {
    const app = await build({ hosts: ['localhost'], auth });
    const ok = await app.inject({ url: '/', headers: { host: 'localhost', authorization: `Bearer ${token()}` } });
    expect([ok.statusCode, ok.json()]).toEqual([200, { sub: 'alice', auth: 'set' }]);
    const rejected = await app.inject({ url: '/', headers: { host: 'rebind.test' } });
    expect(rejected.statusCode).toBe(403);
    expect(rejected.headers['content-type']).toBe('application/problem+json');
    expect(rejected.json()).toMatchObject({ code: 'host_not_allowed' });
    await app.close();
  });

  it("route config: authMode 'off', 'optional' and scopes", async () => {
    const app = await build({ hosts: ['localhost'], auth });
    const off = await app.inject({ url: '/public', headers: { host: 'localhost', authorization: 'Bearer garbage' } });
    expect([off.statusCode, off.json()]).toEqual([200, { auth: 'undefined' }]);
    const offForeign = await app.inject({ url: '/public', headers: { host: 'rebind.test' } });
    expect(offForeign.statusCode).toBe(403);
    const anonymousFeed = await app.inject({ url: '/feed', headers: { host: 'localhost' } });
    expect([anonymousFeed.statusCode, anonymousFeed.json()]).toEqual([200, { sub: null }]);
    const badFeed = await app.inject({ url: '/feed', headers: { host: 'localhost', authorization: 'Bearer garbage' } });
    expect(badFeed.statusCode).toBe(401);
    const noScope = await app.inject({
      url: '/admin',
      headers: { host: 'localhost', authorization: `Bearer ${token()}` },
    });
    expect([noScope.statusCode, noScope.headers['www-authenticate']]).toEqual([
      403,
      'Bearer realm="api", error="insufficient_scope", scope="admin"',
    ]);
    const scoped = await app.inject({
      url: '/admin',
      headers: { host: 'localhost', authorization: `Bearer ${token('admin')}` },
    });
    expect(scoped.statusCode).toBe(200);
    await app.close();
  });

  it('onReject receives the result, request and reply, and replaces the answer (scopes included)', async () => {
    const calls: { code: string; url: string }[] = [];
    const app = await build({
      hosts: ['localhost'],
      auth,
      onReject: async (result, request, reply) => {
        calls.push({ code: result.code, url: request.url });
        return reply.code(result.status === 401 ? 401 : 404).send({ error: result.code });
      },
    });
    const rebound = await app.inject({ url: '/?q=1', headers: { host: 'rebind.test' } });
    expect([rebound.statusCode, rebound.json()]).toEqual([404, { error: 'host_not_allowed' }]);
    const anonymous = await app.inject({ url: '/', headers: { host: 'localhost' } });
    expect([anonymous.statusCode, anonymous.json()]).toEqual([401, { error: 'token_missing' }]);
    const noScope = await app.inject({
      url: '/admin',
      headers: { host: 'localhost', authorization: `Bearer ${token()}` },
    });
    expect([noScope.statusCode, noScope.json()]).toEqual([404, { error: 'insufficient_scope' }]);
    expect(calls).toEqual([
      { code: 'host_not_allowed', url: '/?q=1' },
      { code: 'token_missing', url: '/' },
      { code: 'insufficient_scope', url: '/admin' },
    ]);
    await app.close();
  });

  it('rejects before the body is parsed', async () => {
    const app = Fastify();
    await app.register(rebindGuard, { hosts: ['localhost'] });
    let parsed = false;
    app.addContentTypeParser('application/json', (_request, _payload, done) => {
      parsed = true;
      done(null, {});
    });
    app.post('/', () => ({ ok: true }));
    const rejected = await app.inject({
      method: 'POST',
      url: '/',
      headers: { host: 'rebind.test', 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(rejected.statusCode).toBe(403);
    expect(parsed).toBe(false);
    await app.close();
  });
});

describe('no verified token is undefined, and route authMode / auth, on Fastify 5 and 4', () => {
  // The Fastify 4 app is driven through the Fastify 5 types: the calls below are the same in both.
  const majors: [string, () => FastifyInstance][] = [
    ['Fastify 5', () => Fastify()],
    ['Fastify 4', () => Fastify4() as unknown as FastifyInstance],
  ];

  it.each(majors)('%s', async (_major, create) => {
    const app = create();
    await app.register(rebindGuard, { hosts: ['localhost'], auth });
    const seen = (request: FastifyRequest) => ({ auth: authState(request), sub: request.auth?.claims.sub ?? null });
    app.get('/feed', { config: { rebindGuard: { authMode: 'optional' } } }, seen);
    // The former name of authMode, still honoured.
    app.get('/old-feed', { config: { rebindGuard: { auth: 'optional' } } }, seen);
    app.get('/off', { config: { rebindGuard: { authMode: 'off' } } }, seen);
    app.get('/', seen);
    await app.ready();
    expect(app.version).toMatch(_major === 'Fastify 4' ? /^4\./ : /^5\./);
    const get = async (url: string, token?: string) => {
      const response = await app.inject({
        url,
        headers: { host: 'localhost', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      });
      return [response.statusCode, response.json<unknown>()];
    };
    const noToken = [200, { auth: 'undefined', sub: null }];
    expect(await get('/feed')).toEqual(noToken);
    expect(await get('/old-feed')).toEqual(noToken);
    expect(await get('/off', 'garbage')).toEqual(noToken);
    expect(await get('/feed', token())).toEqual([200, { auth: 'set', sub: 'alice' }]);
    expect(await get('/old-feed', 'garbage')).toMatchObject([401, { code: 'token_invalid' }]);
    expect(await get('/')).toMatchObject([401, { code: 'token_missing' }]);
    await app.close();
  });
});
