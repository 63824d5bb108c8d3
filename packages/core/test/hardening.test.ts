/**
 * Regressions from the adversarial review (issue 11), core level: forgeable keys, host-bound
 * audience bypasses, catch-alls in disguise, RFC 6750 statuses, repeated headers, clock claims.
 * Each case failed on the code before the fix. The socket-level half lives in test/adversarial.
 */
import { createSecretKey } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  createGuard,
  hostEntryProblem,
  parseHost,
  type AuthOptions,
  type GuardRequest,
  type GuardResult,
} from '../src/index.js';
import { craftToken, TEST_AUDIENCE as AUD, TEST_ISSUER as ISS, testKeyPair } from '../../../test/helpers/tokens.js';

const NOW = Math.floor(Date.now() / 1000);
const SECRET32 = 'k'.repeat(32);

const goodClaims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: 'u1',
  aud: AUD,
  iss: ISS,
  iat: NOW,
  exp: NOW + 300,
  ...extra,
});

const codeOf = (result: GuardResult): string => (result.ok ? 'ok' : result.code);
const req = (headers: Record<string, string | string[]>, extra: Partial<GuardRequest> = {}): GuardRequest => ({
  method: 'GET',
  url: '/',
  headers,
  ...extra,
});

const auth = (overrides: Partial<AuthOptions>): AuthOptions => ({
  algorithms: ['HS256'],
  audience: AUD,
  issuer: ISS,
  ...overrides,
});

describe('HMAC keys shorter than the hash are refused in every form (RFC 7518 §3.2)', () => {
  const weak: [string, () => AuthOptions['key']][] = [
    ['JWK with empty k (process.env.JWT_K ?? "")', () => ({ kty: 'oct', k: '' })],
    ['JWK k "A" (decodes to 0 bytes)', () => ({ kty: 'oct', k: 'A' })],
    ['empty secret KeyObject', () => createSecretKey(Buffer.alloc(0))],
    ['16-byte KeyObject', () => createSecretKey(Buffer.alloc(16, 1))],
    ['empty string', () => ''],
    ['31-character string', () => 'x'.repeat(31)],
    ['empty bytes', () => new Uint8Array(0)],
    ['JWK of 31 bytes', () => ({ kty: 'oct', k: Buffer.alloc(31, 7).toString('base64url') })],
  ];
  it.each(weak)('%s', (_name, key) => {
    expect(() => createGuard({ hosts: ['api.example.com'], auth: auth({ key: key() }) })).toThrow(
      /auth\.key is (an empty|a \d+-byte) secret; HS256 needs at least 32 random bytes/,
    );
  });

  it('the longest listed hash sets the minimum: HS512 needs 64 bytes', () => {
    expect(() =>
      createGuard({ hosts: ['a.example.com'], auth: auth({ key: 'x'.repeat(48), algorithms: ['HS256', 'HS512'] }) }),
    ).toThrow(/HS256\/HS512 needs at least 64/);
    expect(() =>
      createGuard({ hosts: ['a.example.com'], auth: auth({ key: 'x'.repeat(47), algorithms: ['HS384'] }) }),
    ).toThrow(/48/);
    expect(() =>
      createGuard({ hosts: ['a.example.com'], auth: auth({ key: 'x'.repeat(64), algorithms: ['HS256', 'HS512'] }) }),
    ).not.toThrow();
  });

  it('a token HMAC-signed with an empty key never verifies through getKey; one warning, no key in it', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      for (const bad of [
        { kty: 'oct', k: '' },
        { kty: 'oct', k: 'A' },
        createSecretKey(Buffer.alloc(0)),
        '',
        'short',
      ]) {
        const guard = createGuard({ hosts: ['api.example.com'], auth: auth({ getKey: () => bad as never }) });
        const token = craftToken(goodClaims(), { secret: typeof bad === 'string' ? bad : Buffer.alloc(0) });
        for (let i = 0; i < 3; i++) {
          const result = await guard.check(req({ host: 'api.example.com', authorization: `Bearer ${token}` }));
          expect(codeOf(result)).toBe('token_invalid');
        }
      }
      // One warning per guard (five guards), each naming the problem and never the key.
      expect(warn).toHaveBeenCalledTimes(5);
      for (const [message] of warn.mock.calls)
        expect(String(message)).toMatch(/getKey returned a key that is (an empty|a \d+-byte) secret/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('public-key material is refused as an HMAC secret in every disguise', () => {
  const rsa = testKeyPair('rsa');
  const ec = testKeyPair('ec-p256');
  const pem: string = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const jwk = rsa.publicKey.export({ format: 'jwk' });
  const cases: [string, () => AuthOptions['key'], RegExp][] = [
    ['lower-case PEM', () => pem.toLowerCase(), /PEM/],
    ['PEM with CRLF and spaces', () => `  ${pem.replace(/\n/g, '\r\n')}`, /PEM/],
    ['DER SPKI bytes', () => rsa.publicKey.export({ format: 'der', type: 'spki' }), /DER/],
    ['DER PKCS#1 bytes', () => rsa.publicKey.export({ format: 'der', type: 'pkcs1' }), /DER/],
    [
      'base64 of DER (PEM body without header lines)',
      () => rsa.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      /DER/,
    ],
    ['EC DER SPKI bytes', () => ec.publicKey.export({ format: 'der', type: 'spki' }), /DER/],
    ['a JWK object', () => jwk, /kty "oct"/],
    ['a JWK as JSON text', () => JSON.stringify(jwk), /JWK/],
    ['an ssh-rsa line', () => `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC${'a'.repeat(300)} user@host`, /OpenSSH/],
    ['an ssh-ed25519 line', () => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'b'.repeat(40)} me`, /OpenSSH/],
    ['a public KeyObject', () => rsa.publicKey, /not a public key/],
  ];
  it.each(cases)('%s', (_name, key, why) => {
    let message = '';
    try {
      createGuard({ hosts: ['api.example.com'], auth: auth({ key: key() }) });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(why);
    expect(message).toMatch(/algorithm-confusion/);
  });

  it('a random secret that happens to start with 0x30 is still fine', () => {
    const bytes = Buffer.alloc(40, 0x41);
    bytes[0] = 0x30;
    expect(() => createGuard({ hosts: ['api.example.com'], auth: auth({ key: bytes }) })).not.toThrow();
  });
});

describe('maxAge and iat', () => {
  it.each([0, -1, Number.NaN, Infinity])('maxAge %s is refused (0 would switch the age check off)', (maxAge) => {
    expect(() => createGuard({ hosts: ['api.example.com'], auth: auth({ key: SECRET32, maxAge }) })).toThrow(
      /maxAge must be a positive number/,
    );
  });

  it.each<[number, string]>([
    [0, 'token_claims_invalid'],
    [-5, 'token_expired'],
  ])('iat %s is refused (jsonwebtoken treats 0 as unset and measures maxAge from now)', async (iat, code) => {
    const guard = createGuard({
      hosts: ['api.example.com'],
      auth: auth({ key: SECRET32, requireExp: false, maxAge: 900 }),
    });
    const token = craftToken({ sub: 'u1', aud: AUD, iss: ISS, iat }, { secret: SECRET32 });
    expect(codeOf(await guard.check(req({ host: 'api.example.com', authorization: `Bearer ${token}` })))).toBe(code);
  });

  it('a recent positive iat passes', async () => {
    const guard = createGuard({
      hosts: ['api.example.com'],
      auth: auth({ key: SECRET32, requireExp: false, maxAge: 900 }),
    });
    const token = craftToken({ sub: 'u1', aud: AUD, iss: ISS, iat: NOW - 10 }, { secret: SECRET32 });
    expect(codeOf(await guard.check(req({ host: 'api.example.com', authorization: `Bearer ${token}` })))).toBe('ok');
  });
});

describe('host-bound audience with trustProxy: every forwarded value must name one host', () => {
  const guard = createGuard({
    hosts: ['.tenant.example.com'],
    trustProxy: true,
    auth: auth({ key: SECRET32, audience: (host) => `https://${host.hostname}` }),
  });
  const tokenA = craftToken(goodClaims({ aud: 'https://a.tenant.example.com' }), { secret: SECRET32 });
  const bearer = `Bearer ${tokenA}`;

  it.each<[string, Record<string, string>]>([
    [
      'X-Forwarded-Host: a, b (Fastify serves the last value)',
      { host: 'b.tenant.example.com', 'x-forwarded-host': 'a.tenant.example.com, b.tenant.example.com' },
    ],
    [
      'X-Forwarded-Host: b, a',
      { host: 'a.tenant.example.com', 'x-forwarded-host': 'b.tenant.example.com, a.tenant.example.com' },
    ],
    [
      'Forwarded and X-Forwarded-Host disagree',
      {
        host: 'b.tenant.example.com',
        forwarded: 'host=a.tenant.example.com',
        'x-forwarded-host': 'b.tenant.example.com',
      },
    ],
  ])('%s', async (_name, headers) => {
    expect(codeOf(await guard.check(req({ ...headers, authorization: bearer })))).toBe('forwarded_host_not_allowed');
  });

  it('Forwarded: host=a on Host b is refused when the framework serves b (servedHost)', async () => {
    const result = await guard.check(
      req({ host: 'b.tenant.example.com', forwarded: 'host=a.tenant.example.com', authorization: bearer }),
      {
        servedHost: () => 'b.tenant.example.com',
      },
    );
    expect(codeOf(result)).toBe('forwarded_host_not_allowed');
  });

  it('the same token on its own host, consistently forwarded, passes', async () => {
    const result = await guard.check(
      req({
        host: 'internal:3000',
        'x-forwarded-host': 'a.tenant.example.com',
        forwarded: 'host=a.tenant.example.com',
        authorization: bearer,
      }),
      { servedHost: () => 'a.tenant.example.com' },
    );
    expect(codeOf(result)).toBe('host_not_allowed'); // the Host header itself is still checked…
    const ok = await guard.check(
      req({ host: 'b.tenant.example.com', 'x-forwarded-host': 'a.tenant.example.com', authorization: bearer }),
      { servedHost: () => 'a.tenant.example.com' },
    );
    expect(codeOf(ok)).toBe('ok'); // …and the audience is bound to the forwarded host the framework serves.
  });

  it('without trustProxy, a framework that serves an unvalidated X-Forwarded-Host is refused', async () => {
    const plain = createGuard({ hosts: ['api.example.com'] });
    const headers = { host: 'api.example.com', 'x-forwarded-host': 'evil.example.net' };
    expect(codeOf(await plain.check(req(headers), { servedHost: () => 'evil.example.net' }))).toBe(
      'forwarded_host_not_allowed',
    );
    expect(codeOf(await plain.check(req(headers), { servedHost: () => 'api.example.com' }))).toBe('ok');
    // servedHost is not consulted when nothing is forwarded.
    const servedHost = vi.fn(() => 'whatever');
    expect(codeOf(await plain.check(req({ host: 'api.example.com' }), { servedHost }))).toBe('ok');
    expect(servedHost).not.toHaveBeenCalled();
  });
});

describe('WebSocket upgrades on excluded paths still need an allowed Origin', () => {
  const guard = createGuard({
    hosts: ['api.example.com'],
    origins: ['https://app.example.com'],
    exclude: ['/public/*', /\/live\/[a-z]+/],
  });
  const upgrade = (origin: string | undefined, url: string): GuardRequest =>
    req(
      {
        host: 'api.example.com',
        upgrade: 'websocket',
        connection: 'Upgrade',
        ...(origin === undefined ? {} : { origin }),
      },
      { url },
    );

  it.each(['/public/live', '/live/feed'])('%s', async (url) => {
    expect(codeOf(await guard.check(upgrade('https://evil.com', url)))).toBe('origin_not_allowed');
    expect(codeOf(await guard.check(upgrade(undefined, url)))).toBe('origin_missing');
    expect(codeOf(await guard.check(upgrade('https://app.example.com', url)))).toBe('ok');
    // A plain GET of the same excluded path still skips the origin check.
    expect(codeOf(await guard.check(req({ host: 'api.example.com', origin: 'https://evil.com' }, { url })))).toBe('ok');
  });
});

describe('catch-alls in disguise are refused with a message', () => {
  it.each<[string | RegExp, RegExp]>([
    ['::ffff:0:0/96', /IPv4-mapped/],
    ['::/8', /IPv4-mapped/],
    ['::/7', /IPv4-mapped/],
    ['::ffff:10.0.0.0/104', /IPv4-mapped/],
    ['[::ffff:0:0]/96', /IPv4-mapped/],
    ['2000::/16', /public IPv6/],
    ['0.0.0.0/8', /unspecified/],
    ['0.0.0.0', /unspecified/],
    ['0.0.0.0:8080', /unspecified/],
    ['[::]', /unspecified/],
    ['::', /unspecified/],
    [/.*:8080/, /unrelated host names/],
    [/[^:]+:8080/, /unrelated host names/],
    [/[^:]+:8123/, /unrelated host names/],
    [/[a-z-]+\.com/, /unrelated host names/],
    [/localhost.*/, /unrelated host names/],
    [/.+\.[a-z]+/, /unrelated host names/],
    ['.co.uk', /public suffix/],
    ['*.co.uk', /public suffix/],
    ['.github.io', /public suffix/],
    ['*.herokuapp.com', /public suffix/],
    ['.com', /public suffix/],
  ])('%s', (entry, why) => {
    const problem = hostEntryProblem(entry);
    expect(problem).toMatch(why);
    expect(() => createGuard({ hosts: [entry] })).toThrow(problem);
  });

  it.each<string | RegExp>([
    'api.example.com',
    '.example.co.uk',
    '*.myproject.github.io',
    '.localhost',
    '*.internal',
    '.corp.internal',
    '10.0.0.0/8',
    'fd00::/8',
    'fe80::/10',
    '2001:db8:1234::/48',
    '127.0.0.1',
    '[::1]',
    /pr-\d+\.preview\.example\.com/,
    /[a-z]+\.example\.com:8080/,
  ])('%s stays allowed', (entry) => {
    expect(hostEntryProblem(entry)).toBeUndefined();
  });

  it('a URL gets "write the host name, not a URL"', () => {
    expect(hostEntryProblem('https://api.example.com')).toMatch(/Write the host name, not a URL: "api\.example\.com"/);
    expect(hostEntryProblem('http://localhost:3000/')).toMatch(/not a URL: "localhost:3000"/);
    expect(hostEntryProblem('api.example.com/v1')).toMatch(/has a path/);
  });
});

describe('exclude entries that exclude everything are refused', () => {
  it.each<string | RegExp>(['/*', /.*/, /\/.*/, /\/[^?]*/, /.+/])('%s', (entry) => {
    expect(() => createGuard({ hosts: ['api.example.com'], exclude: [entry] })).toThrow(
      /exclude entry .* (excludes every path|matches unrelated paths)/,
    );
  });

  it.each<string | RegExp>(['/healthz', '/public/*', /\/healthz(\/live|\/ready)?/, /\/static\/.+\.css/])(
    '%s is fine',
    (entry) => {
      expect(() => createGuard({ hosts: ['api.example.com'], exclude: [entry] })).not.toThrow();
    },
  );
});

describe('RFC 6750 §3.1 statuses and challenges', () => {
  const guard = createGuard({ hosts: ['api.example.com'], auth: auth({ key: SECRET32 }) });
  const run = (authorization: string | string[] | undefined, rawHeaders?: string[]): Promise<GuardResult> =>
    guard.check(
      req(
        { host: 'api.example.com', ...(authorization === undefined ? {} : { authorization }) },
        rawHeaders === undefined ? {} : { rawHeaders },
      ),
    );

  it.each<[string, string | string[] | undefined, string[] | undefined, number, string]>([
    ['no header', undefined, undefined, 401, 'Bearer realm="api"'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz', undefined, 401, 'Bearer realm="api"'],
    ['Bearer without token', 'Bearer', undefined, 400, 'Bearer realm="api", error="invalid_request"'],
    ['two tokens', 'Bearer a b', undefined, 400, 'Bearer realm="api", error="invalid_request"'],
    [
      'repeated header (array)',
      ['Bearer a', 'Bearer b'],
      undefined,
      400,
      'Bearer realm="api", error="invalid_request"',
    ],
    [
      'repeated header (rawHeaders)',
      'Bearer a.b.c',
      ['Host', 'api.example.com', 'Authorization', 'Bearer a.b.c', 'authorization', 'Bearer x'],
      400,
      'Bearer realm="api", error="invalid_request"',
    ],
    ['well-formed header, not a JWT', 'Bearer abc', undefined, 401, 'Bearer realm="api", error="invalid_token"'],
  ])('%s', async (_name, authorization, rawHeaders, status, challenge) => {
    const result = await run(authorization, rawHeaders);
    expect(result.ok ? 200 : result.status).toBe(status);
    expect(result.ok ? undefined : result.headers['www-authenticate']).toBe(challenge);
  });

  it('token_malformed always carries one challenge: invalid_request', async () => {
    for (const value of ['Bearer', 'Bearer a b', 'Bearer "x"', `Bearer ${'a'.repeat(9000)}`]) {
      const result = await run(value);
      expect(codeOf(result)).toBe('token_malformed');
      expect(result.ok ? undefined : result.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_request"',
      );
    }
  });
});

describe('repeated Referer on an unsafe request', () => {
  const guard = createGuard({ hosts: ['api.example.com'], origins: ['https://app.example.com'] });
  it('is refused when Node folds it away (rawHeaders) and when it arrives as an array', async () => {
    const viaRaw = await guard.check(
      req(
        { host: 'api.example.com', referer: 'https://app.example.com/page' },
        {
          method: 'POST',
          rawHeaders: [
            'Host',
            'api.example.com',
            'Referer',
            'https://app.example.com/page',
            'Referer',
            'https://evil.com/',
          ],
        },
      ),
    );
    expect(codeOf(viaRaw)).toBe('origin_malformed');
    const viaArray = await guard.check(
      req({ host: 'api.example.com', referer: ['https://app.example.com/', 'https://evil.com/'] }, { method: 'POST' }),
    );
    expect(codeOf(viaArray)).toBe('origin_malformed');
  });
});

describe('HTTP/2 :authority with the default port', () => {
  const guard = createGuard({ hosts: ['api.example.com'] });
  it.each<[string, string, string, string]>([
    ['http', 'api.example.com:80', 'api.example.com', 'ok'],
    ['https', 'api.example.com:443', 'api.example.com', 'ok'],
    ['https', 'api.example.com', 'api.example.com:443', 'ok'],
    ['http', 'api.example.com:443', 'api.example.com', 'host_mismatch'],
    ['https', 'api.example.com:8443', 'api.example.com', 'host_mismatch'],
  ])('%s :authority %s + host %s', async (scheme, authority, host, expected) => {
    const result = await guard.check(req({ host, ':scheme': scheme }, { authority, httpVersion: '2.0' }));
    expect(codeOf(result)).toBe(expected);
  });
});

describe('parseHost checks ASCII before lower-casing', () => {
  it.each(['\u212Aexample.com', 'api.\u212A.com', 'ex\u0130mple.com', '[\u212A::1]'])('%s is malformed', (value) => {
    expect(parseHost(value)).toMatchObject({ ok: false, code: 'host_malformed' });
  });
  it('a host with the Kelvin sign is never allowed as its ASCII look-alike', async () => {
    const guard = createGuard({ hosts: ['kiosk.example.com'] });
    expect(codeOf(await guard.check(req({ host: '\u212Aiosk.example.com' })))).toBe('host_malformed');
  });
});
