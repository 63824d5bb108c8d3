import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TOKEN_LENGTH, parseBearer } from '../src/index.js';

describe('parseBearer accepts', () => {
  it.each<[unknown, string]>([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['BeArEr abc', 'abc'],
    ['Bearer  abc', 'abc'],
    ['Bearer     abc', 'abc'],
    [' Bearer abc ', 'abc'],
    ['\tBearer abc\t', 'abc'],
    ['Bearer mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['Bearer a~b+c/d', 'a~b+c/d'],
    ['Bearer abc=', 'abc='],
    ['Bearer abc==', 'abc=='],
    ['Bearer eyJ.eyJ.sig', 'eyJ.eyJ.sig'],
    [['Bearer abc'], 'abc'],
    ['Bearer ' + 'a'.repeat(DEFAULT_MAX_TOKEN_LENGTH - 7), 'a'.repeat(DEFAULT_MAX_TOKEN_LENGTH - 7)],
  ])('%j', (input, token) => {
    expect(parseBearer(input)).toEqual({ ok: true, token });
  });
});

describe('parseBearer refuses', () => {
  it.each<[unknown, string]>([
    [undefined, 'token_missing'],
    [null, 'token_missing'],
    ['', 'token_missing'],
    ['   ', 'token_missing'],
    [[], 'token_missing'],
    [['Bearer a', 'Bearer b'], 'token_duplicate'],
    [['Bearer a', 'Bearer a'], 'token_duplicate'],
    [['', ''], 'token_duplicate'],
    ['Bearer', 'token_malformed'],
    ['Bearer ', 'token_malformed'],
    ['Bearer a b', 'token_malformed'],
    ['Bearer a,b', 'token_malformed'],
    ['Bearer a, Bearer b', 'token_malformed'],
    ['Bearer "abc"', 'token_malformed'],
    ['Bearer =abc', 'token_malformed'],
    ['Bearer a=b', 'token_malformed'],
    ['Bearer a\u00e9', 'token_malformed'],
    ['Bearer a\nb', 'token_malformed'],
    ['Bearer\tabc', 'token_malformed'],
    ['Bearerabc', 'token_missing'], // another scheme, named "Bearerabc"
    ['Bearer: abc', 'token_malformed'],
    ['Basic dXNlcjpwYXNz', 'token_missing'],
    ['Token abc', 'token_missing'],
    ['abc', 'token_missing'], // a bare scheme name: RFC 9110 credentials of scheme "abc"
    ['Basic', 'token_missing'],
    ['Digest username="a", realm="b"', 'token_missing'],
    ['@@@ abc', 'token_malformed'], // no valid scheme at all
    [' , Bearer abc', 'token_malformed'],
    ['Bearer a;b', 'token_malformed'],
    ['Bearer ' + 'a'.repeat(DEFAULT_MAX_TOKEN_LENGTH), 'token_malformed'],
    [42, 'token_malformed'],
    [{ toString: () => 'Bearer abc' }, 'token_malformed'],
    [[42], 'token_malformed'],
  ])('%j -> %s', (input, code) => {
    const result = parseBearer(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code);
  });

  it('honours maxLength', () => {
    expect(parseBearer('Bearer abcdef', { maxLength: 8 }).ok).toBe(false);
    expect(parseBearer('Bearer a', { maxLength: 8 }).ok).toBe(true);
  });

  it('never echoes the token in the message', () => {
    const result = parseBearer('Bearer secret-token extra');
    expect(!result.ok && result.message.includes('secret-token')).toBe(false);
  });
});

describe('parseBearer is linear on long whitespace runs', () => {
  it('handles 8 KiB of inner spaces and tabs quickly and correctly', () => {
    const inner = 'Bearer' + ' '.repeat(8000) + 'tok';
    const junk = 'a' + ' \t'.repeat(4000) + 'b';
    expect(parseBearer(inner)).toEqual({ ok: true, token: 'tok' });
    expect(parseBearer(junk).ok).toBe(false);
    // The former regex trim (/^[ \t]+|[ \t]+$/g) took tens of milliseconds per call on these inputs.
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      parseBearer(junk);
      parseBearer(inner);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
