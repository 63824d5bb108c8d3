import { describe, expect, it, vi } from 'vitest';
import {
  createGuard,
  describeCode,
  DOCS_URL,
  PROBLEM_CONTENT_TYPE,
  problemResponse,
  RESULT_CODES,
  toProblem,
  type GuardOptions,
  type GuardRequest,
  type GuardResult,
} from '../src/index.js';
import {
  craftToken,
  TEST_AUDIENCE as AUD,
  TEST_ISSUER as ISS,
  TEST_SECRET as SECRET,
  testClaims,
} from '../../../test/helpers/tokens.js';

/** A valid token for this API, for user u1. */
const token = (claims: Record<string, unknown> = {}): string => craftToken(testClaims({ sub: 'u1', ...claims }));

const HOSTS = ['api.example.com', 'app.example.com', 'api.example.com:8443', 'localhost'];

function make(options: Partial<GuardOptions> = {}) {
  return createGuard({ hosts: HOSTS, origins: ['https://app.example.com'], ...options });
}

const authGuard = (options: Partial<GuardOptions> = {}) =>
  make({ auth: { key: SECRET, algorithms: ['HS256'], audience: AUD, issuer: ISS }, ...options });

function req(headers: GuardRequest['headers'], extra: Partial<GuardRequest> = {}): GuardRequest {
  return { method: 'GET', url: '/', headers, ...extra };
}

const codeOf = (result: GuardResult): string => (result.ok ? 'ok' : result.code);

describe('Host header', () => {
  const guard = make();
  it.each<[string, GuardRequest, string]>([
    ['allowed', req({ host: 'api.example.com' }), 'ok'],
    ['allowed with port', req({ host: 'api.example.com:8443' }), 'ok'],
    ['not allowed (rebind)', req({ host: 'rebind.test:3000' }), 'host_not_allowed'],
    ['missing', req({}), 'host_missing'],
    ['missing, HTTP/1.0', req({}, { httpVersion: '1.0' }), 'host_missing'],
    ['empty', req({ host: '' }), 'host_missing'],
    ['malformed', req({ host: '@api.example.com' }), 'host_malformed'],
    ['malformed path', req({ host: 'api.example.com/evil' }), 'host_malformed'],
    ['malformed 127.1', req({ host: '127.1' }), 'host_malformed'],
    ['header name case', req({ Host: 'api.example.com' }), 'ok'],
    ['duplicate via array', req({ host: ['api.example.com', 'evil.net'] }), 'host_duplicate'],
    ['duplicate via array, same value', req({ host: ['api.example.com', 'api.example.com'] }), 'host_duplicate'],
    [
      'duplicate via rawHeaders',
      req({ host: 'api.example.com' }, { rawHeaders: ['Host', 'api.example.com', 'HOST', 'evil.net'] }),
      'host_duplicate',
    ],
    [
      'single in rawHeaders',
      req({ host: 'api.example.com' }, { rawHeaders: ['Host', 'api.example.com', 'X-Host', 'x'] }),
      'ok',
    ],
    ['HTTP/2 :authority agrees', req({ host: 'api.example.com' }, { authority: 'API.example.com' }), 'ok'],
    ['HTTP/2 :authority only', req({}, { authority: 'api.example.com', httpVersion: '2.0' }), 'ok'],
    ['HTTP/2 :authority header only', req({ ':authority': 'api.example.com' }), 'ok'],
    ['HTTP/2 :authority disagrees', req({ host: 'api.example.com' }, { authority: 'evil.net' }), 'host_mismatch'],
    [
      'HTTP/2 :authority header disagrees',
      req({ host: 'api.example.com', ':authority': 'app.example.com' }),
      'host_mismatch',
    ],
    [
      'HTTP/2 :authority port disagrees',
      req({ host: 'api.example.com:8443' }, { authority: 'api.example.com:9443' }),
      'host_mismatch',
    ],
    ['HTTP/2 :authority malformed', req({ host: 'api.example.com' }, { authority: 'a@b' }), 'host_mismatch'],
    ['HTTP/2 :authority not allowed', req({}, { authority: 'evil.net' }), 'host_not_allowed'],
    ['absolute-form agrees', req({ host: 'api.example.com' }, { url: 'http://api.example.com/x' }), 'ok'],
    ['absolute-form default port http', req({ host: 'api.example.com' }, { url: 'http://api.example.com:80/x' }), 'ok'],
    [
      'absolute-form default port https',
      req({ host: 'api.example.com:443' }, { url: 'https://api.example.com/x' }),
      'ok',
    ],
    ['absolute-form case', req({ host: 'api.example.com' }, { url: 'HTTP://API.EXAMPLE.COM/x' }), 'ok'],
    ['absolute-form disagrees', req({ host: 'api.example.com' }, { url: 'http://evil.net/x' }), 'host_mismatch'],
    [
      'absolute-form other port',
      req({ host: 'api.example.com' }, { url: 'http://api.example.com:8080/x' }),
      'host_mismatch',
    ],
    [
      'absolute-form https vs :80',
      req({ host: 'api.example.com:80' }, { url: 'https://api.example.com/x' }),
      'host_mismatch',
    ],
    [
      'absolute-form userinfo',
      req({ host: 'api.example.com' }, { url: 'http://api.example.com@evil.net/x' }),
      'host_mismatch',
    ],
    ['absolute-form empty authority', req({ host: 'api.example.com' }, { url: 'http:///x' }), 'host_mismatch'],
  ])('%s -> %s', async (_name, request, expected) => {
    expect(codeOf(await guard.check(request))).toBe(expected);
  });

  it('result.host is the normalised Host', async () => {
    const result = await guard.check(req({ host: 'API.Example.com.:8443' }));
    expect(result.ok && result.host).toEqual({ hostname: 'api.example.com', port: 8443 });
  });
});

describe('forwarded hosts', () => {
  it('trustProxy false ignores X-Forwarded-Host and Forwarded', async () => {
    const result = await make().check(
      req({ host: 'api.example.com', 'x-forwarded-host': 'evil.net', forwarded: 'host=evil.net' }),
    );
    expect(codeOf(result)).toBe('ok');
    expect(result.ok && result.host.hostname).toBe('api.example.com');
  });

  const proxied = make({ trustProxy: true });
  it.each<[string, GuardRequest['headers'], string]>([
    ['no forwarded headers', {}, 'ok'],
    ['XFH allowed', { 'x-forwarded-host': 'app.example.com' }, 'ok'],
    ['XFH not allowed', { 'x-forwarded-host': 'evil.net' }, 'forwarded_host_not_allowed'],
    ['XFH list, last bad', { 'x-forwarded-host': 'app.example.com, evil.net' }, 'forwarded_host_not_allowed'],
    ['XFH list, first bad', { 'x-forwarded-host': 'evil.net,app.example.com' }, 'forwarded_host_not_allowed'],
    [
      'XFH list, all allowed but two hosts',
      { 'x-forwarded-host': 'app.example.com, api.example.com:8443' },
      'forwarded_host_not_allowed',
    ],
    ['XFH list, one host', { 'x-forwarded-host': 'app.example.com, APP.example.com.' }, 'ok'],
    [
      'XFH list, one name, two ports',
      { 'x-forwarded-host': 'app.example.com, app.example.com:8443' },
      'forwarded_host_not_allowed',
    ],
    ['XFH lines, second bad', { 'x-forwarded-host': ['app.example.com', 'evil.net'] }, 'forwarded_host_not_allowed'],
    [
      'XFH lines, all allowed but two hosts',
      { 'x-forwarded-host': ['app.example.com', 'api.example.com'] },
      'forwarded_host_not_allowed',
    ],
    ['XFH lines, one host', { 'x-forwarded-host': ['app.example.com', 'app.example.com'] }, 'ok'],
    ['XFH malformed', { 'x-forwarded-host': 'app.example.com@evil.net' }, 'forwarded_host_not_allowed'],
    ['XFH empty item', { 'x-forwarded-host': 'app.example.com,' }, 'forwarded_host_not_allowed'],
    ['XFH any port of a name entry', { 'x-forwarded-host': 'api.example.com:9999' }, 'ok'],
    ['Forwarded host allowed', { forwarded: 'for=192.0.2.1;host=app.example.com;proto=https' }, 'ok'],
    ['Forwarded host quoted with port', { forwarded: 'for="[2001:db8::1]:1234";host="api.example.com:8443"' }, 'ok'],
    ['Forwarded host case-insensitive name', { forwarded: 'Host=app.example.com' }, 'ok'],
    ['Forwarded host not allowed', { forwarded: 'host=evil.net' }, 'forwarded_host_not_allowed'],
    ['Forwarded quoted not allowed', { forwarded: 'host="evil.net:443"' }, 'forwarded_host_not_allowed'],
    [
      'Forwarded several elements, second bad',
      { forwarded: 'host=app.example.com, for=1.2.3.4;host=evil.net' },
      'forwarded_host_not_allowed',
    ],
    [
      'Forwarded several elements, all allowed but two hosts',
      { forwarded: 'host=app.example.com, host=api.example.com' },
      'forwarded_host_not_allowed',
    ],
    [
      'Forwarded several elements, one host',
      { forwarded: 'host=app.example.com, for=1.2.3.4;host="app.example.com"' },
      'ok',
    ],
    [
      'XFH and Forwarded name two allowed hosts',
      { 'x-forwarded-host': 'api.example.com', forwarded: 'host=app.example.com' },
      'forwarded_host_not_allowed',
    ],
    [
      'XFH and Forwarded name one host',
      { 'x-forwarded-host': 'app.example.com', forwarded: 'host=app.example.com' },
      'ok',
    ],
    [
      'Forwarded lines, second bad',
      { forwarded: ['host=app.example.com', 'host=evil.net'] },
      'forwarded_host_not_allowed',
    ],
    ['Forwarded without host', { forwarded: 'for=192.0.2.1;proto=https' }, 'ok'],
    ['Forwarded malformed: unquoted port', { forwarded: 'host=api.example.com:8443' }, 'forwarded_host_not_allowed'],
    ['Forwarded malformed: unterminated quote', { forwarded: 'host="app.example.com' }, 'forwarded_host_not_allowed'],
    ['Forwarded malformed: no =', { forwarded: 'host' }, 'forwarded_host_not_allowed'],
    ['Forwarded malformed: junk after quote', { forwarded: 'host="app.example.com"x' }, 'forwarded_host_not_allowed'],
    ['Forwarded malformed: bad name', { forwarded: 'ho st=app.example.com' }, 'forwarded_host_not_allowed'],
    ['Forwarded empty host', { forwarded: 'host=""' }, 'forwarded_host_not_allowed'],
    ['Forwarded escaped quote', { forwarded: 'host="app.example.com\\"x"' }, 'forwarded_host_not_allowed'],
    [
      'both, Forwarded bad',
      { 'x-forwarded-host': 'app.example.com', forwarded: 'host=evil.net' },
      'forwarded_host_not_allowed',
    ],
    [
      'both, XFH bad',
      { 'x-forwarded-host': 'evil.net', forwarded: 'host=app.example.com' },
      'forwarded_host_not_allowed',
    ],
  ])('%s', async (_name, headers, expected) => {
    expect(codeOf(await proxied.check(req({ host: 'api.example.com', ...headers })))).toBe(expected);
  });

  it('result.host is the forwarded host (all forwarded values name one host)', async () => {
    const a = await proxied.check(
      req({ host: 'api.example.com', 'x-forwarded-host': 'app.example.com, App.Example.com' }),
    );
    expect(a.ok && a.host).toEqual({ hostname: 'app.example.com', port: undefined });
    const b = await proxied.check(
      req({ host: 'app.example.com', forwarded: 'for=x;host="API.example.com:8443", host="api.example.com:8443"' }),
    );
    expect(b.ok && b.host).toEqual({ hostname: 'api.example.com', port: 8443 });
  });

  it('port-restricted entries apply to forwarded hosts', async () => {
    const guard = createGuard({ hosts: ['api.example.com', 'app.example.com:8443'], trustProxy: true });
    expect(
      codeOf(await guard.check(req({ host: 'api.example.com', 'x-forwarded-host': 'app.example.com:8443' }))),
    ).toBe('ok');
    expect(
      codeOf(await guard.check(req({ host: 'api.example.com', 'x-forwarded-host': 'app.example.com:9999' }))),
    ).toBe('forwarded_host_not_allowed');
    expect(codeOf(await guard.check(req({ host: 'api.example.com', 'x-forwarded-host': 'app.example.com' })))).toBe(
      'forwarded_host_not_allowed',
    );
  });

  it('the Host header itself is still checked', async () => {
    expect(codeOf(await proxied.check(req({ host: 'evil.net', 'x-forwarded-host': 'app.example.com' })))).toBe(
      'host_not_allowed',
    );
  });
});

describe('origin rules', () => {
  const guard = make({ hosts: [...HOSTS, 'localhost:3000'] });
  const unsafe = (method: string, headers: GuardRequest['headers'], host = 'api.example.com') =>
    guard.check({ method, url: '/', headers: { host, ...headers } });

  it.each(['GET', 'HEAD', 'OPTIONS'])('%s skips origin checks', async (method) => {
    expect(codeOf(await unsafe(method, { origin: 'https://evil.net' }))).toBe('ok');
    expect(codeOf(await unsafe(method, { origin: 'null', 'sec-fetch-site': 'cross-site' }))).toBe('ok');
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'post', 'PROPFIND'])('%s needs an allowed origin', async (method) => {
    expect(codeOf(await unsafe(method, { origin: 'https://app.example.com' }))).toBe('ok');
    expect(codeOf(await unsafe(method, { origin: 'https://evil.net' }))).toBe('origin_not_allowed');
  });

  it.each<[string, GuardRequest['headers'], string, string?]>([
    ['allowed origin, default port spelt out', { origin: 'https://app.example.com:443' }, 'ok'],
    ['same-origin', { origin: 'https://api.example.com' }, 'ok'],
    ['same-origin http', { origin: 'http://api.example.com' }, 'ok'],
    ['same-origin with port', { origin: 'http://localhost:3000' }, 'ok', 'localhost:3000'],
    ['same host, other port', { origin: 'http://localhost:4000' }, 'origin_not_allowed', 'localhost:3000'],
    [
      'same host, default port differs',
      { origin: 'https://api.example.com' },
      'origin_not_allowed',
      'api.example.com:8443',
    ],
    ['lookalike suffix', { origin: 'https://app.example.com.evil.net' }, 'origin_not_allowed'],
    ['lookalike userinfo', { origin: 'https://app.example.com@evil.net' }, 'origin_malformed'],
    ['lookalike path', { origin: 'https://evil.net/app.example.com' }, 'origin_malformed'],
    ['other scheme', { origin: 'http://app.example.com' }, 'origin_not_allowed'],
    ['subdomain', { origin: 'https://x.app.example.com' }, 'origin_not_allowed'],
    ['Origin: null', { origin: 'null' }, 'origin_not_allowed'],
    ['Origin with trailing slash', { origin: 'https://app.example.com/' }, 'origin_malformed'],
    ['Origin empty', { origin: '' }, 'origin_malformed'],
    [
      'Origin wins over Referer',
      { origin: 'https://evil.net', referer: 'https://app.example.com/' },
      'origin_not_allowed',
    ],
    ['Referer fallback allowed', { referer: 'https://app.example.com/settings?x=1' }, 'ok'],
    ['Referer same-origin', { referer: 'https://api.example.com/page' }, 'ok'],
    ['Referer lookalike (no prefix match)', { referer: 'https://app.example.com.evil.net/x' }, 'origin_not_allowed'],
    ['Referer path lookalike', { referer: 'https://evil.net/https://app.example.com' }, 'origin_not_allowed'],
    ['Referer userinfo', { referer: 'https://app.example.com@evil.net/' }, 'origin_malformed'],
    ['Referer garbage', { referer: 'not a url' }, 'origin_malformed'],
    ['Referer duplicate', { referer: ['https://app.example.com/', 'https://evil.net/'] }, 'origin_malformed'],
    ['neither header', {}, 'ok'],
    ['Sec-Fetch-Site cross-site without origin', { 'sec-fetch-site': 'cross-site' }, 'cross_site_request'],
    ['Sec-Fetch-Site CROSS-SITE', { 'sec-fetch-site': 'Cross-Site' }, 'cross_site_request'],
    ['Sec-Fetch-Site same-origin without origin', { 'sec-fetch-site': 'same-origin' }, 'ok'],
    ['Sec-Fetch-Site none', { 'sec-fetch-site': 'none' }, 'ok'],
    [
      'Sec-Fetch-Site cross-site with allowed origin',
      { 'sec-fetch-site': 'cross-site', origin: 'https://app.example.com' },
      'ok',
    ],
    [
      'Sec-Fetch-Site cross-site with foreign origin',
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.net' },
      'origin_not_allowed',
    ],
    [
      'Sec-Fetch-Site cross-site with allowed referer',
      { 'sec-fetch-site': 'cross-site', referer: 'https://app.example.com/' },
      'ok',
    ],
    ['duplicate Origin via array', { origin: ['https://app.example.com', 'https://evil.net'] }, 'origin_malformed'],
    ['Origin joined by Node', { origin: 'https://app.example.com, https://evil.net' }, 'origin_malformed'],
  ])('POST %s -> %s', async (_name, headers, expected, host) => {
    expect(codeOf(await unsafe('POST', headers, host))).toBe(expected);
  });

  it('duplicate Origin via rawHeaders', async () => {
    const result = await guard.check({
      method: 'POST',
      url: '/',
      headers: { host: 'api.example.com', origin: 'https://app.example.com' },
      rawHeaders: ['Host', 'api.example.com', 'Origin', 'https://app.example.com', 'origin', 'https://evil.net'],
    });
    expect(codeOf(result)).toBe('origin_malformed');
  });

  it('requireOrigin rejects requests with neither header', async () => {
    const strict = make({ requireOrigin: true });
    expect(codeOf(await strict.check({ method: 'POST', url: '/', headers: { host: 'api.example.com' } }))).toBe(
      'origin_missing',
    );
    expect(codeOf(await strict.check({ method: 'GET', url: '/', headers: { host: 'api.example.com' } }))).toBe('ok');
    expect(
      codeOf(
        await strict.check({
          method: 'POST',
          url: '/',
          headers: { host: 'api.example.com', origin: 'https://app.example.com' },
        }),
      ),
    ).toBe('ok');
  });

  it('custom safeMethods', async () => {
    const custom = make({ safeMethods: ['GET'] });
    expect(
      codeOf(
        await custom.check({
          method: 'OPTIONS',
          url: '/',
          headers: { host: 'api.example.com', origin: 'https://evil.net' },
        }),
      ),
    ).toBe('origin_not_allowed');
  });

  it.each<[string, GuardRequest['headers'], string]>([
    ['without Origin', { upgrade: 'websocket', connection: 'Upgrade' }, 'origin_missing'],
    ['without Origin, case', { upgrade: 'WebSocket' }, 'origin_missing'],
    ['without Origin, list', { upgrade: 'h2c, websocket' }, 'origin_missing'],
    ['Referer is not enough', { upgrade: 'websocket', referer: 'https://app.example.com/' }, 'origin_missing'],
    ['foreign Origin', { upgrade: 'websocket', origin: 'https://evil.net' }, 'origin_not_allowed'],
    ['Origin null', { upgrade: 'websocket', origin: 'null' }, 'origin_not_allowed'],
    ['allowed Origin', { upgrade: 'websocket', origin: 'https://app.example.com' }, 'ok'],
    ['same-origin', { upgrade: 'websocket', origin: 'https://api.example.com' }, 'ok'],
    ['not websocket upgrade', { upgrade: 'h2c' }, 'ok'],
  ])('WebSocket GET %s -> %s', async (_name, headers, expected) => {
    expect(
      codeOf(await guard.check({ method: 'GET', url: '/ws', headers: { host: 'api.example.com', ...headers } })),
    ).toBe(expected);
  });

  it('isAllowedOrigin uses the configured list only', () => {
    expect(guard.isAllowedOrigin('https://app.example.com')).toBe(true);
    expect(guard.isAllowedOrigin('https://app.example.com:443')).toBe(true);
    expect(guard.isAllowedOrigin('https://app.example.com.evil.net')).toBe(false);
    expect(guard.isAllowedOrigin('https://app.example.com/')).toBe(false);
    expect(guard.isAllowedOrigin('null')).toBe(false);
    expect(guard.isAllowedOrigin('https://api.example.com')).toBe(false);
    expect(createGuard({ hosts: HOSTS }).isAllowedOrigin('https://app.example.com')).toBe(false);
  });

  it('isAllowedHost parses strictly', () => {
    expect(guard.isAllowedHost('api.example.com')).toBe(true);
    expect(guard.isAllowedHost('API.EXAMPLE.COM.')).toBe(true);
    expect(guard.isAllowedHost('api.example.com.evil.net')).toBe(false);
    expect(guard.isAllowedHost('@api.example.com')).toBe(false);
    expect(guard.isAllowedHost('')).toBe(false);
  });
});

describe('auth modes and exclusions', () => {
  const guard = authGuard({ exclude: ['/healthz', '/public/*', /\/metrics(\/.*)?/] });
  const get = (url: string, headers: GuardRequest['headers'] = {}, g = guard, method = 'GET') =>
    g.check({ method, url, headers: { host: 'api.example.com', ...headers } });

  it('required (default), optional, off', async () => {
    expect(codeOf(await get('/'))).toBe('token_missing');
    expect(codeOf(await guard.check(req({ host: 'api.example.com' }), { auth: 'required' }))).toBe('token_missing');
    const optional = await guard.check(req({ host: 'api.example.com' }), { auth: 'optional' });
    expect(optional.ok && optional.auth).toBeUndefined();
    expect(codeOf(optional)).toBe('ok');
    expect(
      codeOf(await guard.check(req({ host: 'api.example.com', authorization: 'Bearer junk' }), { auth: 'optional' })),
    ).toBe('token_invalid');
    // Another scheme is no Bearer credentials at all (RFC 6750 §3.1): optional lets it pass, required asks for a token.
    expect(
      codeOf(await guard.check(req({ host: 'api.example.com', authorization: 'Basic abc' }), { auth: 'optional' })),
    ).toBe('ok');
    expect(
      codeOf(await guard.check(req({ host: 'api.example.com', authorization: 'Basic abc' }), { auth: 'required' })),
    ).toBe('token_missing');
    expect(
      codeOf(await guard.check(req({ host: 'api.example.com', authorization: 'Bearer junk' }), { auth: 'off' })),
    ).toBe('ok');
    const good = await guard.check(req({ host: 'api.example.com', authorization: `Bearer ${token()}` }), {
      auth: 'optional',
    });
    expect(good.ok && good.auth?.claims.sub).toBe('u1');
    expect(codeOf(await guard.check(req({ host: 'evil.net' }), { auth: 'off' }))).toBe('host_not_allowed');
  });

  it('a guard without auth never looks at tokens', async () => {
    const plain = make();
    expect(plain.hasAuth).toBe(false);
    expect(guard.hasAuth).toBe(true);
    const result = await plain.check(req({ host: 'api.example.com', authorization: 'Bearer junk' }));
    expect(result.ok && result.auth).toBeUndefined();
  });

  it('token_duplicate via rawHeaders and via array', async () => {
    const t = `Bearer ${token()}`;
    expect(
      codeOf(
        await guard.check(
          req(
            { host: 'api.example.com', authorization: t },
            { rawHeaders: ['host', 'api.example.com', 'Authorization', t, 'Authorization', t] },
          ),
        ),
      ),
    ).toBe('token_duplicate');
    expect(codeOf(await get('/', { authorization: [t, t] }))).toBe('token_duplicate');
  });

  it('query-string tokens are ignored', async () => {
    expect(codeOf(await get(`/?access_token=${token()}`))).toBe('token_missing');
  });

  it.each([
    '/healthz',
    '/healthz?probe=1',
    '/public/',
    '/public/a/b.css',
    '/metrics',
    '/metrics/x',
    'http://api.example.com/healthz',
  ])('%s is excluded from auth', async (url) => {
    const result = await get(url);
    expect(codeOf(result)).toBe('ok');
    expect(result.ok && result.auth).toBeUndefined();
  });

  it.each([
    '/healthz/../admin',
    '/healthz/./x',
    '/public/../admin',
    '/public/./../admin',
    '/public/%2e%2e/admin',
    '/public/%2E%2E/admin',
    '/public/.%2e/admin',
    '/public/..%2fadmin',
    '/healthz%2f..%2fadmin',
    '/public\\..\\admin',
    '/public/..\\admin',
    '/metrics/../admin',
    '/healthz/',
    '/healthzx',
    '/HEALTHZ',
    '/public',
    '/publicx/a',
    '/admin/healthz',
    '/admin#/healthz',
  ])('%s is NOT excluded', async (url) => {
    expect(codeOf(await get(url))).toBe('token_missing');
  });

  it('excluded paths still get the Host check', async () => {
    expect(codeOf(await guard.check({ method: 'GET', url: '/healthz', headers: { host: 'rebind.test' } }))).toBe(
      'host_not_allowed',
    );
    expect(codeOf(await guard.check({ method: 'GET', url: '/healthz', headers: {} }))).toBe('host_missing');
  });

  it('excluded paths skip the origin check', async () => {
    expect(codeOf(await get('/healthz', { origin: 'https://evil.net' }, guard, 'POST'))).toBe('ok');
  });

  it('excludeHost skips the Host check only on excluded paths', async () => {
    const probes = authGuard({ exclude: ['/healthz'], excludeHost: true, trustProxy: true });
    expect(codeOf(await probes.check({ method: 'GET', url: '/healthz', headers: { host: '10.1.2.3:8080' } }))).toBe(
      'ok',
    );
    expect(codeOf(await probes.check({ method: 'GET', url: '/healthz', headers: {} }))).toBe('ok');
    expect(
      codeOf(
        await probes.check({ method: 'GET', url: '/healthz', headers: { host: 'x', 'x-forwarded-host': 'evil.net' } }),
      ),
    ).toBe('ok');
    expect(codeOf(await probes.check({ method: 'GET', url: '/other', headers: { host: '10.1.2.3:8080' } }))).toBe(
      'host_not_allowed',
    );
    expect(
      codeOf(await probes.check({ method: 'GET', url: '/healthz/../admin', headers: { host: '10.1.2.3:8080' } })),
    ).toBe('host_not_allowed');
  });

  it('bad exclude entries throw', () => {
    for (const exclude of [['healthz'], ['/a*b'], ['/x?y'], [42], '/healthz']) {
      expect(() => make({ exclude: exclude as never })).toThrow(TypeError);
    }
  });
});

describe('checkScopes', () => {
  const guard = authGuard();
  async function authOf(claims: Record<string, unknown>) {
    const result = await guard.check(req({ host: 'api.example.com', authorization: `Bearer ${token(claims)}` }));
    if (!result.ok) throw new Error(result.code);
    return result.auth;
  }

  it('scope string', async () => {
    const auth = await authOf({ scope: 'read write' });
    expect(guard.checkScopes(auth, ['read'])).toBeUndefined();
    expect(guard.checkScopes(auth, ['read', 'write'])).toBeUndefined();
    expect(guard.checkScopes(auth, [])).toBeUndefined();
    const failure = guard.checkScopes(auth, ['admin', 'delete']);
    expect(failure?.code).toBe('insufficient_scope');
    expect(failure?.status).toBe(403);
    expect(failure?.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="admin delete"',
    );
  });

  it('scp array', async () => {
    const auth = await authOf({ scp: ['read', 'write'] });
    expect(guard.checkScopes(auth, ['write'])).toBeUndefined();
    expect(guard.checkScopes(auth, ['read write'.split(' ')[0] ?? ''])).toBeUndefined();
    expect(guard.checkScopes(auth, ['admin'])?.code).toBe('insufficient_scope');
  });

  it('scope is not a prefix match', async () => {
    const auth = await authOf({ scope: 'readonly' });
    expect(guard.checkScopes(auth, ['read'])?.code).toBe('insufficient_scope');
  });

  it('no auth means token_missing', () => {
    const failure = guard.checkScopes(undefined, ['read']);
    expect(failure?.code).toBe('token_missing');
    expect(failure?.status).toBe(401);
  });

  it('bad scope names throw', async () => {
    const auth = await authOf({ scope: 'read' });
    for (const scopes of [['a b'], ['a"b'], ['a\\b'], [''], [42]]) {
      expect(() => guard.checkScopes(auth, scopes as never)).toThrow(TypeError);
    }
  });
});

describe('problem details', () => {
  it('toProblem shape', () => {
    expect(toProblem({ code: 'host_not_allowed' })).toEqual({
      type: `${DOCS_URL}/reference/result-codes#host_not_allowed`,
      title: describeCode('host_not_allowed').title,
      status: 403,
      code: 'host_not_allowed',
      detail: describeCode('host_not_allowed').message,
    });
  });

  it('problemResponse never echoes the offending header', async () => {
    const marker = 'rebind-marker-7f3a.evil.net';
    const guard = authGuard({ trustProxy: true });
    const requests: GuardRequest[] = [
      req({ host: marker }),
      req({ host: `${marker}/x` }),
      req({ host: 'api.example.com', 'x-forwarded-host': marker }),
      { method: 'POST', url: '/', headers: { host: 'api.example.com', origin: `https://${marker}` } },
      { method: 'POST', url: '/', headers: { host: 'api.example.com', referer: `https://${marker}/` } },
      req({ host: 'api.example.com', authorization: `Bearer ${marker}` }),
      req({ host: 'api.example.com', authorization: `Bearer ${token({ aud: marker })}` }),
    ];
    for (const request of requests) {
      const result = await guard.check(request);
      if (result.ok) throw new Error('expected a failure');
      const response = problemResponse(result);
      expect(response.status).toBe(result.status);
      expect(response.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
      expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
      expect(response.headers['cache-control']).toBe('no-store');
      const body = JSON.parse(response.body) as Record<string, unknown>;
      expect(body).toEqual(toProblem(result));
      expect(body.type).toBe(`${DOCS_URL}/reference/result-codes#${result.code}`);
      expect(response.body).not.toContain('rebind-marker');
      expect(JSON.stringify(response.headers)).not.toContain('rebind-marker');
      expect(result.message).not.toContain('rebind-marker');
    }
  });

  it('problemResponse keeps www-authenticate', async () => {
    const result = await authGuard().check(req({ host: 'api.example.com' }));
    if (result.ok) throw new Error('expected a failure');
    expect(problemResponse(result).headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

describe('result codes', () => {
  const expected: Record<string, number> = {
    host_missing: 400,
    host_malformed: 400,
    host_duplicate: 400,
    host_mismatch: 400,
    host_not_allowed: 403,
    forwarded_host_not_allowed: 403,
    origin_missing: 403,
    origin_malformed: 403,
    origin_not_allowed: 403,
    cross_site_request: 403,
    token_missing: 401,
    token_malformed: 400,
    token_duplicate: 400,
    token_invalid: 401,
    token_expired: 401,
    token_not_active: 401,
    token_audience_invalid: 401,
    token_issuer_invalid: 401,
    token_algorithm_invalid: 401,
    token_claims_invalid: 401,
    key_unavailable: 503,
    insufficient_scope: 403,
    guard_error: 500,
  };

  it('every documented code exists with its status', () => {
    expect(Object.fromEntries(RESULT_CODES.map((info) => [info.code, info.status]))).toEqual(expected);
  });

  it.each(RESULT_CODES.map((info) => [info.code, info] as const))('%s is well formed', (code, info) => {
    expect(info.docs).toBe(`${DOCS_URL}/reference/result-codes#${code}`);
    expect(info.title.length).toBeGreaterThan(0);
    expect(info.message.length).toBeGreaterThan(0);
    expect(describeCode(code)).toBe(info);
    expect(Object.isFrozen(info)).toBe(true);
  });

  it('describeCode refuses unknown codes', () => {
    expect(() => describeCode('nope' as never)).toThrow(TypeError);
  });
});

describe('check never throws', () => {
  it.each<[string, unknown]>([
    ['null request', null],
    ['undefined request', undefined],
    ['string request', 'GET /'],
    ['no headers', { method: 'GET', url: '/' }],
    ['null headers', { method: 'GET', url: '/', headers: null }],
    ['number url', { method: 'GET', url: 42, headers: { host: 'api.example.com' } }],
    ['number host', { method: 'GET', url: '/', headers: { host: 42 } }],
    ['rawHeaders not array', { method: 'GET', url: '/', headers: { host: 'api.example.com' }, rawHeaders: 'Host' }],
    [
      'rawHeaders with non-strings',
      { method: 'GET', url: '/', headers: { host: 'api.example.com' }, rawHeaders: [1, 2, null, {}] },
    ],
    ['XFH number', { method: 'GET', url: '/', headers: { host: 'api.example.com', 'x-forwarded-host': [1] } }],
    ['method undefined', { url: '/', headers: { host: 'api.example.com', origin: 'https://evil.net' } }],
  ])('%s', async (_name, request) => {
    const guard = authGuard({ trustProxy: true });
    const result = await guard.check(request as GuardRequest);
    expect(typeof result.ok).toBe('boolean');
  });

  it('an internal failure fails closed as 500 guard_error, warned once, never as a token problem', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const guard = createGuard({ hosts: ['api.example.com'] });
      const exploding = { method: 'GET', url: '/', headers: { host: 'api.example.com', 'x-forwarded-host': 'x' } };
      const servedHost = (): string => {
        throw new Error('framework getter failed');
      };
      for (let i = 0; i < 3; i++) {
        const result = await guard.check(exploding, { servedHost });
        expect(result).toMatchObject({ ok: false, code: 'guard_error', status: 500 });
        expect(result.ok ? {} : result.headers).toEqual({});
      }
      const headers = new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('hostile headers object');
          },
        },
      );
      expect(await guard.check({ method: 'GET', url: '/', headers })).toMatchObject({ ok: false, code: 'guard_error' });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/refused with guard_error \(Error: framework getter failed\)/);
    } finally {
      warn.mockRestore();
    }
  });
});
