/**
 * Remote verification keys: a JWKS URL, or the `jwks_uri` found by OpenID Connect / RFC 8414
 * discovery from the issuer. The JWKS client is jose's `createRemoteJWKSet` (kid/alg selection,
 * cache max age, cooldown for unknown kids, fetch timeout, one fetch in flight); this module adds
 * what a server needs around it: a cooldown after *failed* fetches too, stale keys served while the
 * IdP is down, discovery with an issuer check, and results a guard can answer with.
 */
import { KeyObject } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet } from 'jose';
import { isPlainObject } from './objects.js';
import { HostAllowlist, isHostFailure, LOOPBACK_HOSTS, parseHost } from '../host.js';

/** Where remote keys come from. */
export type RemoteKeySource = { readonly jwksUri: URL } | { readonly issuer: string };

/** Timing of the remote key client, in milliseconds. */
export interface RemoteKeyTiming {
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly maxAgeMs: number;
}

/** What a key lookup yields: a key, no such key (the token is invalid), or no answer from the IdP. */
export type RemoteKeyResult =
  | { readonly ok: true; readonly key: KeyObject }
  | { readonly ok: false; readonly code: 'token_invalid' }
  | { readonly ok: false; readonly code: 'key_unavailable'; readonly retryAfter: number };

/** The loopback names and addresses (the same list the guard uses, plus all of 127.0.0.0/8). */
const LOOPBACK = new HostAllowlist([...LOOPBACK_HOSTS, '127.0.0.0/8']);

/**
 * Checks that a URL may serve keys or metadata: https, or http on a loopback host (tests, local
 * IdPs). Returns the parsed URL or a description of what is wrong.
 */
export function keyServerUrl(value: unknown): URL | string {
  if (typeof value !== 'string' && !(value instanceof URL)) return 'must be an https URL string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hash !== '') return 'must not have a #fragment';
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    const host = parseHost(url.hostname);
    if (!isHostFailure(host) && LOOPBACK.allows(host)) return url;
  }
  return 'must use https (http is accepted only for loopback: localhost and its subdomains, 127.0.0.0/8 and [::1])';
}

/** The discovery documents to try for an issuer: OpenID Connect first, then RFC 8414. */
function discoveryUrls(issuer: URL): URL[] {
  const path = issuer.pathname.replace(/\/$/, '');
  return [
    new URL(`${issuer.origin}${path}/.well-known/openid-configuration`),
    new URL(`${issuer.origin}/.well-known/oauth-authorization-server${path}`),
  ];
}

class Unavailable extends Error {}

/**
 * A remote key set for one guard. Never throws from {@link RemoteKeys.key}; the first lookup
 * starts discovery (when configured) and the JWKS fetch.
 */
export class RemoteKeys {
  readonly #source: RemoteKeySource;
  readonly #timing: RemoteKeyTiming;
  readonly #warn: (message: string) => void;
  #remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  #discovering: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  /** When the last fetch (discovery or JWKS) failed; no new fetch before the cooldown has passed. */
  #failedAt = Number.NEGATIVE_INFINITY;

  constructor(source: RemoteKeySource, timing: RemoteKeyTiming, warn: (message: string) => void) {
    this.#source = source;
    this.#timing = timing;
    this.#warn = warn;
    if ('jwksUri' in source) this.#remote = this.#createSet(source.jwksUri);
  }

  #createSet(url: URL): ReturnType<typeof createRemoteJWKSet> {
    return createRemoteJWKSet(url, {
      cooldownDuration: this.#timing.cooldownMs,
      timeoutDuration: this.#timing.timeoutMs,
      cacheMaxAge: this.#timing.maxAgeMs,
    });
  }

  /** Seconds until the next fetch may be tried. */
  #retryAfter(): number {
    return Math.max(1, Math.ceil((this.#failedAt + this.#timing.cooldownMs - Date.now()) / 1000));
  }

  #coolingDown(): boolean {
    return Date.now() < this.#failedAt + this.#timing.cooldownMs;
  }

  async #fetchJson(url: URL): Promise<{ status: number; json: unknown }> {
    const response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(this.#timing.timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200) return { status: response.status, json: undefined };
    const json: unknown = await response.json();
    return { status: 200, json };
  }

  /** Finds the issuer's `jwks_uri` (OpenID Connect, then RFC 8414) and checks the metadata's issuer. */
  async #discover(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const issuerUrl = keyServerUrl(issuer);
    if (typeof issuerUrl === 'string') throw new Unavailable(`the issuer ${issuerUrl}`);
    for (const url of discoveryUrls(issuerUrl)) {
      const { status, json } = await this.#fetchJson(url);
      if (status === 404) continue;
      if (status !== 200 || !isPlainObject(json)) throw new Unavailable(`discovery at ${url.href} answered ${status}`);
      if (json.issuer !== issuer) {
        this.#warn(
          `the discovery document at ${url.href} names another issuer than auth.issuer; its keys are not used`,
        );
        throw new Unavailable('issuer mismatch');
      }
      const jwksUri = keyServerUrl(json.jwks_uri);
      if (typeof jwksUri === 'string') throw new Unavailable(`the discovered jwks_uri ${jwksUri}`);
      this.#remote = this.#createSet(jwksUri);
      return this.#remote;
    }
    throw new Unavailable(`no discovery document for the issuer (tried OpenID Connect and RFC 8414)`);
  }

  /** The key set, discovering it first if needed; throws `Unavailable` when it cannot be had now. */
  async #set(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.#remote !== undefined) return this.#remote;
    if (!('issuer' in this.#source)) throw new Unavailable('no key set');
    if (this.#coolingDown()) throw new Unavailable('cooling down');
    this.#discovering ??= this.#discover(this.#source.issuer).finally(() => {
      this.#discovering = undefined;
    });
    return await this.#discovering;
  }

  /** The key the last successfully fetched set holds for this header, if any (used while the IdP is down). */
  async #staleKey(header: { alg: string; kid?: string }): Promise<KeyObject | undefined> {
    const jwks: JSONWebKeySet | undefined = this.#remote?.jwks();
    if (jwks === undefined) return undefined;
    try {
      return toKeyObject(await createLocalJWKSet(jwks)(header));
    } catch {
      return undefined;
    }
  }

  /** Looks up the verification key for a token header. Never throws. */
  async key(header: { alg: string; kid?: string }): Promise<RemoteKeyResult> {
    try {
      // After a failed fetch, nothing is fetched again before the cooldown: keys already known keep working.
      if (this.#coolingDown()) {
        const stale = await this.#staleKey(header);
        return stale === undefined
          ? { ok: false, code: 'key_unavailable', retryAfter: this.#retryAfter() }
          : { ok: true, key: stale };
      }
      const set = await this.#set();
      return { ok: true, key: toKeyObject(await set(header)) };
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
        return { ok: false, code: 'token_invalid' };
      if (error instanceof errors.JOSENotSupported || error instanceof errors.JWKInvalid)
        return { ok: false, code: 'token_invalid' };
      // The IdP is down, slow, or answered garbage: remember it, and serve keys we already have.
      this.#failedAt = Date.now();
      const stale = await this.#staleKey(header);
      return stale === undefined
        ? { ok: false, code: 'key_unavailable', retryAfter: this.#retryAfter() }
        : { ok: true, key: stale };
    }
  }
}

function toKeyObject(key: unknown): KeyObject {
  if (key instanceof KeyObject) return key;
  if (key instanceof Uint8Array) throw new errors.JOSENotSupported('symmetric keys are not served from a JWKS here');
  return KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
}
