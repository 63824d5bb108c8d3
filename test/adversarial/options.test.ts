/**
 * Option-validation sweep (issue 11): every catch-all host form, every weak or misused key, and
 * every everything-excluding path, through every public entry point. Each must throw a `TypeError`
 * at start-up whose message names the fix — never start and silently weaken a check.
 */
import { createServer } from 'node:http';
import { createSecretKey } from 'node:crypto';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createGuard, type GuardOptions } from '@rebind-guard/core';
import { guardRequests, guardUpgrades } from '@rebind-guard/core/node';
import * as expressAdapter from '@rebind-guard/express';
import * as koaAdapter from '@rebind-guard/koa';
import * as fastifyAdapter from '@rebind-guard/fastify';
import { testKeyPair } from '../helpers/tokens.js';

const rsa = testKeyPair('rsa');
const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const hs256 = (key: unknown) =>
  ({
    key,
    algorithms: ['HS256'],
    audience: 'https://api.example.com',
    issuer: false,
  }) as unknown as GuardOptions['auth'];

/** [what, options, the fix the message must name] */
const BAD: readonly (readonly [string, GuardOptions, RegExp])[] = [
  ['hosts "::ffff:0:0/96"', { hosts: ['::ffff:0:0/96'] }, /Write IPv4 ranges in IPv4 form/],
  ['hosts "::/8"', { hosts: ['::/8'] }, /Write IPv4 ranges in IPv4 form/],
  ['hosts "::/7"', { hosts: ['::/7'] }, /Write IPv4 ranges in IPv4 form/],
  ['hosts "0.0.0.0"', { hosts: ['0.0.0.0'] }, /List the names clients use instead/],
  ['hosts "0.0.0.0/0"', { hosts: ['0.0.0.0/0'] }, /Name the ranges you serve/],
  ['hosts "*"', { hosts: ['*'] }, /List the names this server answers to/],
  ['hosts /.*:8080/', { hosts: [/.*:8080/] }, /Anchor it to your own domain/],
  ['hosts /[^:]+:8080/', { hosts: [/[^:]+:8080/] }, /Anchor it to your own domain/],
  ['hosts /[a-z-]+\\.com/', { hosts: [/[a-z-]+\.com/] }, /Anchor it to your own domain/],
  ['hosts ".co.uk"', { hosts: ['.co.uk'] }, /Name your own domain/],
  ['hosts ".github.io"', { hosts: ['.github.io'] }, /Name your own domain/],
  ['hosts "*.com"', { hosts: ['*.com'] }, /Name your own domain/],
  ['hosts "https://api.example.com"', { hosts: ['https://api.example.com'] }, /Write the host name, not a URL/],
  ['exclude "/*"', { hosts: ['api.example.com'], exclude: ['/*'] }, /List the public paths/],
  ['exclude /.*/', { hosts: ['api.example.com'], exclude: [/.*/] }, /Anchor it to the paths you mean/],
  ['JWK k ""', { hosts: ['api.example.com'], auth: hs256({ kty: 'oct', k: '' }) }, /needs at least 32 random bytes/],
  ['JWK k "A"', { hosts: ['api.example.com'], auth: hs256({ kty: 'oct', k: 'A' }) }, /needs at least 32 random bytes/],
  [
    'empty KeyObject',
    { hosts: ['api.example.com'], auth: hs256(createSecretKey(Buffer.alloc(0))) },
    /needs at least 32 random bytes/,
  ],
  ['short string secret', { hosts: ['api.example.com'], auth: hs256('changeme') }, /randomBytes\(32\)/],
  [
    'lower-case PEM as HMAC secret',
    { hosts: ['api.example.com'], auth: hs256(pem.toLowerCase()) },
    /use RS256\/ES256 with the public key/,
  ],
  [
    'DER public key as HMAC secret',
    { hosts: ['api.example.com'], auth: hs256(rsa.publicKey.export({ format: 'der', type: 'spki' })) },
    /use RS256\/ES256/,
  ],
  [
    'JWK JSON as HMAC secret',
    { hosts: ['api.example.com'], auth: hs256(JSON.stringify(rsa.publicKey.export({ format: 'jwk' }))) },
    /use RS256\/ES256/,
  ],
  [
    'ssh-rsa line as HMAC secret',
    { hosts: ['api.example.com'], auth: hs256(`ssh-rsa AAAAB3NzaC1yc2E${'x'.repeat(200)}`) },
    /use RS256\/ES256/,
  ],
  [
    'maxAge 0',
    { hosts: ['api.example.com'], auth: { ...hs256('k'.repeat(32)), maxAge: 0 } as GuardOptions['auth'] },
    /leave it out to switch the check off/,
  ],
];

const ENTRY_POINTS: readonly (readonly [string, (options: GuardOptions) => unknown])[] = [
  ['createGuard', (options) => createGuard(options)],
  ['express rebindGuard', (options) => expressAdapter.rebindGuard(options)],
  ['koa rebindGuard', (options) => koaAdapter.rebindGuard(options)],
  ['guardUpgrades', (options) => guardUpgrades(createServer(), options)],
  ['guardRequests', (options) => guardRequests(options)],
];

describe.each(ENTRY_POINTS)('%s', (_entry, create) => {
  it.each(BAD)('%s', (_what, options, fix) => {
    let thrown: unknown;
    try {
      create(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toMatch(/^rebind-guard: /);
    expect((thrown as TypeError).message).toMatch(fix);
  });
});

describe('fastify register', () => {
  it.each(BAD)('%s', async (_what, options, fix) => {
    const app = Fastify();
    await expect(app.register(fastifyAdapter.rebindGuard, options).ready()).rejects.toThrow(fix);
    await app.close();
  });
});
