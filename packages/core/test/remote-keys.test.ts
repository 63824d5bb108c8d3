/**
 * Remote keys (issue 17): jwksUri and issuer discovery against a real local IdP (node:http on
 * 127.0.0.1) — key rotation, unknown-kid floods (fetches counted), IdP down, slow IdP, metadata
 * issuer mismatch — and the option checks.
 */
import type { KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGuard, type AuthOptions, type GuardResult } from '../src/index.js';
import { closeServer, listen } from '../../../test/helpers/http.js';
import { jwtSegment, mintToken, TEST_AUDIENCE as AUD, testKeyPair } from '../../../test/helpers/tokens.js';

interface Idp {
  issuer: string;
  jwksUrl: string;
  fetches: { jwks: number; oidc: number; rfc8414: number };
  /** Which keys the JWKS publishes, by kid. */
  keys: Map<string, KeyObject>;
  mode: 'up' | 'down' | 'slow' | 'garbage';
  /** What the discovery document claims as issuer (defaults to the real one). */
  claimedIssuer?: string;
  oidc: boolean;
}

let server: Server;
const idp: Idp = {
  issuer: '',
  jwksUrl: '',
  fetches: { jwks: 0, oidc: 0, rfc8414: 0 },
  keys: new Map(),
  mode: 'up',
  oidc: true,
};
/** The IdP's RSA key pair for `kid`. */
const pair = (kid: string) => testKeyPair('rsa', kid);

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (idp.mode === 'down') {
      res.writeHead(503).end();
      return;
    }
    if (idp.mode === 'slow') {
      setTimeout(() => {
        res.writeHead(503).end();
      }, 2000).unref();
      return;
    }
    if (path === '/tenant/.well-known/openid-configuration') {
      idp.fetches.oidc++;
      if (!idp.oidc) {
        res.writeHead(404).end();
        return;
      }
      json({ issuer: idp.claimedIssuer ?? idp.issuer, jwks_uri: idp.jwksUrl });
      return;
    }
    if (path === '/.well-known/oauth-authorization-server/tenant') {
      idp.fetches.rfc8414++;
      json({ issuer: idp.claimedIssuer ?? idp.issuer, jwks_uri: idp.jwksUrl });
      return;
    }
    if (path === '/jwks.json') {
      idp.fetches.jwks++;
      if (idp.mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": "nope"');
        return;
      }
      json({
        keys: [...idp.keys].map(([kid, key]) => ({ ...key.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' })),
      });
      return;
    }
    res.writeHead(404).end();
  });
  const base = `http://127.0.0.1:${await listen(server)}`;
  idp.issuer = `${base}/tenant`;
  idp.jwksUrl = `${base}/jwks.json`;
});

afterAll(() => closeServer(server));

afterEach(() => {
  idp.fetches = { jwks: 0, oidc: 0, rfc8414: 0 };
  idp.keys.clear();
  idp.mode = 'up';
  idp.oidc = true;
  delete idp.claimedIssuer;
  vi.restoreAllMocks();
});

function publish(...kids: string[]): void {
  idp.keys.clear();
  for (const kid of kids) idp.keys.set(kid, pair(kid).publicKey);
}

/** A token of the IdP signed with the key of `kid`. */
const token = (kid: string): string =>
  mintToken({ sub: 'u1', iss: idp.issuer }, { key: pair(kid).privateKey, algorithm: 'RS256', keyid: kid });

function guardWith(auth: Partial<AuthOptions>) {
  const options: AuthOptions = { algorithms: ['RS256'], audience: AUD, issuer: idp.issuer, ...auth };
  return createGuard({ hosts: ['api.example.com'], auth: options });
}

const check = (guard: ReturnType<typeof guardWith>, bearer: string): Promise<GuardResult> =>
  guard.check({ method: 'GET', url: '/', headers: { host: 'api.example.com', authorization: `Bearer ${bearer}` } });
const codeOf = (result: GuardResult): string => (result.ok ? 'ok' : result.code);

describe('jwksUri', () => {
  it('verifies a token by kid, fetching the set once', async () => {
    publish('k1');
    const guard = guardWith({ jwksUri: idp.jwksUrl });
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    expect(idp.fetches.jwks).toBe(1);
  });

  it('key rotation: a new kid is fetched after the cooldown', async () => {
    publish('k1');
    const guard = guardWith({ jwksUri: idp.jwksUrl, jwks: { cooldown: 0.2 } });
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    publish('k1', 'k2');
    await sleep(250);
    expect(codeOf(await check(guard, token('k2')))).toBe('ok');
    expect(idp.fetches.jwks).toBe(2);
  });

  it('an unknown-kid flood triggers no fetch within the cooldown', async () => {
    publish('k1');
    const guard = guardWith({ jwksUri: idp.jwksUrl });
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    const forged = Array.from({ length: 200 }, (_, index) =>
      token('k1').replace(/^[^.]+/, jwtSegment({ alg: 'RS256', kid: `x${index}` })),
    );
    const results = await Promise.all(forged.map((bearer) => check(guard, bearer)));
    expect(new Set(results.map(codeOf))).toEqual(new Set(['token_invalid']));
    for (let index = 0; index < 50; index++)
      expect(codeOf(await check(guard, forged[index] ?? ''))).toBe('token_invalid');
    expect(idp.fetches.jwks).toBe(1);
  });

  it('IdP down before any key was fetched: 503 key_unavailable with Retry-After, one fetch per cooldown', async () => {
    idp.mode = 'down';
    const guard = guardWith({ jwksUri: idp.jwksUrl });
    const results = await Promise.all(Array.from({ length: 50 }, () => check(guard, token('k1'))));
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, code: 'key_unavailable', status: 503 });
      if (!result.ok) {
        expect(Number(result.headers['retry-after'])).toBeGreaterThan(0);
        expect(result.headers['www-authenticate']).toBeUndefined();
      }
    }
    for (let index = 0; index < 20; index++) expect(codeOf(await check(guard, token('k1')))).toBe('key_unavailable');
    expect(idp.fetches.jwks).toBeLessThanOrEqual(1);
  });

  it('IdP down after keys were fetched: known keys keep working past their max age', async () => {
    publish('k1');
    const guard = guardWith({ jwksUri: idp.jwksUrl, jwks: { maxAge: 0.1, cooldown: 30 } });
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    idp.mode = 'down';
    await sleep(150);
    for (let index = 0; index < 20; index++) expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    // A key the IdP never served cannot be had while it is down.
    expect(codeOf(await check(guard, token('k9')))).toBe('key_unavailable');
  });

  it('a slow IdP is cut off by the timeout', async () => {
    idp.mode = 'slow';
    const guard = guardWith({ jwksUri: idp.jwksUrl, jwks: { timeout: 0.2 } });
    const started = Date.now();
    expect(codeOf(await check(guard, token('k1')))).toBe('key_unavailable');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a garbage key set is key_unavailable, not a crash', async () => {
    idp.mode = 'garbage';
    expect(codeOf(await check(guardWith({ jwksUri: idp.jwksUrl }), token('k1')))).toBe('key_unavailable');
  });

  it('the key must suit the algorithms: an RS256 key never verifies an ES256-only guard', async () => {
    publish('k1');
    const guard = guardWith({ jwksUri: idp.jwksUrl, algorithms: ['ES256'] });
    expect(codeOf(await check(guard, token('k1')))).toBe('token_algorithm_invalid');
  });
});

describe('discovery', () => {
  it('OpenID Connect metadata leads to the key set', async () => {
    publish('k1');
    const guard = guardWith({ discovery: true });
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    expect(idp.fetches).toEqual({ oidc: 1, rfc8414: 0, jwks: 1 });
  });

  it('falls back to RFC 8414 when there is no OpenID configuration', async () => {
    publish('k1');
    idp.oidc = false;
    const guard = guardWith({ discovery: true });
    expect(codeOf(await check(guard, token('k1')))).toBe('ok');
    expect(idp.fetches).toEqual({ oidc: 1, rfc8414: 1, jwks: 1 });
  });

  it('metadata naming another issuer is refused: key_unavailable and one warning', async () => {
    publish('k1');
    idp.claimedIssuer = 'https://evil.example';
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const guard = guardWith({ discovery: true, jwks: { cooldown: 0.05 } });
    expect(codeOf(await check(guard, token('k1')))).toBe('key_unavailable');
    await sleep(80);
    expect(codeOf(await check(guard, token('k1')))).toBe('key_unavailable');
    expect(idp.fetches.jwks).toBe(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/names another issuer than auth\.issuer/);
  });
});

describe('remote key options', () => {
  it.each<[string, Partial<AuthOptions>, RegExp]>([
    ['http to a public host', { jwksUri: 'http://idp.example.com/jwks.json' }, /must use https/],
    ['not a URL', { jwksUri: 'idp/jwks.json' }, /not a valid URL/],
    ['credentials in the URL', { jwksUri: 'https://u:p@idp.example.com/jwks.json' }, /credentials/],
    ['HS256 with a JWKS', { jwksUri: 'https://idp.example.com/jwks.json', algorithms: ['HS256'] }, /never HS\*/],
    ['two key sources', { jwksUri: 'https://idp.example.com/jwks.json', key: 'k'.repeat(32) }, /exactly one of/],
    [
      'discovery without one issuer',
      { discovery: true, issuer: ['https://a.example', 'https://b.example'] },
      /one issuer URL/,
    ],
    ['discovery on http', { discovery: true, issuer: 'http://idp.example.com' }, /must use https/],
    [
      'bad timing',
      { jwksUri: 'https://idp.example.com/jwks.json', jwks: { cooldown: 0 } },
      /jwks\.cooldown must be a positive number/,
    ],
    [
      'unknown timing key',
      { jwksUri: 'https://idp.example.com/jwks.json', jwks: { ttl: 5 } as never },
      /jwks\.ttl is not an option/,
    ],
  ])('%s', (_name, auth, message) => {
    expect(() => guardWith(auth)).toThrow(TypeError);
    expect(() => guardWith(auth)).toThrow(message);
  });
});
