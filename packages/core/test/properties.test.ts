import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createGuard,
  formatHost,
  HostAllowlist,
  isHostFailure,
  JwtVerifier,
  parseBearer,
  parseHost,
  parseOrigin,
  refererOrigin,
  type ParsedHost,
} from '../src/index.js';
import { craftToken, jwtSegment } from '../../../test/helpers/tokens.js';

const RUNS = { numRuns: 1000 };
const HOST_CHARS = [
  ...Array.from('abcdefghijklmnopqrstuvwxyz0123456789.:@/\\[]%#?_-'),
  'A',
  'Z',
  'x',
  'f',
  ':',
  '.',
  '1',
];

/** Strings from arbitrary code points, graphemes, ASCII and a host-like grammar. */
const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom(...HOST_CHARS), maxLength: 60 }),
  fc
    .tuple(
      fc.constantFrom('http://', 'https://', 'ws://', '', 'Bearer ', '[', 'host='),
      fc.string({ unit: fc.constantFrom(...HOST_CHARS, '"', ',', ';', ' ', '=') }),
    )
    .map(([prefix, rest]) => prefix + rest),
);

const hostLike = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HOST_CHARS), maxLength: 60 }),
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((address) => `[${address}]`),
  fc.tuple(fc.domain(), fc.integer({ min: 0, max: 70000 })).map(([name, port]) => `${name}:${port}`),
);

describe('parsers never throw', () => {
  it('parseHost', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, hostLike), (value) => {
        const result = parseHost(value);
        if (isHostFailure(result)) expect(['host_missing', 'host_malformed']).toContain(result.code);
        else expect(result.hostname).toMatch(/^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)$/);
      }),
      RUNS,
    );
  });

  it('parseOrigin and refererOrigin', () => {
    const originLike = fc.oneof(
      anyString,
      hostLike.map((host) => `https://${host}`),
      hostLike.map((host) => `http://${host}/path?q#f`),
    );
    fc.assert(
      fc.property(originLike, (value) => {
        for (const result of [parseOrigin(value), refererOrigin(value)]) {
          if (!result.ok) expect(result.code).toBe('origin_malformed');
          else expect(parseOrigin(result.serialized)).toEqual(result);
        }
      }),
      RUNS,
    );
  });

  it('parseBearer', () => {
    const headerLike = fc.oneof(
      anyString,
      anyString.map((value) => `Bearer ${value}`),
      fc.array(anyString, { maxLength: 3 }),
    );
    fc.assert(
      fc.property(headerLike, (value) => {
        const result = parseBearer(value);
        if (result.ok) expect(result.token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
        else expect(['token_missing', 'token_malformed', 'token_duplicate']).toContain(result.code);
      }),
      RUNS,
    );
  });

  it('the Forwarded parser (through guard.check with trustProxy)', async () => {
    // Without auth, `token_invalid` can only come from the guard's internal catch-all: it must never appear.
    const guard = createGuard({ hosts: ['api.example.com', '.example.org'], trustProxy: true });
    const element = fc
      .array(
        fc
          .tuple(
            fc.constantFrom('host', 'for', 'proto', 'by', 'Host', 'x'),
            fc.oneof(hostLike, anyString),
            fc.boolean(),
          )
          .map(([name, value, quoted]) => `${name}=${quoted ? `"${value.replace(/["\\]/g, '\\$&')}"` : value}`),
        { minLength: 1, maxLength: 3 },
      )
      .map((pairs) => pairs.join(';'));
    const forwarded = fc.oneof(
      anyString,
      fc.array(element, { minLength: 1, maxLength: 3 }).map((items) => items.join(', ')),
    );
    await fc.assert(
      fc.asyncProperty(forwarded, fc.option(fc.oneof(hostLike, anyString)), async (value, xfh) => {
        const headers: Record<string, string> = { host: 'api.example.com', forwarded: value };
        if (xfh !== null) headers['x-forwarded-host'] = xfh;
        const result = await guard.check({ method: 'GET', url: '/', headers });
        expect(result.ok || result.code === 'forwarded_host_not_allowed').toBe(true);
      }),
      RUNS,
    );
  });
});

describe('guard.check is total', () => {
  const NAMES = [
    'host',
    'origin',
    'referer',
    'authorization',
    'x-forwarded-host',
    'forwarded',
    'upgrade',
    'sec-fetch-site',
    ':authority',
    'Host',
    'ORIGIN',
    'x-other',
  ];
  const value = fc.oneof(
    anyString,
    hostLike,
    fc.array(fc.oneof(anyString, hostLike), { maxLength: 3 }),
    fc.constant(undefined),
  );
  const headers = fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 12 })), value, {
    maxKeys: 8,
  });
  const request = fc.record(
    {
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'get'), fc.string({ maxLength: 8 })),
      url: fc.oneof(fc.constantFrom('/', '/healthz', '/public/x', 'http://api.example.com/'), anyString),
      headers,
      rawHeaders: fc.array(fc.oneof(fc.constantFrom(...NAMES), anyString), { maxLength: 8 }),
      httpVersion: fc.constantFrom('1.0', '1.1', '2.0'),
      authority: fc.oneof(hostLike, anyString),
    },
    { requiredKeys: ['method', 'url', 'headers'] },
  );

  it('never rejects and never hits the internal catch-all', async () => {
    const plain = createGuard({
      hosts: ['api.example.com', '.example.org', '10.0.0.0/8'],
      origins: ['https://app.example.com'],
      trustProxy: true,
      exclude: ['/healthz', '/public/*'],
    });
    const withAuth = createGuard({
      hosts: ['api.example.com', '.example.org'],
      auth: { key: 'x'.repeat(32), algorithms: ['HS256'], audience: 'a', issuer: false },
    });
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const a = await plain.check(req);
        expect(a.ok || a.code !== 'guard_error').toBe(true);
        const b = await withAuth.check(req);
        expect(b.ok || b.code !== 'guard_error').toBe(true);
      }),
      RUNS,
    );
  });
});

describe('parseHost agrees with the WHATWG URL parser', () => {
  it('every host it accepts is the host a browser would see', () => {
    const arb = fc.oneof(hostLike, fc.ipV4Extended(), fc.string({ unit: 'binary-ascii', maxLength: 20 }));
    fc.assert(
      fc.property(arb, (value) => {
        const parsed = parseHost(value);
        if (isHostFailure(parsed)) return;
        const url = new URL(`http://${value}/`);
        expect(url.hostname.replace(/\.$/, '')).toBe(parsed.hostname);
        expect(url.port === '' ? [80, undefined] : [Number(url.port)]).toContain(parsed.port);
      }),
      RUNS,
    );
  });
});

describe('parseHost is idempotent', () => {
  it('formatHost(parseHost(x)) parses to the same host', () => {
    fc.assert(
      fc.property(fc.oneof(hostLike, anyString), (value) => {
        const first = parseHost(value);
        if (isHostFailure(first)) return;
        expect(parseHost(formatHost(first))).toEqual(first);
      }),
      RUNS,
    );
  });
});

const LABEL = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/).filter((label) => !/^[0-9]+$/.test(label));
const randomCase = (name: string) =>
  fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((flags) =>
    Array.from(name)
      .map((char, index) => (flags[index] ? char.toUpperCase() : char))
      .join(''),
  );
const dot = fc.boolean().map((yes) => (yes ? '.' : ''));
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const withPort = (name: string, p: number | undefined) => (p === undefined ? name : `${name}:${p}`);

describe('allowlist properties', () => {
  const EXACT = ['api.example.com', 'localhost', 'svc_1.internal'];
  const SUFFIX = ['example.org', 'corp.example.net'];
  const ONE = ['tenant.example.com', 'preview.example.io'];
  const list = new HostAllowlist([
    ...EXACT,
    ...SUFFIX.map((s) => `.${s}`),
    ...ONE.map((s) => `*.${s}`),
    '10.0.0.0/8',
    '192.168.4.0/22',
    'fd00::/8',
    '[::1]',
  ]);
  const allows = (value: string): boolean => {
    const parsed = parseHost(value);
    return !isHostFailure(parsed) && list.allows(parsed);
  };

  const allowedHost = fc.oneof(
    fc.tuple(fc.constantFrom(...EXACT).chain(randomCase), dot, port).map(([name, d, p]) => withPort(name + d, p)),
    fc
      .tuple(fc.array(LABEL, { maxLength: 4 }), fc.constantFrom(...SUFFIX), dot, port)
      .chain(([labels, suffix, d, p]) =>
        randomCase([...labels, suffix].join('.')).map((name) => withPort(name + d, p)),
      ),
    fc.tuple(LABEL, fc.constantFrom(...ONE), port).map(([label, suffix, p]) => withPort(`${label}.${suffix}`, p)),
    fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), port).map(([b, c, d, p]) => withPort(`10.${b}.${c}.${d}`, p)),
    fc.tuple(fc.integer({ min: 4, max: 7 }), fc.nat(255)).map(([c, d]) => `192.168.${c}.${d}`),
    fc
      .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 })
      .chain((groups) =>
        fc
          .integer({ min: 0, max: 0xff })
          .map((low) => `[fd${low.toString(16).padStart(2, '0')}:${groups.map((g) => g.toString(16)).join(':')}]`),
      ),
    fc.constantFrom('[::1]', '[0:0:0:0:0:0:0:1]', '[::0:1]'),
  );

  it('generated allowed hosts always pass', () => {
    fc.assert(
      fc.property(allowedHost, (host) => {
        expect(allows(host)).toBe(true);
      }),
      RUNS,
    );
  });

  it('random names not listed are denied', () => {
    const listed = (name: string) =>
      EXACT.includes(name) ||
      SUFFIX.some((s) => name === s || name.endsWith(`.${s}`)) ||
      ONE.some((s) => name.endsWith(`.${s}`) && !name.slice(0, -s.length - 1).includes('.'));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.domain(),
          fc.tuple(LABEL, fc.constantFrom(...ONE)).map(([a, s]) => `${a}.x.${s}`),
          fc.constantFrom(...ONE),
        ),
        port,
        (name, p) => {
          fc.pre(!listed(name.toLowerCase()));
          expect(allows(withPort(name, p))).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('random IPs outside the ranges are denied', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const [a, b, c] = ip.split('.').map(Number);
        fc.pre(a !== 10 && !(a === 192 && b === 168 && c !== undefined && c >= 4 && c <= 7));
        expect(allows(ip)).toBe(false);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const parsed = parseHost(`[${ip}]`);
        fc.pre(!isHostFailure(parsed));
        const host = parsed;
        fc.pre(!/^\[fd/.test(host.hostname) && host.hostname !== '[::1]' && !host.hostname.startsWith('[::ffff:'));
        expect(list.allows(host)).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('the verifier never throws', () => {
  const SECRET = 's'.repeat(32);
  const verifier = new JwtVerifier({
    key: SECRET,
    algorithms: ['HS256'],
    audience: 'aud',
    issuer: 'iss',
    typ: 'at+jwt',
  });
  const keyless = new JwtVerifier({
    getKey: (h) => (h.kid === 'a' ? SECRET : (undefined as never)),
    algorithms: ['HS256'],
    audience: () => 'aud',
    issuer: false,
  });
  const host: ParsedHost = { hostname: 'api.example.com', port: undefined };
  const CODES = [
    'token_malformed',
    'token_invalid',
    'token_expired',
    'token_not_active',
    'token_audience_invalid',
    'token_issuer_invalid',
    'token_algorithm_invalid',
    'token_claims_invalid',
  ];
  const jsonText = fc.oneof(
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    anyString,
  );
  const header = fc.oneof(
    jsonText,
    fc
      .record(
        {
          alg: fc.constantFrom('HS256', 'none', 'RS256', 'hs256'),
          typ: fc.constantFrom('at+jwt', 'JWT', 'application/at+jwt'),
          kid: fc.constantFrom('a', 'b'),
        },
        { requiredKeys: ['alg'] },
      )
      .map((h) => JSON.stringify(h)),
  );
  const payload = fc.oneof(
    jsonText,
    fc
      .record(
        {
          aud: fc.oneof(fc.constant('aud'), fc.jsonValue()),
          iss: fc.oneof(fc.constant('iss'), fc.jsonValue()),
          exp: fc.oneof(fc.double(), fc.jsonValue()),
          nbf: fc.double(),
          iat: fc.double(),
        },
        { requiredKeys: [] },
      )
      .map((p) => JSON.stringify(p)),
    fc.constant('{"aud":"aud","iss":"iss","exp":1e400}'),
  );
  const token = fc.oneof(
    anyString,
    fc.tuple(header, payload, fc.boolean()).map(([h, p, signed]) => {
      return signed ? craftToken(p, { header: h, secret: SECRET }) : `${jwtSegment(h)}.${jwtSegment(p)}.sig`;
    }),
  );

  it('random tokens resolve to ok or a token code', async () => {
    await fc.assert(
      fc.asyncProperty(token, async (value) => {
        for (const v of [verifier, keyless]) {
          const outcome = await v.verify(value, host);
          if (!outcome.ok) expect(CODES).toContain(outcome.code);
        }
      }),
      RUNS,
    );
  });
});

describe('hardening properties (issue 11)', () => {
  it('parseHost never accepts a non-ASCII character, whatever toLowerCase() would make of it', () => {
    const withUnicode = fc
      .tuple(fc.domain(), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }), fc.nat())
      .map(([name, extra, at]) => {
        const index = at % (name.length + 1);
        return name.slice(0, index) + extra + name.slice(index);
      });
    fc.assert(
      fc.property(withUnicode, (value) => {
        const result = parseHost(value);
        // eslint-disable-next-line no-control-regex
        if (!/^[\x00-\x7f]*$/.test(value)) expect(isHostFailure(result)).toBe(true);
      }),
      RUNS,
    );
  });

  it('parseBearer: another scheme is never malformed, a Bearer header is never "missing"', () => {
    const scheme = fc.string({
      unit: fc.constantFrom(...Array.from('abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-._~+!#$%&*^`|')),
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(scheme, fc.string({ maxLength: 40 }), (name, rest) => {
        const result = parseBearer(`${name} ${rest}`);
        if (name.toLowerCase() === 'bearer') expect(result.ok || result.code === 'token_malformed').toBe(true);
        else expect(result).toMatchObject({ ok: false, code: 'token_missing' });
      }),
      RUNS,
    );
  });

  it('an accepted suffix or RegExp entry never allows the probe names of another site', () => {
    const suffix = fc.oneof(
      fc.domain().map((name) => `.${name}`),
      fc.domain().map((name) => `*.${name}`),
      fc.constantFrom('.com', '.co.uk', '.github.io', '*.herokuapp.com', '.org', '*.net'),
    );
    const pattern = fc.constantFrom(
      /.*/,
      /.+\.com/,
      /[a-z-]+\.com/,
      /.*:8080/,
      /[^:]+:\d+/,
      /[a-z0-9.-]+/,
      /localhost.*/,
      /(a|b|c).*\..*/,
    );
    fc.assert(
      fc.property(fc.oneof(suffix, pattern), (entry) => {
        let list: HostAllowlist;
        try {
          list = new HostAllowlist([entry]);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        for (const probe of [
          'evil.com',
          'attacker.net',
          'rebind.test',
          'evil.co.uk',
          'evil.github.io',
          'x.herokuapp.com',
        ]) {
          const host = parseHost(probe) as ParsedHost;
          // Only an entry naming the probe's own registrable domain may allow it.
          if (list.allows(host) || list.allows({ ...host, port: 8080 })) {
            const name = typeof entry === 'string' ? entry.replace(/^\*?\./, '') : undefined;
            expect(name !== undefined && (probe === name || probe.endsWith(`.${name}`))).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('forwarded values that name two different hosts are always refused', async () => {
    const guard = createGuard({ hosts: ['.example.com'], trustProxy: true });
    const sub = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    await fc.assert(
      fc.asyncProperty(sub, sub, fc.boolean(), async (a, b, viaForwarded) => {
        fc.pre(a !== b);
        const headers: Record<string, string> = { host: 'api.example.com' };
        if (viaForwarded) {
          headers['x-forwarded-host'] = `${a}.example.com`;
          headers.forwarded = `host=${b}.example.com`;
        } else headers['x-forwarded-host'] = `${a}.example.com, ${b}.example.com`;
        const result = await guard.check({ method: 'GET', url: '/', headers });
        expect(result.ok ? 'ok' : result.code).toBe('forwarded_host_not_allowed');
      }),
      { numRuns: 300 },
    );
  });
});
