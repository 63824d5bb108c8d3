/**
 * The one place tests mint JWTs (issue 15): a shared HMAC secret, key pairs generated once per
 * test file, `mintToken` for tokens valid for the test API, `signToken` for an exact payload,
 * `craftToken` for hand-built HMAC tokens jsonwebtoken would refuse to sign, and `unsignedToken`
 * for `alg: none`.
 *
 * Used by the cross-package tests under test/ and by packages' own tests through a relative import
 * (`'../../../test/helpers/tokens.js'`). Times are read from `Date.now()`, so tests that freeze the
 * clock (`vi.setSystemTime`) mint tokens for the frozen time.
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';

/**
 * An HS256 secret for tests: 64 ASCII characters, so it is long enough for HS256, HS384 and HS512
 * (RFC 7518 §3.2: at least as many bytes as the hash).
 *
 * @example
 * ```ts
 * createGuard({ hosts: ['api.example.com'], auth: { key: TEST_SECRET, algorithms: ['HS256'], audience: TEST_AUDIENCE, issuer: TEST_ISSUER } });
 * ```
 */
export const TEST_SECRET = 'rebind-guard tests: a shared HMAC secret of 64 bytes, for HS512.';

/** The audience `mintToken` puts in `aud` by default: the test API. */
export const TEST_AUDIENCE = 'https://api.example.com';

/** The issuer `mintToken` puts in `iss` by default: the test identity provider. */
export const TEST_ISSUER = 'https://idp.example.com';

/** One hour in seconds, the default lifetime of a minted token. */
export const HOUR = 3600;

/**
 * The current time in whole seconds since the epoch (`Date.now()`, so frozen clocks apply).
 *
 * @example
 * ```ts
 * const expired = mintToken({ exp: nowSeconds() - 10 * HOUR });
 * ```
 */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Claims of a test token; `undefined` removes a default claim. */
export type TestClaims = Readonly<Record<string, unknown>>;

/**
 * The claims of a token valid for the test API now: `sub: 'alice'`, `aud` {@link TEST_AUDIENCE},
 * `iss` {@link TEST_ISSUER}, `iat` now, `exp` in an hour — with `overrides` applied. An override of
 * `undefined` removes that claim (`testClaims({ exp: undefined })` has no `exp`).
 *
 * @example
 * ```ts
 * craftToken(testClaims({ scope: 'admin' }));
 * ```
 */
export function testClaims(overrides: TestClaims = {}): Record<string, unknown> {
  const now = nowSeconds();
  const merged: Record<string, unknown> = {
    sub: 'alice',
    aud: TEST_AUDIENCE,
    iss: TEST_ISSUER,
    iat: now,
    exp: now + HOUR,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** How `signToken` and `mintToken` sign: the key (default {@link TEST_SECRET}), algorithm and `kid`. */
export interface SignSpec {
  /** The signing key: an HMAC secret or a private key. Default {@link TEST_SECRET}. */
  readonly key?: jsonwebtoken.Secret | KeyObject;
  /** Default `'HS256'`. */
  readonly algorithm?: jsonwebtoken.Algorithm;
  /** The header's `kid`, when set. */
  readonly keyid?: string;
}

/**
 * Signs exactly `payload` with jsonwebtoken (which adds `iat` when the payload has none).
 *
 * @example
 * ```ts
 * const token = signToken({ sub: 'u1', aud: 'api' }, { key: testKeyPair('rsa').privateKey, algorithm: 'RS256' });
 * ```
 */
export function signToken(payload: TestClaims, spec: SignSpec = {}): string {
  const options: jsonwebtoken.SignOptions = { algorithm: spec.algorithm ?? 'HS256' };
  if (spec.keyid !== undefined) options.keyid = spec.keyid;
  return jsonwebtoken.sign({ ...payload }, spec.key ?? TEST_SECRET, options);
}

/**
 * Mints a token valid for the test API (the claims of {@link testClaims}, with `claims` applied),
 * signed as `spec` says (default: HS256 with {@link TEST_SECRET}).
 *
 * @example
 * ```ts
 * const valid = mintToken();
 * const expired = mintToken({ exp: nowSeconds() - HOUR });
 * const notYetValid = mintToken({ nbf: nowSeconds() + HOUR, exp: nowSeconds() + 2 * HOUR });
 * const wrongAudience = mintToken({ aud: 'https://staging.example.com' });
 * const forged = mintToken({}, { key: 'another secret that is long enough, 32+' });
 * ```
 */
export function mintToken(claims: TestClaims = {}, spec: SignSpec = {}): string {
  return signToken(testClaims(claims), spec);
}

/**
 * One JWT segment: base64url of `part` — an object as JSON, a string as that exact text.
 *
 * @example
 * ```ts
 * const unsigned = `${jwtSegment({ alg: 'none' })}.${jwtSegment('{"sub":"x"}')}.`;
 * ```
 */
export function jwtSegment(part: object | string): string {
  return Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');
}

const HMAC_HASHES: Readonly<Record<string, string>> = { HS384: 'sha384', HS512: 'sha512' };

/** The header and HMAC key of a hand-built token. */
export interface CraftSpec {
  /** An object (serialised as JSON) or exact JSON text. Default `{ alg: 'HS256', typ: 'JWT' }`. */
  readonly header?: object | string;
  /** The HMAC key, any length (an empty key included). Default {@link TEST_SECRET}. */
  readonly secret?: string | Buffer;
}

/**
 * Builds an HMAC-signed token by hand, without jsonwebtoken: exact header and payload text, any key
 * (empty keys and public-key PEMs included, which jsonwebtoken refuses), and fast enough to mint
 * tens of thousands. The hash is SHA-384 or SHA-512 when an object header says `HS384` or `HS512`,
 * SHA-256 otherwise (also for `none`, lower-case names and text headers).
 *
 * @example
 * ```ts
 * const withCrit = craftToken(testClaims(), { header: { alg: 'HS256', crit: ['exp'] } });
 * const arrayPayload = craftToken('[1,2,3]');
 * ```
 */
export function craftToken(payload: object | string, spec: CraftSpec = {}): string {
  const header = spec.header ?? { alg: 'HS256', typ: 'JWT' };
  const alg = typeof header === 'string' ? undefined : (header as { alg?: unknown }).alg;
  const hash = (typeof alg === 'string' ? HMAC_HASHES[alg] : undefined) ?? 'sha256';
  const input = `${jwtSegment(header)}.${jwtSegment(payload)}`;
  return `${input}.${createHmac(hash, spec.secret ?? TEST_SECRET)
    .update(input)
    .digest('base64url')}`;
}

/**
 * An `alg: none` token with an empty signature (`header` defaults to `{ alg: 'none', typ: 'JWT' }`).
 *
 * @example
 * ```ts
 * const unsigned = unsignedToken(testClaims({ sub: 'mallory' }));
 * ```
 */
export function unsignedToken(payload: object | string, header: object | string = { alg: 'none', typ: 'JWT' }): string {
  return `${jwtSegment(header)}.${jwtSegment(payload)}.`;
}

/** The key pairs tests sign with: RSA 2048 (RS*, PS*), EC P-256 (ES256) and EC P-384 (ES384). */
export type KeyPairType = 'rsa' | 'ec-p256' | 'ec-p384';

/** A private key to sign with and the public key a guard verifies with. */
export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const keyPairs = new Map<string, TestKeyPair>();

/**
 * A key pair generated on first use and reused for the rest of the test file. Pairs with
 * different `name`s are different keys (`testKeyPair('rsa', 'other')` for a wrong-key case, or one
 * name per `kid`).
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = testKeyPair('rsa');
 * const token = mintToken({}, { key: privateKey, algorithm: 'RS256' });
 * createGuard({ hosts: ['api.example.com'], auth: { key: publicKey, algorithms: ['RS256'], audience: TEST_AUDIENCE, issuer: TEST_ISSUER } });
 * ```
 */
export function testKeyPair(type: KeyPairType, name = 'default'): TestKeyPair {
  const id = `${type}/${name}`;
  let pair = keyPairs.get(id);
  if (pair === undefined) {
    pair =
      type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: type === 'ec-p256' ? 'prime256v1' : 'secp384r1' });
    keyPairs.set(id, pair);
  }
  return pair;
}
