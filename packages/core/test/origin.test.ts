import { describe, expect, it } from 'vitest';
import { OriginAllowlist, parseOrigin, refererOrigin } from '../src/index.js';

const serialized = (value: unknown): string | undefined => {
  const result = parseOrigin(value);
  return result.ok ? result.serialized : undefined;
};

describe('parseOrigin', () => {
  it.each<[string, string, number | undefined]>([
    ['https://app.example.com', 'https://app.example.com', 443],
    ['https://app.example.com:443', 'https://app.example.com', 443],
    ['HTTPS://APP.Example.COM:443', 'https://app.example.com', 443],
    ['http://app.example.com:80', 'http://app.example.com', 80],
    ['http://app.example.com:443', 'http://app.example.com:443', 443],
    ['https://app.example.com:80', 'https://app.example.com:80', 80],
    ['http://localhost:3000', 'http://localhost:3000', 3000],
    ['http://[::1]:3000', 'http://[::1]:3000', 3000],
    ['http://[0:0:0:0:0:0:0:1]', 'http://[::1]', 80],
    ['wss://app.example.com:443', 'wss://app.example.com', 443],
    ['ws://app.example.com', 'ws://app.example.com', 80],
    ['chrome-extension://abcdef', 'chrome-extension://abcdef', undefined],
    ['https://app.example.com.', 'https://app.example.com', 443],
  ])('%s -> %s', (input, expected, port) => {
    const result = parseOrigin(input);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.serialized).toBe(expected);
      expect(result.port).toBe(port);
    }
  });

  it('parses lookalikes as their own (different) origins', () => {
    expect(serialized('https://app.example.com.evil.net')).toBe('https://app.example.com.evil.net');
  });

  it.each<[unknown]>([
    ['null'],
    ['Null'],
    [''],
    ['https://app.example.com/'],
    ['https://app.example.com/path'],
    ['https://app.example.com?x'],
    ['https://app.example.com#x'],
    ['https://app.example.com@evil.net'],
    ['https://user:pw@app.example.com'],
    ['https://evil.net/app.example.com'],
    ['https://app.example.com\\evil.net'],
    ['https://app.example.com:0'],
    ['https://app.example.com:65536'],
    ['https://app.example.com:'],
    ['https://'],
    ['https:app.example.com'],
    ['//app.example.com'],
    ['app.example.com'],
    ['file://'],
    ['https://127.1'],
    ['https://bücher.example'],
    ['https://a b.com'],
    [' https://app.example.com'],
    ['https://app.example.com '],
    ['https://app.example.com, https://b.example.com'],
    ['1https://app.example.com'],
    ['https://' + 'a'.repeat(2100)],
    [undefined],
    [null],
    [42],
    [['https://app.example.com']],
  ])('%j is origin_malformed', (input) => {
    const result = parseOrigin(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('origin_malformed');
  });
});

describe('refererOrigin', () => {
  it.each<[string, string]>([
    ['https://app.example.com/settings?tab=1#x', 'https://app.example.com'],
    ['https://app.example.com:443/', 'https://app.example.com'],
    ['http://localhost:3000/a/b', 'http://localhost:3000'],
    ['https://APP.example.com', 'https://app.example.com'],
    ['https://app.example.com.evil.net/x', 'https://app.example.com.evil.net'],
    ['https://evil.net/app.example.com', 'https://evil.net'],
    ['http://[::1]:8080/', 'http://[::1]:8080'],
  ])('%s -> %s', (input, expected) => {
    const result = refererOrigin(input);
    expect(result.ok && result.serialized).toBe(expected);
  });

  it.each<[unknown]>([
    ['https://user@app.example.com/'],
    ['https://app.example.com@evil.net/'],
    ['ftp://app.example.com/'],
    ['javascript:alert(1)'],
    ['data:text/html,x'],
    ['/relative/path'],
    ['app.example.com/x'],
    ['not a url'],
    [''],
    ['https://' + 'a'.repeat(9000)],
    [undefined],
    [null],
    [['https://app.example.com/']],
  ])('%j is origin_malformed', (input) => {
    const result = refererOrigin(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('origin_malformed');
  });
});

describe('OriginAllowlist', () => {
  const list = new OriginAllowlist([
    'https://app.example.com',
    'http://localhost:5173/',
    'HTTPS://Admin.Example.com:443',
  ]);

  it.each<[string, boolean]>([
    ['https://app.example.com', true],
    ['https://app.example.com:443', true],
    ['HTTPS://APP.EXAMPLE.COM', true],
    ['http://localhost:5173', true],
    ['https://admin.example.com', true],
    ['http://app.example.com', false],
    ['https://app.example.com:8443', false],
    ['http://localhost:5174', false],
    ['http://localhost', false],
    ['https://app.example.com.evil.net', false],
    ['https://app.example.com@evil.net', false],
    ['https://evil.net/app.example.com', false],
    ['https://evil.net', false],
    ['https://sub.app.example.com', false],
    ['https://app.example.com/', false],
    ['http://localhost:5173/', false],
    ['null', false],
    ['', false],
  ])('%s -> %s', (origin, expected) => {
    expect(list.has(origin)).toBe(expected);
  });

  it('accepts a parsed origin', () => {
    const origin = parseOrigin('https://app.example.com:443');
    if (!origin.ok) throw new Error('parse failed');
    expect(list.has(origin)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['*', ['*']],
    ['null', ['null']],
    ['NULL', ['NULL']],
    ['path', ['https://app.example.com/path']],
    ['two slashes', ['https://app.example.com//']],
    ['no scheme', ['app.example.com']],
    ['userinfo', ['https://u@app.example.com']],
    ['query', ['https://app.example.com?x']],
    ['empty', ['']],
    ['number', [42]],
    ['not array', 'https://app.example.com'],
  ])('refuses %s', (_name, entries) => {
    expect(() => new OriginAllowlist(entries as never)).toThrow(TypeError);
  });

  it('allows an empty list (same-origin only)', () => {
    expect(new OriginAllowlist([]).has('https://app.example.com')).toBe(false);
  });
});
