import { createSecretKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGuard,
  JwtVerifier,
  type AuthOptions,
  type GuardResult,
  type JwtClaims,
  type KeyInput,
} from '../src/index.js';
import {
  craftToken,
  jwtSegment as enc,
  signToken,
  TEST_AUDIENCE as AUD,
  TEST_ISSUER as ISS,
  TEST_SECRET as SECRET,
  testKeyPair,
  unsignedToken,
} from '../../../test/helpers/tokens.js';
import { base, claims, HOSTS, NOW, type Auth } from './jwt-fixtures.js';

const rsa = testKeyPair('rsa');
const rsa2 = testKeyPair('rsa', 'second');
const ec = testKeyPair('ec-p256');
const ec384 = testKeyPair('ec-p384');
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const without = (name: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(claims()).filter(([key]) => key !== name));

function guardWith(overrides: Partial<Auth> = {}, drop: (keyof Auth)[] = []) {
  const auth = Object.fromEntries(
    Object.entries({ ...base, ...overrides }).filter(([key]) => !drop.includes(key as keyof Auth)),
  );
  return createGuard({ hosts: HOSTS, auth: auth as unknown as AuthOptions });
}

type AnyGuard = ReturnType<typeof guardWith>;

async function check(
  guard: AnyGuard,
  authorization: string | string[] | undefined,
  host = 'api.example.com',
): Promise<GuardResult> {
  const headers: Record<string, string | string[] | undefined> = { host };
  if (authorization !== undefined) headers.authorization = authorization;
  const result = await guard.check({ method: 'GET', url: '/', headers });
  if (!result.ok) {
    // Nothing from the request or the configuration is ever echoed.
    const text = JSON.stringify(result);
    const token = typeof authorization === 'string' ? authorization.replace(/^bearer\s+/i, '') : undefined;
    if (token !== undefined && token.length > 8) expect(text).not.toContain(token);
    expect(result.message).not.toContain(AUD);
    expect(result.message).not.toContain(ISS);
    expect(result.message).not.toContain('api.example.com');
    expect(result.status).toBe(
      result.code === 'insufficient_scope'
        ? 403
        : result.code === 'token_malformed' || result.code === 'token_duplicate'
          ? 400
          : 401,
    );
  }
  return result;
}

const bearer = (token: string): string => `Bearer ${token}`;
const codeOf = (result: GuardResult): string => (result.ok ? 'ok' : result.code);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('valid tokens', () => {
  it('HS256 with a string secret', async () => {
    const result = await check(guardWith(), bearer(signToken(claims())));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.auth?.claims.sub).toBe('user-1');
      expect(result.auth?.header.alg).toBe('HS256');
      expect(result.host).toEqual({ hostname: 'api.example.com', port: undefined });
    }
  });

  it('HS256 with a Buffer secret, a Uint8Array, a JWK and a KeyObject', async () => {
    const bytes = Buffer.from(SECRET);
    for (const key of [
      bytes,
      new Uint8Array(bytes),
      { kty: 'oct', k: bytes.toString('base64url') },
      createSecretKey(bytes),
    ] as KeyInput[]) {
      expect(codeOf(await check(guardWith({ key }), bearer(signToken(claims()))))).toBe('ok');
    }
  });

  it('HS384 and HS512 when listed (with a key as long as the longest hash)', async () => {
    const long = SECRET.repeat(2);
    const guard = guardWith({ key: long, algorithms: ['HS384', 'HS512'] });
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: long, algorithm: 'HS384' }))))).toBe('ok');
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: long, algorithm: 'HS512' }))))).toBe('ok');
  });

  it.each<[string, () => KeyInput]>([
    ['PEM string', () => rsaPublicPem],
    ['PEM Buffer', () => Buffer.from(rsaPublicPem)],
    ['JWK', () => rsa.publicKey.export({ format: 'jwk' })],
    ['public KeyObject', () => rsa.publicKey],
    ['private KeyObject (public part used)', () => rsa.privateKey],
  ])('RS256 with a %s', async (_name, key) => {
    const guard = guardWith({ key: key(), algorithms: ['RS256'] });
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: rsa.privateKey, algorithm: 'RS256' }))))).toBe(
      'ok',
    );
  });

  it('ES256 with a PEM and a JWK', async () => {
    const token = bearer(signToken(claims(), { key: ec.privateKey, algorithm: 'ES256' }));
    expect(codeOf(await check(guardWith({ key: ecPublicPem, algorithms: ['ES256'] }), token))).toBe('ok');
    expect(
      codeOf(await check(guardWith({ key: ec.publicKey.export({ format: 'jwk' }), algorithms: ['ES256'] }), token)),
    ).toBe('ok');
  });

  it('PS256 with an RSA key', async () => {
    const guard = guardWith({ key: rsa.publicKey, algorithms: ['PS256'] });
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: rsa.privateKey, algorithm: 'PS256' }))))).toBe(
      'ok',
    );
    // RS256 and PS256 are different algorithms
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: rsa.privateKey, algorithm: 'RS256' }))))).toBe(
      'token_algorithm_invalid',
    );
  });

  it('ES384 with a P-384 key', async () => {
    const guard = guardWith({ key: ec384.publicKey, algorithms: ['ES384'] });
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: ec384.privateKey, algorithm: 'ES384' }))))).toBe(
      'ok',
    );
  });
});

describe('algorithm attacks', () => {
  const rsGuard = () => guardWith({ key: rsaPublicPem, algorithms: ['RS256'] });

  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s without signature', async (alg) => {
    const token = unsignedToken(claims(), { alg, typ: 'JWT' });
    expect(codeOf(await check(guardWith(), bearer(token)))).toBe('token_algorithm_invalid');
    expect(codeOf(await check(rsGuard(), bearer(token)))).toBe('token_algorithm_invalid');
  });

  it.each(['none', 'None', 'NONE'])('alg %s with a signature', async (alg) => {
    const token = craftToken(claims(), { header: { alg, typ: 'JWT' } });
    expect(codeOf(await check(guardWith(), bearer(token)))).toBe('token_algorithm_invalid');
    expect(codeOf(await check(rsGuard(), bearer(token)))).toBe('token_algorithm_invalid');
  });

  it('alg confusion: HS256 signed with the RSA public PEM is refused by an RS256 guard', async () => {
    const token = craftToken(claims(), { header: { alg: 'HS256', typ: 'JWT' }, secret: rsaPublicPem });
    const result = await check(rsGuard(), bearer(token));
    expect(codeOf(result)).toBe('token_algorithm_invalid');
  });

  it('wrong key', async () => {
    expect(
      codeOf(await check(guardWith(), bearer(signToken(claims(), { key: 'another-secret-of-decent-length-000000' })))),
    ).toBe('token_invalid');
    const guard = rsGuard();
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: rsa2.privateKey, algorithm: 'RS256' }))))).toBe(
      'token_invalid',
    );
  });

  it('tampered payload and signature', async () => {
    const token = signToken(claims());
    const [h, , s] = token.split('.');
    expect(codeOf(await check(guardWith(), bearer(`${h}.${enc(claims({ sub: 'admin' }))}.${s}`)))).toBe(
      'token_invalid',
    );
    expect(codeOf(await check(guardWith(), bearer(`${token.slice(0, -2)}AA`)))).toBe('token_invalid');
  });

  it('disallowed algorithm', async () => {
    expect(codeOf(await check(guardWith(), bearer(signToken(claims(), { algorithm: 'HS512' }))))).toBe(
      'token_algorithm_invalid',
    );
    expect(
      codeOf(await check(guardWith(), bearer(signToken(claims(), { key: rsa.privateKey, algorithm: 'RS256' })))),
    ).toBe('token_algorithm_invalid');
    expect(codeOf(await check(guardWith(), bearer(craftToken(claims(), { header: { alg: 'hs256' } }))))).toBe(
      'token_algorithm_invalid',
    );
  });

  it('unknown crit header', async () => {
    expect(
      codeOf(
        await check(guardWith(), bearer(craftToken(claims(), { header: { alg: 'HS256', crit: ['exp'], exp: 1 } }))),
      ),
    ).toBe('token_invalid');
    expect(codeOf(await check(guardWith(), bearer(craftToken(claims(), { header: { alg: 'HS256', crit: [] } }))))).toBe(
      'token_invalid',
    );
  });
});

describe('time claims (frozen clock)', () => {
  it.each<[string, Record<string, unknown> | string, string]>([
    ['expired', claims({ exp: NOW - 60 }), 'token_expired'],
    ['expired exactly now + tolerance', claims({ exp: NOW - 5 }), 'token_expired'],
    ['within the default 5 s tolerance', claims({ exp: NOW - 3 }), 'ok'],
    ['not yet valid', claims({ nbf: NOW + 60 }), 'token_not_active'],
    ['nbf within tolerance', claims({ nbf: NOW + 3 }), 'ok'],
    ['nbf in the past', claims({ nbf: NOW - 60 }), 'ok'],
    ['missing exp', without('exp'), 'token_claims_invalid'],
    ['exp 1e400', `{"sub":"u","aud":"${AUD}","iss":"${ISS}","exp":1e400}`, 'token_claims_invalid'],
    ['nbf -1e400', `{"sub":"u","aud":"${AUD}","iss":"${ISS}","exp":${NOW + 60},"nbf":-1e400}`, 'token_claims_invalid'],
    ['iat 1e400', `{"sub":"u","aud":"${AUD}","iss":"${ISS}","exp":${NOW + 60},"iat":1e400}`, 'token_claims_invalid'],
    ['exp as string', claims({ exp: String(NOW + 600) }), 'token_claims_invalid'],
    ['exp null', claims({ exp: null }), 'token_claims_invalid'],
    ['nbf as string', claims({ nbf: String(NOW - 60) }), 'token_claims_invalid'],
    ['iat as string', claims({ iat: 'yesterday' }), 'token_claims_invalid'],
  ])('%s', async (_name, payload, expected) => {
    expect(
      codeOf(await check(guardWith(), bearer(craftToken(payload, { header: { alg: 'HS256', typ: 'JWT' } })))),
    ).toBe(expected);
  });

  it('requireExp: false allows a token without exp', async () => {
    expect(codeOf(await check(guardWith({ requireExp: false }), bearer(signToken(without('exp')))))).toBe('ok');
  });

  it('clockTolerance is configurable', async () => {
    const token = bearer(signToken(claims({ exp: NOW - 30 })));
    expect(codeOf(await check(guardWith({ clockTolerance: 0 }), bearer(signToken(claims({ exp: NOW - 1 })))))).toBe(
      'token_expired',
    );
    expect(codeOf(await check(guardWith({ clockTolerance: 60 }), token))).toBe('ok');
  });

  it('the clock moves with system time', async () => {
    const guard = guardWith();
    const token = bearer(signToken(claims({ exp: NOW + 60 })));
    expect(codeOf(await check(guard, token))).toBe('ok');
    vi.setSystemTime((NOW + 3600) * 1000);
    expect(codeOf(await check(guard, token))).toBe('token_expired');
  });

  it('maxAge', async () => {
    const guard = guardWith({ maxAge: 300 });
    expect(codeOf(await check(guard, bearer(signToken(claims({ iat: NOW - 60 })))))).toBe('ok');
    expect(codeOf(await check(guard, bearer(signToken(claims({ iat: NOW - 3600 })))))).toBe('token_expired');
    expect(codeOf(await check(guard, bearer(craftToken(without('iat'), { header: { alg: 'HS256' } }))))).toBe(
      'token_claims_invalid',
    );
  });
});

describe('audience and issuer', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['aud missing', without('aud'), 'token_audience_invalid'],
    ['aud wrong', claims({ aud: 'https://other.example.com' }), 'token_audience_invalid'],
    ['aud prefix', claims({ aud: 'https://api.example.com.evil.net' }), 'token_audience_invalid'],
    ['aud case', claims({ aud: 'https://API.example.com' }), 'token_audience_invalid'],
    ['aud array with the right one', claims({ aud: ['https://other.example.com', AUD] }), 'ok'],
    ['aud array without the right one', claims({ aud: ['https://other.example.com'] }), 'token_audience_invalid'],
    ['aud empty array', claims({ aud: [] }), 'token_audience_invalid'],
    ['aud number', claims({ aud: 1 }), 'token_audience_invalid'],
    ['iss missing', without('iss'), 'token_issuer_invalid'],
    ['iss wrong', claims({ iss: 'https://evil.example.com' }), 'token_issuer_invalid'],
    ['iss array', claims({ iss: [ISS] }), 'token_issuer_invalid'],
    ['iss case', claims({ iss: 'https://IDP.example.com' }), 'token_issuer_invalid'],
  ])('%s', async (_name, payload, expected) => {
    expect(codeOf(await check(guardWith(), bearer(signToken(payload))))).toBe(expected);
  });

  it('audience and issuer lists: any may match', async () => {
    const guard = guardWith({
      audience: ['https://a.example.com', AUD],
      issuer: ['https://other-idp.example.com', ISS],
    });
    expect(codeOf(await check(guard, bearer(signToken(claims()))))).toBe('ok');
    expect(
      codeOf(
        await check(
          guard,
          bearer(signToken(claims({ aud: 'https://a.example.com', iss: 'https://other-idp.example.com' }))),
        ),
      ),
    ).toBe('ok');
    expect(codeOf(await check(guard, bearer(signToken(claims({ aud: 'https://b.example.com' })))))).toBe(
      'token_audience_invalid',
    );
  });

  it('issuer: false skips the issuer check', async () => {
    const guard = guardWith({ issuer: false });
    expect(codeOf(await check(guard, bearer(signToken(without('iss')))))).toBe('ok');
    expect(codeOf(await check(guard, bearer(signToken(claims({ iss: 'https://anyone' })))))).toBe('ok');
  });

  it('audience as a function of the host binds the token to its host', async () => {
    const seen: string[] = [];
    const guard = guardWith({
      audience: (host) => {
        seen.push(host.hostname);
        return `https://${host.hostname}`;
      },
    });
    const staging = bearer(signToken(claims({ aud: 'https://staging.example.com' })));
    expect(codeOf(await check(guard, staging, 'staging.example.com'))).toBe('ok');
    expect(codeOf(await check(guard, staging, 'api.example.com'))).toBe('token_audience_invalid');
    expect(codeOf(await check(guard, bearer(signToken(claims())), 'api.example.com'))).toBe('ok');
    expect(seen).toContain('staging.example.com');
    expect(seen).toContain('api.example.com');
  });

  it('audience function that throws or returns nothing usable fails closed', async () => {
    const token = bearer(signToken(claims()));
    const throwing = guardWith({
      audience: () => {
        throw new Error(AUD);
      },
    });
    expect(codeOf(await check(throwing, token))).toBe('token_audience_invalid');
    for (const value of ['', [], [''], undefined, 42]) {
      expect(codeOf(await check(guardWith({ audience: () => value as never }), token))).toBe('token_audience_invalid');
    }
  });
});

describe('malformed tokens', () => {
  const valid = signToken(claims());
  const [h = '', p = '', s = ''] = valid.split('.');

  it.each<[string, string]>([
    ['two segments', `${h}.${p}`],
    ['four segments', `${valid}.${s}`],
    ['one segment', h],
    ['empty signature', `${h}.${p}.`],
    ['empty header', `.${p}.${s}`],
    ['header not JSON', `${enc('not json')}.${p}.${s}`],
    ['header array', `${enc('["HS256"]')}.${p}.${s}`],
    ['header without alg', `${enc({ typ: 'JWT' })}.${p}.${s}`],
    ['header alg number', `${enc({ alg: 256 })}.${p}.${s}`],
    ['payload array', craftToken('[1,2,3]', { header: { alg: 'HS256' } })],
    ['payload string', craftToken('"a string"', { header: { alg: 'HS256' } })],
    ['payload number', craftToken('42', { header: { alg: 'HS256' } })],
    ['payload null', craftToken('null', { header: { alg: 'HS256' } })],
    ['payload not JSON', craftToken('sub=admin', { header: { alg: 'HS256' } })],
    ['base64 not base64url', `${h}.${p}.${s.replace(/[-_]/g, '+')}+/`],
  ])('%s', async (_name, token) => {
    // The header is well-formed RFC 6750; the token is not a JWS: invalid_token (401), never invalid_request.
    const result = await check(guardWith(), bearer(token));
    expect(codeOf(result)).toBe('token_invalid');
    if (!result.ok) expect(result.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
  });

  it('"=" inside the token breaks the RFC 6750 b64token grammar: a malformed header (400 invalid_request)', async () => {
    const result = await check(guardWith(), bearer(`${h}=.${p}.${s}`));
    expect(codeOf(result)).toBe('token_malformed');
    expect(result.ok ? undefined : result.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_request"',
    );
  });

  it('a token over 8 KiB is malformed before verification', async () => {
    const big = signToken(claims({ pad: 'x'.repeat(9000) }));
    const result = await check(guardWith(), bearer(big));
    expect(codeOf(result)).toBe('token_malformed');
    expect(result.ok ? undefined : result.status).toBe(400);
    if (!result.ok) expect(result.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('maxTokenLength is configurable', async () => {
    const token = bearer(signToken(claims({ pad: 'x'.repeat(9000) })));
    expect(codeOf(await check(guardWith({ maxTokenLength: 20_000 }), token))).toBe('ok');
  });
});

describe('typ, requiredClaims and claims validators', () => {
  it.each<[string | undefined, string]>([
    ['at+jwt', 'ok'],
    ['AT+JWT', 'ok'],
    ['application/at+jwt', 'ok'],
    ['Application/AT+JWT', 'ok'],
    ['JWT', 'token_invalid'],
    ['jwt', 'token_invalid'],
    ['at+jwt2', 'token_invalid'],
    [undefined, 'token_invalid'],
  ])('typ %s against at+jwt', async (typ, expected) => {
    const header: Record<string, unknown> = { alg: 'HS256' };
    if (typ !== undefined) header.typ = typ;
    expect(codeOf(await check(guardWith({ typ: 'at+jwt' }), bearer(craftToken(claims(), { header: header }))))).toBe(
      expected,
    );
  });

  it('typ given as application/at+jwt in options', async () => {
    expect(
      codeOf(
        await check(
          guardWith({ typ: ['application/at+jwt'] }),
          bearer(craftToken(claims(), { header: { alg: 'HS256', typ: 'at+jwt' } })),
        ),
      ),
    ).toBe('ok');
  });

  it('without a typ option any typ passes', async () => {
    expect(
      codeOf(await check(guardWith(), bearer(craftToken(claims(), { header: { alg: 'HS256', typ: 'whatever' } })))),
    ).toBe('ok');
  });

  it('requiredClaims', async () => {
    const guard = guardWith({ requiredClaims: ['sub', 'tenant'] });
    expect(codeOf(await check(guard, bearer(signToken(claims({ tenant: 't1' })))))).toBe('ok');
    expect(codeOf(await check(guard, bearer(signToken(claims()))))).toBe('token_claims_invalid');
    expect(codeOf(await check(guard, bearer(signToken(claims({ tenant: null })))))).toBe('token_claims_invalid');
    expect(codeOf(await check(guard, bearer(signToken(claims({ tenant: 0 })))))).toBe('ok');
  });

  it('type-guard validator', async () => {
    const isAdmin = (c: JwtClaims): c is JwtClaims & { role: 'admin' } => c.role === 'admin';
    const guard = createGuard({ hosts: HOSTS, auth: { ...base, claims: isAdmin } });
    const ok = await guard.check({
      method: 'GET',
      url: '/',
      headers: { host: 'api.example.com', authorization: bearer(signToken(claims({ role: 'admin' }))) },
    });
    expect(ok.ok && ok.auth?.claims.role).toBe('admin');
    expect(codeOf(await check(guard as unknown as AnyGuard, bearer(signToken(claims({ role: 'user' })))))).toBe(
      'token_claims_invalid',
    );
  });

  it('parse function: returns new claims, throws, returns junk, async', async () => {
    const token = bearer(signToken(claims({ n: '5' })));
    const parse = (c: JwtClaims) => ({ sub: String(c.sub), n: Number(c.n) });
    const parsing = createGuard({ hosts: HOSTS, auth: { ...base, claims: parse } });
    const result = await parsing.check({
      method: 'GET',
      url: '/',
      headers: { host: 'api.example.com', authorization: token },
    });
    expect(result.ok && result.auth?.claims).toEqual({ sub: 'user-1', n: 5 });

    const cases: [unknown, string][] = [
      [
        () => {
          throw new Error('nope');
        },
        'token_claims_invalid',
      ],
      [() => Promise.reject(new Error('nope')), 'token_claims_invalid'],
      [() => 'string', 'token_claims_invalid'],
      [() => null, 'token_claims_invalid'],
      [() => undefined, 'token_claims_invalid'],
      [() => false, 'token_claims_invalid'],
      [() => [1], 'token_claims_invalid'],
      [() => true, 'ok'],
      [() => Promise.resolve({ sub: 'x' }), 'ok'],
      [{ parse: (c: unknown) => c }, 'ok'],
      [{ parse: (c: unknown) => Promise.resolve(c) }, 'ok'],
      [
        {
          parse: () => {
            throw new Error('zod says no');
          },
        },
        'token_claims_invalid',
      ],
      [{ parse: () => 42 }, 'token_claims_invalid'],
    ];
    for (const [validator, expected] of cases) {
      expect(codeOf(await check(guardWith({ claims: validator as never }), token))).toBe(expected);
    }
  });
});

describe('getKey', () => {
  it('sync and async', async () => {
    const token = bearer(signToken(claims()));
    expect(codeOf(await check(guardWith({ getKey: () => SECRET }, ['key']), token))).toBe('ok');
    expect(codeOf(await check(guardWith({ getKey: () => Promise.resolve(Buffer.from(SECRET)) }, ['key']), token))).toBe(
      'ok',
    );
  });

  it('rotation by kid', async () => {
    const keys = new Map<string, KeyInput>([
      ['k1', rsaPublicPem],
      ['k2', rsa2.publicKey.export({ format: 'jwk' })],
    ]);
    const seen: (string | undefined)[] = [];
    const guard = guardWith(
      {
        algorithms: ['RS256'],
        getKey: (header) => {
          seen.push(header.kid);
          const key = keys.get(header.kid ?? '');
          if (key === undefined) return Promise.reject(new Error('unknown kid'));
          return key;
        },
      },
      ['key'],
    );
    const t1 = bearer(signToken(claims(), { key: rsa.privateKey, algorithm: 'RS256', keyid: 'k1' }));
    const t2 = bearer(signToken(claims(), { key: rsa2.privateKey, algorithm: 'RS256', keyid: 'k2' }));
    const forged = bearer(signToken(claims(), { key: rsa.privateKey, algorithm: 'RS256', keyid: 'k2' }));
    const unknown = bearer(signToken(claims(), { key: rsa.privateKey, algorithm: 'RS256', keyid: 'k3' }));
    expect(codeOf(await check(guard, t1))).toBe('ok');
    expect(codeOf(await check(guard, t2))).toBe('ok');
    expect(codeOf(await check(guard, t1))).toBe('ok'); // cached
    expect(codeOf(await check(guard, forged))).toBe('token_invalid');
    expect(codeOf(await check(guard, unknown))).toBe('token_invalid');
    // rotate: k1 retired
    keys.delete('k1');
    expect(codeOf(await check(guard, t1))).toBe('token_invalid');
    expect(seen).toEqual(['k1', 'k2', 'k1', 'k2', 'k3', 'k1']);
  });

  it('getKey throwing, rejecting or returning junk fails closed', async () => {
    const token = bearer(signToken(claims()));
    const cases: unknown[] = [
      () => {
        throw new Error('boom');
      },
      () => Promise.reject(new Error('boom')),
      () => undefined,
      () => Promise.resolve(undefined),
      () => null,
      () => 42,
      () => '',
      () => rsaPublicPem, // PEM for HS*: refused
      () => rsa.publicKey, // asymmetric KeyObject for HS*
    ];
    for (const getKey of cases) {
      expect(codeOf(await check(guardWith({ getKey: getKey as never }, ['key']), token))).toBe('token_invalid');
    }
  });

  it('JwtVerifier.verify never rejects when getKey finds no key', async () => {
    const verifier = new JwtVerifier({
      getKey: () => undefined as never,
      algorithms: ['HS256'],
      audience: AUD,
      issuer: ISS,
    });
    await expect(
      verifier.verify(signToken(claims()), { hostname: 'api.example.com', port: undefined }),
    ).resolves.toEqual({
      ok: false,
      code: 'token_invalid',
    });
  });

  it('a string secret and raw bytes with the same base64 text are different keys', async () => {
    // 'AAAA…' (UTF-8 bytes 41 41 …) vs zero bytes whose base64 is 'AAAA…'.
    const text = 'A'.repeat(44);
    const bytes = Buffer.alloc(33);
    expect(bytes.toString('base64')).toBe(text);
    const guard = guardWith({ getKey: (h) => (h.kid === 'text' ? text : bytes) }, ['key']);
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: text, keyid: 'text' }))))).toBe('ok');
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: text, keyid: 'bytes' }))))).toBe(
      'token_invalid',
    );
    expect(codeOf(await check(guard, bearer(signToken(claims(), { key: bytes, keyid: 'bytes' }))))).toBe('ok');
  });
});

describe('WWW-Authenticate', () => {
  const challenge = (result: GuardResult): string | undefined =>
    result.ok ? undefined : result.headers['www-authenticate'];

  it('no credentials: a bare challenge with realm', async () => {
    const result = await check(guardWith(), undefined);
    expect(codeOf(result)).toBe('token_missing');
    expect(challenge(result)).toBe('Bearer realm="api"');
  });

  it('custom realm', async () => {
    expect(challenge(await check(guardWith({ realm: 'my api' }), undefined))).toBe('Bearer realm="my api"');
  });

  it('another scheme (Basic): no Bearer credentials, so a bare 401 challenge (RFC 6750 §3.1)', async () => {
    const result = await check(guardWith(), 'Basic dXNlcjpwYXNz');
    expect(codeOf(result)).toBe('token_missing');
    expect(result.ok ? undefined : result.status).toBe(401);
    expect(challenge(result)).toBe('Bearer realm="api"');
  });

  it.each<[string, string | string[]]>([
    ['two tokens', 'Bearer a b'],
    ['duplicate header', ['Bearer a', 'Bearer b']],
  ])('%s: invalid_request', async (_name, authorization) => {
    const result = await check(guardWith(), authorization);
    expect(result.ok ? undefined : result.status).toBe(400);
    expect(challenge(result)).toBe('Bearer realm="api", error="invalid_request"');
  });

  it('duplicate Authorization seen through rawHeaders', async () => {
    const result = await guardWith().check({
      method: 'GET',
      url: '/',
      headers: { host: 'api.example.com', authorization: bearer(signToken(claims())) },
      rawHeaders: [
        'Host',
        'api.example.com',
        'Authorization',
        bearer(signToken(claims())),
        'authorization',
        'Bearer x',
      ],
    });
    expect(codeOf(result)).toBe('token_duplicate');
    expect(challenge(result)).toContain('error="invalid_request"');
  });

  it.each<[string, () => string]>([
    ['expired', () => signToken(claims({ exp: NOW - 100 }))],
    ['wrong key', () => signToken(claims(), { key: 'x'.repeat(40) })],
    ['wrong audience', () => signToken(claims({ aud: 'x' }))],
    ['wrong issuer', () => signToken(claims({ iss: 'x' }))],
    ['algorithm', () => signToken(claims(), { algorithm: 'HS512' })],
    ['claims', () => signToken(without('exp'))],
  ])('%s: invalid_token', async (_name, token) => {
    const result = await check(guardWith(), bearer(token()));
    expect(challenge(result)).toBe('Bearer realm="api", error="invalid_token"');
  });

  it('messages never contain the token, audience or issuer', async () => {
    const tokens = [
      signToken(claims({ exp: NOW - 100 })),
      signToken(claims({ aud: 'x' })),
      signToken(claims({ iss: 'x' })),
      signToken(claims(), { key: 'y'.repeat(40) }),
    ];
    for (const token of tokens) {
      const result = await check(guardWith(), bearer(token));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.message).not.toContain(token);
        expect(JSON.stringify(result.headers)).not.toContain(token);
      }
    }
  });
});

describe('construction refusals', () => {
  const rest = { ...base };
  it.each<[string, Record<string, unknown>]>([
    ['no algorithms', { ...rest, algorithms: undefined }],
    ['empty algorithms', { ...rest, algorithms: [] }],
    ['none', { ...rest, algorithms: ['none'] }],
    ['NONE', { ...rest, algorithms: ['NONE'] }],
    ['none among others', { ...rest, algorithms: ['HS256', 'none'] }],
    ['unknown algorithm', { ...rest, algorithms: ['HS257'] }],
    ['lower-case algorithm', { ...rest, algorithms: ['hs256'] }],
    ['HS256 + RS256', { ...rest, algorithms: ['HS256', 'RS256'] }],
    ['RS256 + ES256', { ...rest, key: rsaPublicPem, algorithms: ['RS256', 'ES256'] }],
    ['algorithms a string', { ...rest, algorithms: 'HS256' }],
    ['missing key and getKey', { ...rest, key: undefined }],
    ['both key and getKey', { ...rest, getKey: () => SECRET }],
    ['getKey not a function', { ...rest, key: undefined, getKey: SECRET }],
    ['missing audience', { ...rest, audience: undefined }],
    ['empty audience', { ...rest, audience: '' }],
    ['empty audience list', { ...rest, audience: [] }],
    ['audience list with empty', { ...rest, audience: [AUD, ''] }],
    ['RegExp audience', { ...rest, audience: /api/ }],
    ['issuer undefined', { ...rest, issuer: undefined }],
    ['issuer empty', { ...rest, issuer: '' }],
    ['issuer true', { ...rest, issuer: true }],
    ['empty secret', { ...rest, key: '' }],
    ['PEM with HS256', { ...rest, key: rsaPublicPem }],
    ['PEM Buffer with HS256', { ...rest, key: Buffer.from(rsaPublicPem) }],
    ['RSA KeyObject with HS256', { ...rest, key: rsa.publicKey }],
    ['RSA JWK with HS256', { ...rest, key: rsa.publicKey.export({ format: 'jwk' }) }],
    ['oct JWK without k', { ...rest, key: { kty: 'oct' } }],
    ['secret with RS256', { ...rest, key: SECRET, algorithms: ['RS256'] }],
    ['secret KeyObject with RS256', { ...rest, key: createSecretKey(Buffer.from(SECRET)), algorithms: ['RS256'] }],
    ['EC key with RS256', { ...rest, key: ecPublicPem, algorithms: ['RS256'] }],
    ['RSA key with ES256', { ...rest, key: rsaPublicPem, algorithms: ['ES256'] }],
    ['ES256 key with ES384 listed', { ...rest, key: ecPublicPem, algorithms: ['ES256', 'ES384'] }],
    ['ES256 key with ES384 only', { ...rest, key: ec.publicKey, algorithms: ['ES384'] }],
    ['unknown auth option', { ...rest, audiences: [AUD] }],
    ['negative clockTolerance', { ...rest, clockTolerance: -1 }],
    ['NaN maxAge', { ...rest, maxAge: Number.NaN }],
    ['requireExp string', { ...rest, requireExp: 'no' }],
    ['empty typ', { ...rest, typ: '' }],
    ['requiredClaims empty', { ...rest, requiredClaims: [] }],
    ['claims not callable', { ...rest, claims: { validate: () => true } }],
    ['realm with quote', { ...rest, realm: 'a"b' }],
    ['realm with newline', { ...rest, realm: 'a\nb' }],
  ])('%s', (_name, auth) => {
    expect(() => createGuard({ hosts: HOSTS, auth: auth as never })).toThrow(TypeError);
  });

  it('auth must be an object', () => {
    expect(() => createGuard({ hosts: HOSTS, auth: 'secret' as never })).toThrow(TypeError);
    expect(() => new JwtVerifier(null as never)).toThrow(TypeError);
  });

  it('construction errors do not leak the secret', () => {
    try {
      createGuard({ hosts: HOSTS, auth: { ...base, algorithms: ['RS256'] } });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});

describe('challenge for a well-formed header carrying a non-JWT token', () => {
  it('is invalid_token (RFC 6750 §3.1), not invalid_request', async () => {
    const result = await check(guardWith(), 'Bearer abc');
    expect(codeOf(result)).toBe('token_invalid');
    expect(result.ok ? undefined : result.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token"',
    );
  });
});
