/**
 * JWT verification through `jsonwebtoken`, with keys prepared once and the library's gaps closed.
 *
 * @packageDocumentation
 */
import { createPublicKey, createSecretKey, KeyObject, type JsonWebKey } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { DEFAULT_MAX_TOKEN_LENGTH } from './bearer.js';
import { keyServerUrl, RemoteKeys } from './internal/remote-keys.js';
import { isPlainObject } from './internal/objects.js';
import type { ParsedHost } from './host.js';
import { cacheSettings, HeaderMemo, TokenCache } from './internal/token-cache.js';

/**
 * The JWS algorithms rebind-guard verifies. `none` is never accepted.
 */
export type JwtAlgorithm =
  'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

const ALGORITHMS: ReadonlySet<string> = new Set<JwtAlgorithm>([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
]);

/**
 * The decoded JOSE header of a token, as handed to `getKey` (see {@link GetKey}).
 */
export interface JwtHeader {
  readonly alg: string;
  readonly typ?: string;
  readonly kid?: string;
  readonly [parameter: string]: unknown;
}

/**
 * Registered claims (RFC 7519) plus anything else. The default claims type of a guard.
 *
 * @example
 * ```ts
 * import type { JwtClaims } from '@rebind-guard/core';
 * interface MyClaims extends JwtClaims { sub: string; scope: string }
 * ```
 */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  scope?: string;
  [claim: string]: unknown;
}

/**
 * Key material: a secret (string or bytes) for HS*, a PEM string/Buffer, a JWK object or a
 * `KeyObject` for RS*, PS* and ES*.
 */
export type KeyInput = string | Uint8Array | KeyObject | JsonWebKey;

/**
 * Looks a key up from the token header, e.g. by `kid` from a JWKS (see the `jwks-rsa` recipe).
 * May be async. Whatever it returns is prepared once and cached by value. A lookup that throws or
 * returns no key rejects the token as `token_invalid`.
 *
 * @example
 * ```ts
 * import type { GetKey } from '@rebind-guard/core';
 * // PEM public keys by key id, e.g. loaded at start-up.
 * const publicKeys = new Map([['2025-01', process.env.JWT_PUBLIC_KEY_2025_01 ?? '']]);
 * const getKey: GetKey = (header) => {
 *   const key = header.kid === undefined ? undefined : publicKeys.get(header.kid);
 *   if (key === undefined) throw new Error('unknown kid');
 *   return key;
 * };
 * // createGuard({ hosts, auth: { getKey, algorithms: ['RS256'], audience, issuer } })
 * ```
 */
export type GetKey = (header: JwtHeader) => KeyInput | Promise<KeyInput>;

/**
 * Validates or parses verified claims into the guard's claims type. Either a type guard
 * (`(claims) => claims is C`), a parse function returning the claims (throwing on bad input), or
 * an object with such a `parse` method (zod, valibot wrappers…). A `false` result, a throw or a
 * non-object result is `token_claims_invalid`.
 *
 * @example
 * ```ts
 * import type { ClaimsValidator, JwtClaims } from '@rebind-guard/core';
 * interface MyClaims extends JwtClaims { sub: string; scope: string }
 * const claims: ClaimsValidator<MyClaims> = (c): c is MyClaims => typeof c.sub === 'string' && typeof c.scope === 'string';
 * // createGuard({ hosts, auth: { key, algorithms, audience, issuer, claims } }) checks claims typed MyClaims
 * ```
 */
export type ClaimsValidator<Claims> =
  | ((claims: JwtClaims) => claims is JwtClaims & Claims)
  | ((claims: JwtClaims) => Claims | Promise<Claims>)
  | { parse(claims: unknown): Claims | Promise<Claims> };

/**
 * The `auth` options of a guard: how Bearer tokens are verified.
 *
 * @example
 * ```ts
 * import { createGuard } from '@rebind-guard/core';
 * // One API under two names: a token is accepted only on the host it was issued for.
 * const guard = createGuard({
 *   hosts: ['api.example.com', 'staging.example.com'],
 *   auth: {
 *     key: process.env.JWT_PUBLIC_KEY ?? '',
 *     algorithms: ['RS256'],
 *     audience: (host) => `https://${host.hostname}`,
 *     issuer: 'https://idp.example.com',
 *   },
 * });
 * ```
 */
export interface AuthOptions<Claims = JwtClaims> {
  /** The verification key, prepared once. Exactly one of `key`, `getKey`, `jwksUri` and `discovery` is required. */
  readonly key?: KeyInput;
  /** Key lookup by token header, for rotation and custom key stores. */
  readonly getKey?: GetKey;
  /**
   * The identity provider's JSON Web Key Set URL (https; http only on loopback). Keys are selected
   * by `kid` and `alg`, cached, and refetched at most once per cooldown for unknown `kid`s.
   */
  readonly jwksUri?: string;
  /**
   * `true`: find the JWKS through the issuer's OpenID Connect (`/.well-known/openid-configuration`)
   * or RFC 8414 (`/.well-known/oauth-authorization-server`) metadata, whose `issuer` must equal
   * `issuer` (which must then be one https URL).
   */
  readonly discovery?: boolean;
  /** Timing of the remote key client (`jwksUri`, `discovery`), in seconds. */
  readonly jwks?: JwksTiming;
  /** Accepted algorithms; required, non-empty; `none` and mixes of HS* with asymmetric algorithms are refused. */
  readonly algorithms: readonly JwtAlgorithm[];
  /**
   * Required audience: one, several (any may match) or a function of the validated request host.
   * Required unless the guard has `resourceMetadata`, whose `resource` is then the audience.
   */
  readonly audience?: string | readonly string[] | ((host: ParsedHost) => string | readonly string[]);
  /** Required issuer(s); `false` explicitly skips the issuer check. */
  readonly issuer: string | readonly string[] | false;
  /** Seconds of clock skew tolerated for `exp`, `nbf` and `maxAge`. Default 5. */
  readonly clockTolerance?: number;
  /** Maximum token age in seconds, measured from `iat` (which then becomes required). */
  readonly maxAge?: number;
  /** Require a finite numeric `exp`. Default `true`. */
  readonly requireExp?: boolean;
  /** Accepted `typ` header values, e.g. `['at+jwt']` (RFC 9068); compared case-insensitively, `application/` prefix optional. */
  readonly typ?: string | readonly string[];
  /** Claims that must be present (any value but `undefined`/`null`). */
  readonly requiredClaims?: readonly string[];
  /** Validates the verified claims and narrows them to the guard's claims type. */
  readonly claims?: ClaimsValidator<Claims>;
  /** The `realm` of `WWW-Authenticate` challenges. Default `"api"`. */
  readonly realm?: string;
  /** Longest accepted Authorization header value. Default 8192. */
  readonly maxTokenLength?: number;
  /**
   * The verified-token cache (on by default): a repeat token costs a lookup instead of a signature
   * check. `false` switches it off; `max` (default 1000) bounds the tokens kept, the least
   * recently used being evicted. Entries never outlive `exp`, `maxAge` or `nbf`, are bound to the
   * host when `audience` is a function, and are used only while `getKey` still returns the key
   * they were verified with; failures are never cached; the `claims` validator runs on every hit.
   */
  readonly cache?: false | { readonly max?: number };
}

/**
 * What a verified token yields: its claims (typed), its header and the raw token.
 */
export interface AuthInfo<Claims = JwtClaims> {
  readonly claims: Claims;
  readonly header: JwtHeader;
  readonly token: string;
}

/**
 * Token result codes produced by verification (a subset of `ResultCode`).
 */
export type TokenFailureCode =
  | 'key_unavailable'
  | 'token_invalid'
  | 'token_expired'
  | 'token_not_active'
  | 'token_audience_invalid'
  | 'token_issuer_invalid'
  | 'token_algorithm_invalid'
  | 'token_claims_invalid';

/**
 * What {@link JwtVerifier.verify} returns: the verified token, or a token failure code.
 */
export type VerifyOutcome<Claims> =
  | { ok: true; auth: AuthInfo<Claims> }
  | { ok: false; code: Exclude<TokenFailureCode, 'key_unavailable'> }
  | { ok: false; code: 'key_unavailable'; retryAfter: number };

/**
 * Timing of the remote key client, in seconds.
 *
 * @example
 * ```ts
 * import { createGuard } from '@rebind-guard/core';
 * const guard = createGuard({
 *   hosts: ['api.example.com'],
 *   auth: {
 *     jwksUri: 'https://idp.example.com/.well-known/jwks.json',
 *     jwks: { cooldown: 60, timeout: 2 }, // unknown kids refetched at most once a minute; 2 s per fetch
 *     algorithms: ['RS256'],
 *     audience: 'https://api.example.com',
 *     issuer: 'https://idp.example.com',
 *   },
 * });
 * ```
 */
export interface JwksTiming {
  /** Least time between two fetches for unknown `kid`s, and after a failed fetch. Default 30. */
  readonly cooldown?: number;
  /** Fetch timeout. Default 5. */
  readonly timeout?: number;
  /** How long a fetched key set is used before it is refetched. Default 600. */
  readonly maxAge?: number;
}

type Family = 'HS' | 'RS' | 'ES';
const CURVES: Readonly<Record<string, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
/** The `realm` of `WWW-Authenticate` challenges when `auth.realm` is not set. */
export const DEFAULT_REALM = 'api';

/**
 * The name of every option of {@link AuthOptions}, derived from the type: an option added to the
 * interface does not compile until it is listed here, so validation and docs cannot drift from it.
 *
 * @example
 * ```ts
 * import { AUTH_OPTION_KEYS } from '@rebind-guard/core';
 * AUTH_OPTION_KEYS.includes('jwksUri'); // true
 * ```
 */
export const AUTH_OPTION_KEYS: readonly (keyof AuthOptions)[] = Object.freeze(
  Object.keys({
    key: true,
    getKey: true,
    jwksUri: true,
    discovery: true,
    jwks: true,
    algorithms: true,
    audience: true,
    issuer: true,
    clockTolerance: true,
    maxAge: true,
    requireExp: true,
    typ: true,
    requiredClaims: true,
    claims: true,
    realm: true,
    maxTokenLength: true,
    cache: true,
  } satisfies Record<keyof AuthOptions, true>) as (keyof AuthOptions)[],
);
const AUTH_KEYS: ReadonlySet<string> = new Set(AUTH_OPTION_KEYS);

const familyOf = (alg: string): Family => (alg.startsWith('HS') ? 'HS' : alg.startsWith('ES') ? 'ES' : 'RS');

function optionError(message: string): TypeError {
  return new TypeError(`rebind-guard: auth.${message}`);
}

function isJwk(value: unknown): value is JsonWebKey {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !(value instanceof KeyObject);
}

/** A prepared key, or why the key material cannot be used with the configured algorithms. */
type PreparedKey = { readonly ok: true; readonly key: KeyObject } | { readonly ok: false; readonly problem: string };

const refuse = (problem: string): PreparedKey => ({ ok: false, problem });

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
const HMAC_MIN_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

const ALGORITHM_CONFUSION =
  'the classic algorithm-confusion setup (a public key used as an HMAC secret lets anyone who has it sign tokens); use RS256/ES256 with the public key, or a random secret with HS256';

/**
 * Why these secret bytes look like public-key material rather than a random secret, if they do:
 * PEM in any case, an OpenSSH public key line, a JWK as JSON text, or DER (raw or base64) that
 * parses as a public key.
 */
function publicKeyLookalike(bytes: Buffer): string | undefined {
  const text = bytes.toString('latin1');
  if (/-----\s*begin/i.test(text)) return 'is a PEM key';
  if (/^\s*(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-|sk-(?:ssh|ecdsa)-)/i.test(text))
    return 'is an OpenSSH public key';
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (isPlainObject(parsed) && 'kty' in parsed) return 'is a JWK (as JSON text)';
    } catch {
      // not JSON: fine
    }
  }
  const candidates = [bytes];
  if (/^[A-Za-z0-9+/=\s_-]+$/.test(trimmed) && trimmed.length >= 64)
    candidates.push(Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'));
  for (const der of candidates) {
    // An ASN.1 SEQUENCE is the only thing worth handing to the DER parser.
    if (der[0] !== 0x30) continue;
    for (const type of ['spki', 'pkcs1'] as const) {
      try {
        createPublicKey({ key: der, format: 'der', type });
        return 'is a DER-encoded public key';
      } catch {
        // not this encoding
      }
    }
  }
  return undefined;
}

/** Checks HMAC key material (every form) and turns it into a secret `KeyObject`. */
function prepareSecret(input: KeyInput, algorithms: readonly string[]): PreparedKey {
  let bytes: Buffer;
  if (input instanceof KeyObject) {
    if (input.type !== 'secret')
      return refuse(`must be a secret for HS* algorithms, not a ${input.type} key: ${ALGORITHM_CONFUSION}`);
    bytes = input.export();
  } else if (isJwk(input)) {
    if (input.kty !== 'oct' || typeof input.k !== 'string')
      return refuse(`given as a JWK must have kty "oct" and "k" for HS* algorithms: ${ALGORITHM_CONFUSION}`);
    if (!/^[A-Za-z0-9_-]*$/.test(input.k)) return refuse('has a JWK "k" that is not base64url');
    bytes = Buffer.from(input.k, 'base64url');
  } else if (typeof input === 'string') bytes = Buffer.from(input, 'utf8');
  else bytes = Buffer.from(input);
  const lookalike = publicKeyLookalike(bytes);
  if (lookalike !== undefined) return refuse(`${lookalike} but algorithms are HS*: that is ${ALGORITHM_CONFUSION}`);
  const needed = Math.max(...algorithms.map((alg) => HMAC_MIN_BYTES[alg] ?? 0));
  if (bytes.length < needed) {
    const what = bytes.length === 0 ? 'is an empty secret' : `is a ${bytes.length}-byte secret`;
    return refuse(
      `${what}; ${algorithms.join('/')} needs at least ${needed} random bytes (RFC 7518 §3.2), or anyone can guess it and mint tokens. Generate one with: node -e "console.log(require('node:crypto').randomBytes(${needed}).toString('base64url'))"`,
    );
  }
  return { ok: true, key: createSecretKey(bytes) };
}

/** Turns key material into a `KeyObject` suitable for all `algorithms`, or says what is wrong. */
function prepareKey(input: KeyInput, algorithms: readonly string[]): PreparedKey {
  const family = familyOf(algorithms[0] ?? '');
  let key: KeyObject;
  try {
    if (family === 'HS') return prepareSecret(input, algorithms);
    if (input instanceof KeyObject) key = input;
    else if (isJwk(input)) key = createPublicKey({ key: input, format: 'jwk' });
    else key = createPublicKey(typeof input === 'string' ? input : Buffer.from(input));
  } catch {
    return refuse(
      'could not be read as a key for these algorithms (expected a secret for HS*, a PEM/JWK public key for RS*/PS*/ES*)',
    );
  }
  if (key.type === 'private') key = createPublicKey(key);
  if (key.type !== 'public') return refuse('must be a public key for RS*, PS* and ES* algorithms');
  if (family === 'RS' && key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
    return refuse('must be an RSA key for RS*/PS* algorithms');
  }
  if (family === 'ES') {
    if (key.asymmetricKeyType !== 'ec') return refuse('must be an EC key for ES* algorithms');
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (algorithms.some((alg) => CURVES[alg] !== curve))
      return refuse('has a curve that does not match every ES* algorithm listed');
  }
  return { ok: true, key };
}

function stringList(value: unknown, name: string, example: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw optionError(`${name} must be a non-empty string or a non-empty array of non-empty strings, e.g. ${example}.`);
  }
  return list as readonly string[];
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodeSegment(segment: string): unknown {
  if (!B64URL.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const normaliseTyp = (typ: string): string => typ.toLowerCase().replace(/^application\//, '');

function mapJsonWebTokenError(error: unknown): Exclude<TokenFailureCode, 'key_unavailable'> {
  if (error instanceof jsonwebtoken.TokenExpiredError) return 'token_expired';
  if (error instanceof jsonwebtoken.NotBeforeError) return 'token_not_active';
  if (!(error instanceof jsonwebtoken.JsonWebTokenError)) return 'token_invalid';
  const message = error.message;
  if (message.startsWith('jwt audience invalid')) return 'token_audience_invalid';
  if (message.startsWith('jwt issuer invalid')) return 'token_issuer_invalid';
  if (message === 'invalid algorithm') return 'token_algorithm_invalid';
  if (/^(invalid (exp|nbf) value|iat required|jwt (subject|id|nonce) invalid|"maxAge")/.test(message))
    return 'token_claims_invalid';
  return 'token_invalid';
}

/** Keys prepared from `getKey` results, by value, so PEM strings are parsed once. */
const MAX_CACHED_KEYS = 64;

/**
 * A compiled verifier: options validated and keys prepared once at construction.
 * Used by `createGuard`; exported for direct use in non-HTTP contexts.
 *
 * @example
 * ```ts
 * import { JwtVerifier } from '@rebind-guard/core';
 * const verifier = new JwtVerifier({
 *   key: process.env.JWT_SECRET ?? '', // HS256: at least 32 bytes
 *   algorithms: ['HS256'],
 *   audience: 'https://api.example.com',
 *   issuer: false,
 * });
 * const token = process.argv[2] ?? ''; // e.g. a token handed to a command-line tool
 * const outcome = await verifier.verify(token, { hostname: 'api.example.com', port: undefined });
 * if (outcome.ok) console.log(outcome.auth.claims.sub);
 * ```
 */
export class JwtVerifier<Claims = JwtClaims> {
  readonly realm: string;
  readonly maxTokenLength: number;
  readonly #algorithms: readonly JwtAlgorithm[];
  readonly #key: KeyObject | undefined;
  readonly #getKey: GetKey | undefined;
  readonly #keyCache = new Map<unknown, KeyObject>();
  readonly #remote: RemoteKeys | undefined;
  readonly #warned = new Set<string>();
  #warnedBadKey = false;
  readonly #audience: ((host: ParsedHost) => string | readonly string[]) | readonly string[];
  readonly #issuer: readonly string[] | undefined;
  readonly #clockTolerance: number;
  readonly #maxAge: number | undefined;
  readonly #requireExp: boolean;
  readonly #typ: ReadonlySet<string> | undefined;
  readonly #requiredClaims: readonly string[];
  readonly #claims: ClaimsValidator<Claims> | undefined;
  readonly #cache: TokenCache | undefined;
  #staticOptions: jsonwebtoken.VerifyOptions | undefined;
  readonly #headers = new HeaderMemo(decodeSegment);

  /**
   * Validates options; throws `TypeError` saying what to change.
   *
   * @example
   * ```ts
   * import { JwtVerifier } from '@rebind-guard/core';
   * new JwtVerifier({ key: publicPem, algorithms: ['RS256'], audience: 'https://api.example.com', issuer: 'https://idp.example.com' });
   * ```
   */
  constructor(options: AuthOptions<Claims>) {
    if (!isPlainObject(options)) throw optionError('must be an object with key, algorithms, audience and issuer.');
    for (const name of Object.keys(options)) {
      if (!AUTH_KEYS.has(name))
        throw optionError(`${name} is not an option; valid options are ${[...AUTH_KEYS].join(', ')}.`);
    }
    this.#algorithms = compileAlgorithms(options.algorithms);

    requireOneKeySource(options);
    if (options.getKey !== undefined && typeof options.getKey !== 'function')
      throw optionError('getKey must be a function.');
    this.#remote = remoteKeysFor(options, this.#algorithms, (message) => {
      this.#warnOnce(message);
    });
    this.#getKey = options.getKey;
    if (options.key !== undefined) {
      const prepared = prepareKey(options.key, this.#algorithms);
      if (!prepared.ok) throw optionError(`key ${prepared.problem}.`);
      this.#key = prepared.key;
    }

    this.#audience = compileAudience(options.audience);

    if (options.issuer === false) this.#issuer = undefined;
    else if ((options.issuer as unknown) === undefined) {
      throw optionError('issuer is required: set the issuer URL, or `issuer: false` to skip the check on purpose.');
    } else this.#issuer = stringList(options.issuer, 'issuer', '"https://idp.example.com"');

    this.#clockTolerance = nonNegative(options.clockTolerance, 'clockTolerance', 5);
    this.#maxAge = options.maxAge === undefined ? undefined : positive(options.maxAge, 'maxAge');
    if (options.requireExp !== undefined && typeof options.requireExp !== 'boolean')
      throw optionError('requireExp must be a boolean.');
    this.#requireExp = options.requireExp ?? true;
    this.#typ =
      options.typ === undefined ? undefined : new Set(stringList(options.typ, 'typ', '"at+jwt"').map(normaliseTyp));
    this.#requiredClaims =
      options.requiredClaims === undefined ? [] : stringList(options.requiredClaims, 'requiredClaims', '["sub"]');
    this.#claims = claimsValidator(options.claims);
    this.realm = compileRealm(options.realm ?? DEFAULT_REALM);
    this.maxTokenLength =
      options.maxTokenLength === undefined
        ? DEFAULT_MAX_TOKEN_LENGTH
        : positive(options.maxTokenLength, 'maxTokenLength', 'characters');
    const cache = cacheSettings(options.cache);
    this.#cache =
      cache === undefined
        ? undefined
        : new TokenCache(cache, {
            clockTolerance: this.#clockTolerance,
            maxAge: this.#maxAge,
            hostBound: typeof this.#audience === 'function',
          });
  }

  /** Emits a process warning once per distinct message (never with key material or request data). */
  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    process.emitWarning(`rebind-guard: ${message}`, { code: 'REBIND_GUARD_KEYS' });
  }

  async #keyFor(header: JwtHeader): Promise<KeyObject | { readonly retryAfter: number } | undefined> {
    if (this.#key !== undefined) return this.#key;
    if (this.#remote !== undefined) {
      const found = await this.#remote.key({
        alg: header.alg,
        ...(typeof header.kid === 'string' ? { kid: header.kid } : {}),
      });
      if (!found.ok) return found.code === 'key_unavailable' ? { retryAfter: found.retryAfter } : undefined;
      const prepared = prepareKey(found.key, this.#algorithms);
      return prepared.ok ? prepared.key : undefined;
    }
    if (this.#getKey === undefined) return undefined;
    let input: KeyInput;
    try {
      input = await this.#getKey(header);
    } catch {
      return undefined;
    }
    // getKey may return nothing for an unknown kid: that is an invalid token, not a crash.
    if (!(input instanceof KeyObject) && typeof input !== 'string' && !(input instanceof Uint8Array) && !isJwk(input))
      return undefined;
    // Prefix by kind so a string secret, raw bytes and a JWK can never share a cache entry; a
    // KeyObject is its own cache key.
    const cacheKey: unknown =
      input instanceof KeyObject
        ? input
        : isJwk(input)
          ? `j:${JSON.stringify(input)}`
          : typeof input === 'string'
            ? `s:${input}`
            : `b:${Buffer.from(input).toString('base64')}`;
    const cached = this.#keyCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const prepared = prepareKey(input, this.#algorithms);
    if (!prepared.ok) {
      // A weak or wrong key from getKey must never verify anything; say so once, without the key.
      if (!this.#warnedBadKey) {
        this.#warnedBadKey = true;
        process.emitWarning(
          `rebind-guard: auth.getKey returned a key that ${prepared.problem}. Tokens checked with it are rejected as token_invalid.`,
          {
            code: 'REBIND_GUARD_BAD_KEY',
          },
        );
      }
      return undefined;
    }
    if (this.#keyCache.size >= MAX_CACHED_KEYS) this.#keyCache.delete(this.#keyCache.keys().next().value);
    this.#keyCache.set(cacheKey, prepared.key);
    return prepared.key;
  }

  /**
   * Verifies a compact JWS for a request to `host`. Never throws; failures are token codes.
   *
   * @example
   * ```ts
   * import { JwtVerifier } from '@rebind-guard/core';
   * const verifier = new JwtVerifier({
   *   jwksUri: 'https://idp.example.com/.well-known/jwks.json',
   *   algorithms: ['RS256'],
   *   audience: 'https://api.example.com',
   *   issuer: 'https://idp.example.com',
   * });
   * const token = process.argv[2] ?? '';
   * const outcome = await verifier.verify(token, { hostname: 'api.example.com', port: undefined });
   * if (outcome.ok) console.log(outcome.auth.claims.sub);
   * else if (outcome.code === 'key_unavailable') console.log(`IdP unreachable, retry in ${outcome.retryAfter} s`);
   * else console.log(outcome.code); // e.g. 'token_expired'
   * ```
   */
  async verify(token: string, host: ParsedHost): Promise<VerifyOutcome<Claims>> {
    return this.verifyNow(token, host);
  }

  /**
   * {@link JwtVerifier.verify} without a promise when none is needed: with a static `key` (and a
   * `claims` validator that returns at once, or none) the outcome is returned synchronously; with a
   * key lookup or an async validator it is a promise. The guard uses it so that a request whose
   * token is verified with a static key takes no extra turn of the event loop.
   *
   * @example
   * ```ts
   * import { JwtVerifier } from '@rebind-guard/core';
   * const verifier = new JwtVerifier({
   *   key: process.env.JWT_SECRET ?? '',
   *   algorithms: ['HS256'],
   *   audience: 'https://api.example.com',
   *   issuer: false,
   * });
   * const outcome = verifier.verifyNow(process.argv[2] ?? '', { hostname: 'api.example.com', port: undefined });
   * const settled = outcome instanceof Promise ? await outcome : outcome;
   * console.log(settled.ok ? settled.auth.claims.sub : settled.code);
   * ```
   */
  verifyNow(token: string, host: ParsedHost): VerifyOutcome<Claims> | Promise<VerifyOutcome<Claims>> {
    if (this.#key === undefined) return this.#verifyWithLookup(token, host);
    const cached = this.#cache?.get(token, host);
    if (cached !== undefined) return this.#accept(cached.claims, cached.header, token);
    const read = this.#readHeader(token);
    if (!read.ok) return read;
    return this.#verifySigned(token, host, read.header, read.payloadPart, this.#key);
  }

  /** The path with a key lookup (`getKey`, `jwksUri`, `discovery`), which may wait for keys. */
  async #verifyWithLookup(token: string, host: ParsedHost): Promise<VerifyOutcome<Claims>> {
    const cached = this.#cache?.get(token, host);
    if (cached !== undefined) {
      // A hit counts only while the lookup still yields the key it was verified with; no key is
      // token_invalid as on the full path; anything else takes the full path.
      const found: unknown = await this.#keyFor(cached.header);
      if (found === undefined) return { ok: false, code: 'token_invalid' };
      if (sameKey(found, cached.key)) return this.#accept(cached.claims, cached.header, token);
    }
    const read = this.#readHeader(token);
    if (!read.ok) return read;
    const key = await this.#keyFor(read.header);
    if (key === undefined) return { ok: false, code: 'token_invalid' };
    if (!(key instanceof KeyObject)) return { ok: false, code: 'key_unavailable', retryAfter: key.retryAfter };
    return this.#verifySigned(token, host, read.header, read.payloadPart, key);
  }

  /** The signature and claims, checked by jsonwebtoken with `key`, then the checks it leaves out. */
  #verifySigned(
    token: string,
    host: ParsedHost,
    header: JwtHeader,
    payloadPart: string,
    key: KeyObject,
  ): VerifyOutcome<Claims> | Promise<VerifyOutcome<Claims>> {
    // A static audience was checked at construction: its options object is built once.
    const options =
      typeof this.#audience === 'function'
        ? this.#hostOptions(this.#audience, host)
        : (this.#staticOptions ??= this.#verifyOptions(this.#audience));
    if (options === undefined) return { ok: false, code: 'token_audience_invalid' };

    let payload: unknown;
    try {
      payload = jsonwebtoken.verify(token, key, options);
    } catch (error) {
      // A payload that is not a JSON object is token_invalid whatever else is wrong (checked only
      // on failure: on success the payload is checked below, so valid tokens are decoded once).
      return {
        ok: false,
        code: isPlainObject(decodeSegment(payloadPart)) ? mapJsonWebTokenError(error) : 'token_invalid',
      };
    }
    if (!isPlainObject(payload)) return { ok: false, code: 'token_invalid' };
    if (!this.#claimsWellFormed(payload)) return { ok: false, code: 'token_claims_invalid' };

    this.#cache?.set(token, host, payload, header, key);
    return this.#accept(payload, header, token);
  }

  /** The token's protected header, checked against the configuration before any key is looked up. */
  #readHeader(
    token: string,
  ):
    | { ok: true; header: JwtHeader; payloadPart: string }
    | { ok: false; code: 'token_invalid' | 'token_algorithm_invalid' } {
    const segments = token.split('.');
    if (segments.length !== 3) return { ok: false, code: 'token_invalid' };
    const [headerPart = '', payloadPart = '', signaturePart = ''] = segments;
    const header = this.#headers.decode(headerPart);
    if (!isPlainObject(header) || typeof header.alg !== 'string') return { ok: false, code: 'token_invalid' };
    if (!(this.#algorithms as readonly string[]).includes(header.alg))
      return { ok: false, code: 'token_algorithm_invalid' };
    // We implement no JWS extensions, so any critical one must be refused (RFC 7515 §4.1.11).
    if ('crit' in header) return { ok: false, code: 'token_invalid' };
    if (this.#typ !== undefined && (typeof header.typ !== 'string' || !this.#typ.has(normaliseTyp(header.typ)))) {
      return { ok: false, code: 'token_invalid' };
    }
    if (!B64URL.test(signaturePart)) return { ok: false, code: 'token_invalid' };
    return { ok: true, header: header as JwtHeader, payloadPart };
  }

  /** The claim checks jsonwebtoken leaves out: finite numeric dates, a positive `iat`, `exp` and required claims present. */
  #claimsWellFormed(payload: JwtClaims): boolean {
    // jsonwebtoken accepts a missing exp and exp: 1e400 (Infinity); we do not.
    for (const claim of ['exp', 'nbf', 'iat']) {
      const value = payload[claim];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return false;
    }
    // jsonwebtoken treats iat: 0 as "unset" and then measures maxAge from now.
    if (payload.iat !== undefined && payload.iat <= 0) return false;
    if (this.#requireExp && payload.exp === undefined) return false;
    return !this.#requiredClaims.some((claim) => payload[claim] === undefined || payload[claim] === null);
  }

  /** jsonwebtoken options for these audiences (it reads the clock itself: floor(Date.now() / 1000)). */
  #verifyOptions(audiences: readonly string[]): jsonwebtoken.VerifyOptions {
    return {
      algorithms: [...this.#algorithms],
      audience: [...audiences] as [string, ...string[]],
      ...(this.#issuer === undefined ? {} : { issuer: [...this.#issuer] as [string, ...string[]] }),
      clockTolerance: this.#clockTolerance,
      ...(this.#maxAge === undefined ? {} : { maxAge: this.#maxAge }),
    };
  }

  /** Options for a host-bound audience; `undefined` when the function throws or returns no usable audience. */
  #hostOptions(
    audienceOf: (host: ParsedHost) => string | readonly string[],
    host: ParsedHost,
  ): jsonwebtoken.VerifyOptions | undefined {
    let audience: unknown;
    try {
      audience = audienceOf(host);
    } catch {
      return undefined;
    }
    const audiences = typeof audience === 'string' ? [audience] : audience;
    if (
      !Array.isArray(audiences) ||
      audiences.length === 0 ||
      audiences.some((aud) => typeof aud !== 'string' || aud === '')
    )
      return undefined;
    return this.#verifyOptions(audiences as string[]);
  }

  /** The success outcome after the user's `claims` validator, which runs on cache hits too. */
  #accept(
    payload: JwtClaims,
    header: JwtHeader,
    token: string,
  ): VerifyOutcome<Claims> | Promise<VerifyOutcome<Claims>> {
    if (this.#claims === undefined) return { ok: true, auth: { claims: payload as Claims, header, token } };
    return this.#validateClaims(payload).then((claims): VerifyOutcome<Claims> =>
      claims === undefined
        ? { ok: false, code: 'token_claims_invalid' }
        : { ok: true, auth: { claims, header, token } },
    );
  }

  async #validateClaims(payload: JwtClaims): Promise<Claims | undefined> {
    const validator = this.#claims;
    if (validator === undefined) return payload as Claims;
    try {
      const result: unknown =
        typeof validator === 'function' ? await validator(payload) : await validator.parse(payload);
      if (result === true) return payload as Claims;
      return isPlainObject(result) ? (result as Claims) : undefined;
    } catch {
      return undefined;
    }
  }
}

const sameKey = (found: unknown, verifiedWith: KeyObject): boolean =>
  found === verifiedWith || (found instanceof KeyObject && found.equals(verifiedWith));

/** The `algorithms` option: known JWS algorithms of one family, never `none`. */
function compileAlgorithms(algorithms: unknown): readonly JwtAlgorithm[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw optionError('algorithms is required: list the algorithms your issuer signs with, e.g. ["RS256"].');
  }
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw optionError('algorithms must not contain "none": unsigned tokens would be accepted.');
    }
    if (typeof alg !== 'string' || !ALGORITHMS.has(alg)) {
      throw optionError(
        `algorithms: ${JSON.stringify(alg)} is not supported; use one of ${[...ALGORITHMS].join(', ')}.`,
      );
    }
  }
  const families = new Set((algorithms as string[]).map(familyOf));
  if (families.size > 1) {
    throw optionError(
      'algorithms mixes HS*, RS*/PS* and ES* families; one key cannot serve them safely. Use one family.',
    );
  }
  return algorithms as JwtAlgorithm[];
}

/** Exactly one of `key`, `getKey`, `jwksUri` and `discovery` must say where keys come from. */
function requireOneKeySource(options: Pick<AuthOptions, 'key' | 'getKey' | 'jwksUri' | 'discovery'>): void {
  const sources = (['key', 'getKey', 'jwksUri', 'discovery'] as const).filter(
    (name) => options[name] !== undefined && options[name] !== false,
  );
  if (sources.length !== 1) {
    throw optionError(
      "needs exactly one of `key` (the verification key), `getKey(header)` (a key lookup), `jwksUri` (the IdP's key set) and `discovery: true` (find the key set from the issuer).",
    );
  }
}

/** The `audience` option: exact strings, or a function of the validated host. */
function compileAudience(audience: unknown): ((host: ParsedHost) => string | readonly string[]) | readonly string[] {
  if (audience === undefined) {
    throw optionError(
      'audience is required: the audience this API accepts, e.g. "https://api.example.com" (or set resourceMetadata.resource on the guard).',
    );
  }
  if (audience instanceof RegExp)
    throw optionError('audience must be exact strings; RegExp audiences are matched unanchored by jsonwebtoken.');
  return typeof audience === 'function'
    ? (audience as (host: ParsedHost) => string | readonly string[])
    : stringList(audience, 'audience', '"https://api.example.com"');
}

/** The `claims` option: a validator function or a schema with `parse`. */
function claimsValidator<Claims>(claims: ClaimsValidator<Claims> | undefined): ClaimsValidator<Claims> | undefined {
  const value: unknown = claims;
  if (
    value !== undefined &&
    typeof value !== 'function' &&
    !(isPlainObject(value) && typeof value.parse === 'function')
  ) {
    throw optionError('claims must be a function or an object with a parse(claims) method.');
  }
  return claims;
}

/** The `realm` option: printable ASCII that needs no escaping inside the challenge's quotes. */
function compileRealm(realm: unknown): string {
  if (typeof realm !== 'string' || !/^[\x20-\x7e]*$/.test(realm) || /["\\]/.test(realm)) {
    throw optionError('realm must be printable ASCII without quotes or backslashes.');
  }
  return realm;
}

function positive(value: unknown, name: string, unit = 'seconds'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw optionError(`${name} must be a positive number of ${unit}; leave it out to switch the check off.`);
  }
  return value;
}

function nonNegative(value: unknown, name: string, fallback: number, unit = 'seconds'): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw optionError(`${name} must be a non-negative number of ${unit}.`);
  }
  return value;
}

/** Builds the remote key client for `jwksUri` or `discovery`, validating both; `undefined` for local keys. */
function remoteKeysFor(
  options: Pick<AuthOptions, 'jwksUri' | 'discovery' | 'jwks' | 'issuer'>,
  algorithms: readonly JwtAlgorithm[],
  warn: (message: string) => void,
): RemoteKeys | undefined {
  const discovery: unknown = options.discovery;
  if (options.jwksUri === undefined && (discovery === undefined || discovery === false)) {
    if (options.jwks !== undefined) throw optionError('jwks (timing) only applies with jwksUri or discovery.');
    return undefined;
  }
  if (algorithms.some((alg) => familyOf(alg) === 'HS')) {
    throw optionError(
      'jwksUri and discovery serve public keys: use RS*, PS* or ES* algorithms, never HS* (anyone holding the published key could sign).',
    );
  }
  const timing: unknown = options.jwks ?? {};
  if (!isPlainObject(timing))
    throw optionError('jwks must be an object such as { cooldown: 30, timeout: 5, maxAge: 600 } (seconds).');
  for (const name of Object.keys(timing)) {
    if (!['cooldown', 'timeout', 'maxAge'].includes(name))
      throw optionError(`jwks.${name} is not an option; use cooldown, timeout and maxAge (seconds).`);
  }
  const seconds = (name: 'cooldown' | 'timeout' | 'maxAge', fallback: number): number =>
    Math.round(1000 * (timing[name] === undefined ? fallback : positive(timing[name], `jwks.${name}`)));
  const timingMs = {
    cooldownMs: seconds('cooldown', 30),
    timeoutMs: seconds('timeout', 5),
    maxAgeMs: seconds('maxAge', 600),
  };
  if (discovery !== undefined && discovery !== false) {
    if (discovery !== true) throw optionError('discovery must be true (or left out).');
    const url = typeof options.issuer === 'string' ? keyServerUrl(options.issuer) : 'must be one issuer URL string';
    if (typeof url === 'string') throw optionError(`issuer ${url} for discovery, e.g. "https://idp.example.com/".`);
    return new RemoteKeys({ issuer: options.issuer as string }, timingMs, warn);
  }
  const url = keyServerUrl(options.jwksUri);
  if (typeof url === 'string')
    throw optionError(`jwksUri ${url}, e.g. "https://idp.example.com/.well-known/jwks.json".`);
  return new RemoteKeys({ jwksUri: url }, timingMs, warn);
}
