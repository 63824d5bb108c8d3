/**
 * Tokens the probe mints to test Bearer verification: unsigned (`alg: none`), wrong audience,
 * expired, and a correctly minted control.
 *
 * @packageDocumentation
 */
import jsonwebtoken from 'jsonwebtoken';

/** What the user told the probe about the API's tokens. */
export interface TokenSettings {
  /** Signing key: an HS* secret, or a PEM private key for RS, PS or ES algorithms. */
  readonly key?: string | undefined;
  /** Signing algorithm; default HS256, or RS256 for a PEM key. */
  readonly algorithm?: string | undefined;
  readonly audience?: string | undefined;
  readonly issuer?: string | undefined;
  /** Subject of minted tokens. */
  readonly subject?: string | undefined;
}

const SUBJECT = 'rebind-guard-probe';

const base64url = (value: string): string => Buffer.from(value, 'utf8').toString('base64url');

function claims(settings: TokenSettings, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: settings.subject ?? SUBJECT,
    ...(settings.audience === undefined ? {} : { aud: settings.audience }),
    ...(settings.issuer === undefined ? {} : { iss: settings.issuer }),
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

/** The algorithm minted tokens are signed with. */
export function signingAlgorithm(settings: TokenSettings): jsonwebtoken.Algorithm {
  if (settings.algorithm !== undefined) return settings.algorithm as jsonwebtoken.Algorithm;
  return settings.key?.includes('-----BEGIN') === true ? 'RS256' : 'HS256';
}

function sign(settings: TokenSettings, payload: Record<string, unknown>): string {
  if (settings.key === undefined) throw new TypeError('a signing key is required to mint this token');
  return jsonwebtoken.sign(payload, settings.key, { algorithm: signingAlgorithm(settings), noTimestamp: true });
}

/** An unsigned token (`{"alg":"none"}`) with otherwise valid claims. Needs no key. */
export function mintAlgNone(settings: TokenSettings): string {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claims(settings)))}.`;
}

/** A correctly signed token with the configured audience and issuer (the control). */
export function mintValid(settings: TokenSettings): string {
  return sign(settings, claims(settings));
}

/** A correctly signed token for another audience. */
export function mintWrongAudience(settings: TokenSettings): string {
  const audience = settings.audience === undefined ? 'https://rebind.test' : `${settings.audience}.rebind.test`;
  return sign(settings, claims(settings, { aud: audience }));
}

/** A correctly signed token that expired an hour ago. */
export function mintExpired(settings: TokenSettings): string {
  const now = Math.floor(Date.now() / 1000);
  return sign(settings, claims(settings, { iat: now - 7200, exp: now - 3600 }));
}

/** Shortens a token for evidence: never print a caller's credential in full. */
export function redactToken(token: string): string {
  return token.length <= 12 ? '<token>' : `${token.slice(0, 8)}…<redacted>`;
}
