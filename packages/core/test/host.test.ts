import { describe, expect, it } from 'vitest';
import {
  createGuard,
  formatHost,
  HostAllowlist,
  isHostFailure,
  LOOPBACK_HOSTS,
  parseHost,
  type HostEntry,
  type ParsedHost,
} from '../src/index.js';

function parsed(value: string): ParsedHost {
  const result = parseHost(value);
  if (isHostFailure(result)) throw new Error(`expected ${JSON.stringify(value)} to parse, got ${result.code}`);
  return result;
}

describe('parseHost accepts and normalises', () => {
  it.each<[string, string, number | undefined]>([
    ['localhost', 'localhost', undefined],
    ['localhost:3000', 'localhost', 3000],
    ['API.Example.COM', 'api.example.com', undefined],
    ['api.example.com.', 'api.example.com', undefined],
    ['Example.COM.:8443', 'example.com', 8443],
    ['under_score.internal', 'under_score.internal', undefined],
    ['a-b.c-d.example', 'a-b.c-d.example', undefined],
    ['127.0.0.1', '127.0.0.1', undefined],
    ['127.0.0.1.', '127.0.0.1', undefined],
    ['10.0.0.255:65535', '10.0.0.255', 65535],
    ['0.0.0.0', '0.0.0.0', undefined],
    ['[::1]', '[::1]', undefined],
    ['[0:0:0:0:0:0:0:1]', '[::1]', undefined],
    ['[0:0:0:0:0:0:0:1]:80', '[::1]', 80],
    ['[::0001]', '[::1]', undefined],
    ['[2001:DB8::1]:443', '[2001:db8::1]', 443],
    ['[2001:db8:0:0:0:0:0:1]', '[2001:db8::1]', undefined],
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', undefined],
    ['x:1', 'x', 1],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', undefined],
    ['a'.repeat(63) + '.com', 'a'.repeat(63) + '.com', undefined],
  ])('%s -> %s port %s', (input, hostname, port) => {
    expect(parseHost(input)).toEqual({ hostname, port });
  });

  it('treats [::1] and its long form as the same host', () => {
    expect(parsed('[0:0:0:0:0:0:0:1]')).toEqual(parsed('[::1]'));
  });

  it('round-trips through formatHost', () => {
    for (const value of ['a.example.com:8080', '[::1]:3000', '127.0.0.1', 'localhost']) {
      expect(parseHost(formatHost(parsed(value)))).toEqual(parsed(value));
    }
  });
});

describe('parseHost rejects', () => {
  it.each([
    '@localhost:3000',
    'user@localhost',
    'localhost/evil',
    'localhost?x',
    'localhost#x',
    'a\\b',
    'local host',
    ' localhost',
    'localhost ',
    'local\thost',
    'local\nhost',
    '%41',
    'localhost%2f',
    'bücher.example',
    'xn--bcher-kva.exampl\u00e9',
    '[fe80::1%25eth0]',
    '[fe80::1%eth0]',
    '[fe80::1',
    '[::1]x',
    '[::1]]',
    '[::1]:',
    '[]',
    '[1.2.3.4]',
    '[v1.abc]',
    'a..b',
    '.a.b',
    'a.b..',
    '..',
    '.',
    '127.1',
    '0x7f.1',
    '0x7f.0.0.1',
    '017.0.0.1',
    '127.0.0.01',
    '256.0.0.1',
    '1.2.3.4.5',
    '1.2.3',
    'example.123',
    'example.0x',
    '4294967295',
    'localhost:0',
    'localhost:65536',
    'localhost:99999',
    'localhost:080',
    'localhost:00',
    'localhost:',
    'localhost:80:80',
    'localhost:+80',
    'localhost:8 0',
    '::1',
    'fe80::1',
    '2001:db8::1',
    'a'.repeat(64) + '.com',
    `${'a.'.repeat(130)}com`,
    'x'.repeat(301),
  ])('%j is host_malformed', (input) => {
    const result = parseHost(input);
    expect(isHostFailure(result) && result.code).toBe('host_malformed');
  });

  it.each<[unknown]>([[''], [undefined], [null], [42], [['localhost']]])('%j is host_missing', (input) => {
    const result = parseHost(input);
    expect(isHostFailure(result) && result.code).toBe('host_missing');
  });
});

function allows(entries: readonly HostEntry[], host: string): boolean {
  const result = parseHost(host);
  if (isHostFailure(result)) return false;
  return new HostAllowlist(entries).allows(result);
}

describe('HostAllowlist entry forms', () => {
  it.each<[string, readonly HostEntry[], string, boolean]>([
    // name (any port)
    ['name', ['api.example.com'], 'api.example.com', true],
    ['name, any port', ['api.example.com'], 'api.example.com:8443', true],
    ['name, case', ['API.example.com'], 'api.EXAMPLE.com.', true],
    ['name, trailing dot entry', ['api.example.com.'], 'api.example.com', true],
    ['name, not subdomain', ['api.example.com'], 'x.api.example.com', false],
    ['name, not parent', ['api.example.com'], 'example.com', false],
    ['name, not lookalike suffix', ['api.example.com'], 'api.example.com.evil.net', false],
    ['name, not lookalike prefix', ['api.example.com'], 'evilapi.example.com', false],
    // name:port
    ['name:port', ['api.example.com:8443'], 'api.example.com:8443', true],
    ['name:port, other port', ['api.example.com:8443'], 'api.example.com:8080', false],
    ['name:port, no port', ['api.example.com:8443'], 'api.example.com', false],
    ['name:port twice', ['a.example.com:1', 'a.example.com:2'], 'a.example.com:2', true],
    ['name:port + name', ['a.example.com:1', 'a.example.com'], 'a.example.com:3', true],
    // .suffix
    ['.suffix apex', ['.example.com'], 'example.com', true],
    ['.suffix one level', ['.example.com'], 'api.example.com', true],
    ['.suffix deep', ['.example.com'], 'a.b.c.example.com:1', true],
    ['.suffix lookalike', ['.example.com'], 'badexample.com', false],
    ['.suffix other tld', ['.example.com'], 'example.com.evil.net', false],
    ['.suffix:port', ['.example.com:8443'], 'a.example.com:8443', true],
    ['.suffix:port wrong port', ['.example.com:8443'], 'a.example.com:443', false],
    // *.wildcard
    ['*. one label', ['*.example.com'], 'api.example.com', true],
    ['*. one label with port', ['*.example.com'], 'api.example.com:1234', true],
    ['*. not apex', ['*.example.com'], 'example.com', false],
    ['*. not two labels', ['*.example.com'], 'a.b.example.com', false],
    ['*. lookalike', ['*.example.com'], 'a.badexample.com', false],
    ['*. nested', ['*.tenant.example.com'], 'acme.tenant.example.com', true],
    ['*. nested not parent', ['*.tenant.example.com'], 'tenant.example.com', false],
    // IP literals
    ['IPv4', ['127.0.0.1'], '127.0.0.1:3000', true],
    ['IPv4 other', ['127.0.0.1'], '127.0.0.2', false],
    ['IPv4:port', ['127.0.0.1:3000'], '127.0.0.1:3001', false],
    ['IPv6 bracketed', ['[::1]'], '[0:0:0:0:0:0:0:1]:8080', true],
    ['IPv6 bare entry', ['::1'], '[::1]', true],
    ['IPv6 long entry', ['0:0:0:0:0:0:0:1'], '[::1]', true],
    ['IPv6 uppercase entry', ['[2001:DB8::1]'], '[2001:db8::1]', true],
    ['IPv6:port', ['[::1]:8080'], '[::1]:8080', true],
    ['IPv6:port other', ['[::1]:8080'], '[::1]:8081', false],
    ['IPv6 other', ['[::1]'], '[::2]', false],
    // CIDR
    ['CIDR v4 inside', ['10.0.0.0/8'], '10.200.3.4', true],
    ['CIDR v4 edge', ['10.0.0.0/8'], '10.255.255.255:80', true],
    ['CIDR v4 outside', ['10.0.0.0/8'], '11.0.0.1', false],
    ['CIDR v4 /32', ['192.168.1.5/32'], '192.168.1.5', true],
    ['CIDR v4 /32 other', ['192.168.1.5/32'], '192.168.1.6', false],
    ['CIDR v4 not a name', ['10.0.0.0/8'], '10.example.com', false],
    ['CIDR v6 inside', ['fd00::/8'], '[fd12:3456::1]', true],
    ['CIDR v6 bracketed entry', ['[fd00::]/8'], '[fdff::1]', true],
    ['CIDR v6 outside', ['fd00::/8'], '[fe80::1]', false],
    ['CIDR v6 does not cover v4', ['fd00::/8'], '10.0.0.1', false],
    ['CIDR v4 does not cover names', ['127.0.0.0/8'], 'localhost', false],
    // RegExp
    ['RegExp anchored match', [/example\.com/], 'example.com', true],
    ['RegExp anchored suffix', [/example\.com/], 'example.com.evil.net', false],
    ['RegExp anchored prefix', [/example\.com/], 'evilexample.com', false],
    ['RegExp anchored sub', [/example\.com/], 'a.example.com', false],
    ['RegExp alternation anchored', [/a\.example\.com|b\.example\.com/], 'b.example.com.evil.net', false],
    ['RegExp alternation', [/a\.example\.com|b\.example\.com/], 'b.example.com', true],
    ['RegExp preview', [/pr-\d+\.preview\.example\.com/], 'pr-42.preview.example.com', true],
    ['RegExp preview other', [/pr-\d+\.preview\.example\.com/], 'pr-42.preview.example.com.evil', false],
    ['RegExp with port', [/api\.example\.com:8443/], 'api.example.com:8443', true],
    ['RegExp with port other', [/api\.example\.com:8443/], 'api.example.com:8444', false],
    ['RegExp g flag stateless', [/example\.com/g], 'example.com', true],
    // Unicode
    ['Unicode entry', ['bücher.example'], 'xn--bcher-kva.example', true],
    ['Unicode suffix', ['.bücher.example'], 'shop.xn--bcher-kva.example', true],
    ['Unicode wildcard', ['*.bücher.example'], 'shop.xn--bcher-kva.example', true],
    ['Unicode upper', ['BÜCHER.example'], 'xn--bcher-kva.example', true],
    // Loopback
    ['LOOPBACK localhost', LOOPBACK_HOSTS, 'localhost:5173', true],
    ['LOOPBACK sub.localhost', LOOPBACK_HOSTS, 'app.localhost', true],
    ['LOOPBACK 127.0.0.1', LOOPBACK_HOSTS, '127.0.0.1:3000', true],
    ['LOOPBACK [::1]', LOOPBACK_HOSTS, '[::1]:3000', true],
    ['LOOPBACK no 0.0.0.0', LOOPBACK_HOSTS, '0.0.0.0', false],
    ['LOOPBACK no 127.0.0.2', LOOPBACK_HOSTS, '127.0.0.2', false],
    ['LOOPBACK no rebind', LOOPBACK_HOSTS, 'rebind.test:3000', false],
    ['LOOPBACK no localhost lookalike', LOOPBACK_HOSTS, 'localhost.evil.net', false],
    ['private TLD suffix', ['.internal'], 'svc.internal', true],
  ])('%s', (_name, entries, host, expected) => {
    expect(allows(entries, host)).toBe(expected);
  });

  it('LOOPBACK_HOSTS is exactly the documented list', () => {
    expect([...LOOPBACK_HOSTS]).toEqual(['localhost', '.localhost', '127.0.0.1', '[::1]']);
    expect(Object.isFrozen(LOOPBACK_HOSTS)).toBe(true);
  });

  it('createGuard uses the same entry forms', () => {
    const guard = createGuard({
      hosts: ['api.example.com:8443', '.example.org', '*.tenant.example.com', '10.0.0.0/8', /pr-\d+\.example\.net/],
    });
    expect(guard.isAllowedHost('api.example.com:8443')).toBe(true);
    expect(guard.isAllowedHost('api.example.com')).toBe(false);
    expect(guard.isAllowedHost('example.org')).toBe(true);
    expect(guard.isAllowedHost('x.tenant.example.com')).toBe(true);
    expect(guard.isAllowedHost('tenant.example.com')).toBe(false);
    expect(guard.isAllowedHost('10.1.1.1')).toBe(true);
    expect(guard.isAllowedHost('pr-1.example.net')).toBe(true);
    expect(guard.isAllowedHost('pr-1.example.net.evil')).toBe(false);
    expect(guard.isAllowedHost('@api.example.com:8443')).toBe(false);
  });
});

describe('refused options throw TypeError', () => {
  it.each<[string, unknown]>([
    ['missing hosts', {}],
    ['hosts undefined', { hosts: undefined }],
    ['empty hosts', { hosts: [] }],
    ['hosts a string', { hosts: 'api.example.com' }],
    ['*', { hosts: ['*'] }],
    ['* with others', { hosts: ['api.example.com', '*'] }],
    ['empty entry', { hosts: [''] }],
    ['blank entry', { hosts: ['   '] }],
    ['dot', { hosts: ['.'] }],
    ['*.', { hosts: ['*.'] }],
    ['0.0.0.0/0', { hosts: ['0.0.0.0/0'] }],
    ['::/0', { hosts: ['::/0'] }],
    ['[::]/0', { hosts: ['[::]/0'] }],
    ['/.*/', { hosts: [/.*/] }],
    ['/.+/', { hosts: [/.+/] }],
    ['/[^]*/', { hosts: [/[^]*/] }],
    ['/.*/s', { hosts: [/.*/s] }],
    ['*.com', { hosts: ['*.com'] }],
    ['.com', { hosts: ['.com'] }],
    ['.Com.', { hosts: ['.Com.'] }],
    ['*.*.example.com', { hosts: ['*.*.example.com'] }],
    ['a*.example.com', { hosts: ['a*.example.com'] }],
    ['wildcard on IP', { hosts: ['.10.0.0.1'] }],
    ['*. on IPv6', { hosts: ['*.[::1]'] }],
    ['bad CIDR prefix', { hosts: ['10.0.0.0/33'] }],
    ['bad CIDR v6 prefix', { hosts: ['fd00::/129'] }],
    ['bad CIDR empty prefix', { hosts: ['10.0.0.0/'] }],
    ['bad CIDR address', { hosts: ['10.0.0/8'] }],
    ['bad CIDR name', { hosts: ['example.com/8'] }],
    ['bad CIDR text prefix', { hosts: ['10.0.0.0/x'] }],
    ['bad port', { hosts: ['api.example.com:0'] }],
    ['bad port big', { hosts: ['api.example.com:65536'] }],
    ['bad port empty', { hosts: ['api.example.com:'] }],
    ['bad name', { hosts: ['api example.com'] }],
    ['userinfo', { hosts: ['user@api.example.com'] }],
    ['non-canonical IPv4', { hosts: ['127.1'] }],
    ['empty label', { hosts: ['a..example.com'] }],
    ['invalid unicode', { hosts: ['ü..example'] }],
    ['non-string entry', { hosts: [42] }],
    ['unknown option', { hosts: ['a.example.com'], allowAll: true }],
    ['typo option', { hosts: ['a.example.com'], trustproxy: true }],
    ['trustProxy not boolean', { hosts: ['a.example.com'], trustProxy: 'yes' }],
    ['origins *', { hosts: ['a.example.com'], origins: ['*'] }],
    ['exclude bad', { hosts: ['a.example.com'], exclude: ['healthz'] }],
    ['null options', null],
  ])('%s', (_name, options) => {
    expect(() => createGuard(options as never)).toThrow(TypeError);
  });

  it('HostAllowlist refuses the same', () => {
    expect(() => new HostAllowlist([])).toThrow(TypeError);
    expect(() => new HostAllowlist(['*'])).toThrow(TypeError);
    expect(() => new HostAllowlist([/.*/])).toThrow(TypeError);
  });

  it('allows narrow private-TLD wildcards', () => {
    expect(() => createGuard({ hosts: ['.localhost', '*.internal', '.test'] })).not.toThrow();
  });
});

describe('near-catch-all entries are refused', () => {
  it.each([/[a-z0-9.-]+/, /.*\..*/, /[^/]+/, /(.+\.)?evil\.net/])('RegExp %s matches foreign names', (pattern) => {
    expect(() => createGuard({ hosts: [pattern] })).toThrow(TypeError);
  });
  it.each(['0.0.0.0/1', '128.0.0.0/1', '0.0.0.0/7', '::/1', 'fc00::/6'])(
    'CIDR %s is wider than any private range',
    (range) => {
      expect(() => createGuard({ hosts: [range] })).toThrow(TypeError);
    },
  );
  it.each(['10.0.0.0/8', 'fc00::/7', 'fd00::/8', '192.168.0.0/16'])('CIDR %s is accepted', (range) => {
    expect(() => createGuard({ hosts: [range] })).not.toThrow();
  });
});
