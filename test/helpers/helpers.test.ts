/**
 * The shared test helpers keep their promises: tokens verify as documented, the raw client reads
 * what the server wrote, and `httpRequest` sends what it says.
 */
import { createServer } from 'node:http';
import jsonwebtoken from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, httpRequest, listen, rawRequest } from './http.js';
import {
  craftToken,
  mintToken,
  signToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_SECRET,
  testKeyPair,
  unsignedToken,
} from './tokens.js';

const verify = (
  token: string,
  key: jsonwebtoken.Secret = TEST_SECRET,
  algorithms: jsonwebtoken.Algorithm[] = ['HS256'],
) => jsonwebtoken.verify(token, key, { algorithms, audience: TEST_AUDIENCE, issuer: TEST_ISSUER, complete: true });

describe('tokens', () => {
  it('TEST_SECRET is long enough for HS512', () => {
    expect(Buffer.byteLength(TEST_SECRET)).toBe(64);
  });

  it('mintToken: valid for the test API for an hour; overrides apply, undefined removes a claim', () => {
    const { payload } = verify(mintToken({ scope: 'admin' }));
    expect(payload).toMatchObject({ sub: 'alice', scope: 'admin', aud: TEST_AUDIENCE, iss: TEST_ISSUER });
    const claims = payload as jsonwebtoken.JwtPayload;
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(jsonwebtoken.decode(mintToken({ sub: undefined }))).not.toHaveProperty('sub');
    expect(() => verify(mintToken({}, { key: 'x'.repeat(32) }))).toThrow(/invalid signature/);
  });

  it('signToken signs exactly the payload, with a key pair and kid', () => {
    const pair = testKeyPair('ec-p256');
    const token = signToken(
      { aud: TEST_AUDIENCE, iss: TEST_ISSUER },
      { key: pair.privateKey, algorithm: 'ES256', keyid: 'k1' },
    );
    const { header, payload } = verify(token, pair.publicKey, ['ES256']);
    expect(header).toMatchObject({ alg: 'ES256', kid: 'k1' });
    expect(Object.keys(payload as object).sort()).toEqual(['aud', 'iat', 'iss']);
  });

  it('craftToken hashes as the header alg says and keeps text exactly', () => {
    expect(verify(craftToken(mintPayload(), { header: { alg: 'HS384' } }), TEST_SECRET, ['HS384'])).toBeTruthy();
    expect(verify(craftToken(mintPayload()))).toBeTruthy();
    const [, payload] = craftToken('[1,2,3]').split('.');
    expect(Buffer.from(payload ?? '', 'base64url').toString()).toBe('[1,2,3]');
  });

  it('unsignedToken has alg none and an empty signature', () => {
    const token = unsignedToken({ sub: 'mallory' });
    expect(token.endsWith('.')).toBe(true);
    expect(jsonwebtoken.decode(token, { complete: true })?.header).toEqual({ alg: 'none', typ: 'JWT' });
  });

  it('testKeyPair: one pair per type and name', () => {
    expect(testKeyPair('rsa')).toBe(testKeyPair('rsa'));
    expect(testKeyPair('rsa', 'other')).not.toBe(testKeyPair('rsa'));
    expect(testKeyPair('ec-p384').publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
  });
});

function mintPayload(): Record<string, unknown> {
  return jsonwebtoken.decode(mintToken()) as Record<string, unknown>;
}

describe('http', () => {
  const server = createServer((req, res) => {
    if (req.url === '/chunked') {
      res.write('one,');
      res.end('two');
      return;
    }
    res.setHeader('content-type', 'application/problem+json');
    res.end(JSON.stringify({ code: 'echo', host: req.headers.host, method: req.method, path: req.url }));
  });
  let port = 0;
  beforeAll(async () => {
    port = await listen(server);
  });
  afterAll(() => closeServer(server));

  it('httpRequest: Host localhost unless given, path and method as passed', async () => {
    const first = await httpRequest(port);
    expect([first.status, JSON.parse(first.body)]).toEqual([
      200,
      { code: 'echo', host: 'localhost', method: 'GET', path: '/' },
    ]);
    const second = await httpRequest(port, { host: 'api.example.com' }, '/items', 'DELETE');
    expect(JSON.parse(second.body)).toMatchObject({ host: 'api.example.com', method: 'DELETE', path: '/items' });
  });

  it('rawRequest reads content-length and chunked bodies and the problem code', async () => {
    const plain = await rawRequest(port, 'GET /x HTTP/1.1\r\nHost: rebind.test\r\n\r\n');
    expect([plain.status, plain.code, plain.header('content-type')]).toEqual([200, 'echo', 'application/problem+json']);
    const chunked = await rawRequest(port, 'GET /chunked HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect([chunked.header('transfer-encoding'), chunked.body]).toEqual(['chunked', 'one,two']);
  });
});
