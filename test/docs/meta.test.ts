/**
 * Docs meta-test, both directions: every option, result code and lint rule that exists in the
 * source has its documentation entry, and every documented option, code and rule exists.
 *
 * The lists come from the source, never from a copy: option keys are parsed from
 * packages/core/src/guard.ts (OPTION_KEYS) and jwt.ts (AUTH_KEYS) plus the adapters' sources;
 * result codes are RESULT_CODES of the built @rebind-guard/core; rules are the files of
 * packages/eslint-plugin/src/rules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AUTH_OPTION_KEYS, GUARD_OPTION_KEYS, RESULT_CODES, toProblem } from '@rebind-guard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, codeHeadings, docsRoot, handWrittenPages, repoRoot } from './helpers.js';

const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');

/** Optional members of an exported interface in a source file. */
function interfaceKeys(path: string, name: string): string[] {
  const source = read(path);
  const match = new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(source);
  if (match === null) throw new Error(`interface ${name} not found in ${path}`);
  return [...(match[1] ?? '').matchAll(/^\s*readonly (\w+)\??:/gm)].map((item) => item[1] ?? '');
}

const ADAPTERS = ['express', 'koa', 'fastify'] as const;

function adapterOptions(): string[] {
  const names = new Set<string>();
  for (const key of interfaceKeys('packages/core/src/node.ts', 'AdapterOptions')) names.add(key);
  for (const adapter of ADAPTERS) {
    const source = read(`packages/${adapter}/src/index.ts`);
    const optionsInterface = /export interface (\w+GuardOptions)\b/.exec(source)?.[1];
    if (optionsInterface !== undefined)
      for (const key of interfaceKeys(`packages/${adapter}/src/index.ts`, optionsInterface)) names.add(key);
    if (/export function requireScopes\b/.test(source)) names.add('requireScopes');
    if (/export function requireClaims\b/.test(source)) names.add('requireClaims');
    if (/^rebindGuard\.optional = /m.test(source)) names.add('rebindGuard.optional');
    if (/export \{[^}]*\bguardUpgrades\b/.test(source)) names.add('guardUpgrades');
    if (/export \{[^}]*\bguardRequests\b/.test(source)) names.add('guardRequests');
  }
  for (const key of interfaceKeys('packages/fastify/src/index.ts', 'RouteGuardConfig')) names.add(`rebindGuard.${key}`);
  if (/export function guardUpgrades\b/.test(read('packages/core/src/node.ts'))) names.add('guardUpgrades');
  if (/export function guardRequests\b/.test(read('packages/core/src/node.ts'))) names.add('guardRequests');
  // The per-call options of guard.check, documented as `check: <name>`.
  for (const key of interfaceKeys('packages/core/src/guard.ts', 'CheckOptions')) names.add(`check: ${key}`);
  return [...names];
}

/** The markdown between a heading line and the next heading of the same or a higher level. */
function sections(page: string, level: number): Map<string, string> {
  const lines = readFileSync(join(docsRoot, page), 'utf8').split('\n');
  const result = new Map<string, string>();
  let current: string | undefined;
  let body: string[] = [];
  const flush = (): void => {
    if (current !== undefined) result.set(current, body.join('\n'));
  };
  for (const line of lines) {
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading !== null && (heading[1] ?? '').length <= level) {
      flush();
      const name = (heading[1] ?? '').length === level ? /^`([^`]+)`/.exec(heading[2] ?? '')?.[1] : undefined;
      current = name;
      body = [];
    } else body.push(line);
  }
  flush();
  return result;
}

describe('configuration reference (docs/reference/options.md)', () => {
  // Derived from the option types in core (a new option does not compile until it is listed there).
  const guardKeys: readonly string[] = GUARD_OPTION_KEYS;
  const authKeys: readonly string[] = AUTH_OPTION_KEYS;
  const adapterKeys = adapterOptions();
  const documented = codeHeadings('reference/options.md', 3);
  const bodies = sections('reference/options.md', 3);

  it('parses the option lists from the source', () => {
    expect(guardKeys).toContain('hosts');
    expect(authKeys).toContain('algorithms');
    expect(adapterKeys).toEqual(
      expect.arrayContaining(['authMode', 'onReject', 'rebindGuard.auth', 'rebindGuard.scopes']),
    );
  });

  it.each([...guardKeys, ...authKeys, ...adapterKeys].map((key) => [key]))('documents `%s`', (key) => {
    expect(documented).toContain(key);
  });

  it('documents no option that does not exist, and each only once', () => {
    const known = new Set([...guardKeys, ...authKeys, ...adapterKeys]);
    expect(documented.filter((key) => !known.has(key))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it.each(documented.map((key) => [key]))('`%s` states type, default, an example and what goes wrong', (key) => {
    const body = bodies.get(key) ?? '';
    expect(body).toMatch(/^\| Type \|/m);
    expect(body).toMatch(/^\| Default \|/m);
    expect(body).toMatch(/```ts\n/);
    expect(body).toMatch(/\*\*If you get it wrong\.\*\*/);
  });
});

describe('result codes (docs/reference/result-codes.md)', () => {
  const page = 'reference/result-codes.md';
  const text = readFileSync(join(docsRoot, page), 'utf8');
  const headings = [...text.matchAll(/^## `([^`]+)` \{#([^}]+)\}$/gm)].map((match) => ({
    code: match[1] ?? '',
    anchor: match[2] ?? '',
  }));
  const bodies = sections(page, 2);

  it.each(RESULT_CODES.map((info) => [info.code]))('has a section with an explicit anchor for `%s`', (code) => {
    expect(headings).toContainEqual({ code, anchor: code });
  });

  it('documents no code that does not exist, each once, in registry order', () => {
    expect(headings.map((heading) => heading.code)).toEqual(RESULT_CODES.map((info) => info.code));
  });

  it.each(RESULT_CODES.map((info) => [info.code, info]))(
    '`%s`: status, problem+json example and challenge match the registry',
    (code, info) => {
      const body = bodies.get(code) ?? '';
      expect(body).toContain(`**HTTP ${info.status}**`);
      expect(body).toMatch(/\*\*Cause\.\*\*/);
      expect(body).toMatch(/\*\*How to fix\.\*\*/);
      const example = /```http\n([\s\S]*?)```/.exec(body)?.[1] ?? '';
      expect(example.split('\n')[0]).toMatch(new RegExp(`^HTTP/1\\.1 ${info.status} `));
      const json = example.slice(example.indexOf('{'));
      expect(JSON.parse(json)).toEqual(toProblem({ code }));
      // Every Bearer failure carries a challenge: 401s, 400 invalid_request and 403 insufficient_scope (RFC 6750 §3).
      const needsChallenge = code.startsWith('token_') || code === 'insufficient_scope';
      expect(/^WWW-Authenticate: Bearer realm="api"/m.test(example)).toBe(needsChallenge);
    },
  );

  it('every link to a result code in the hand-written docs names an existing code', () => {
    const codes = new Set(RESULT_CODES.map((info) => info.code as string));
    const bad: string[] = [];
    for (const file of handWrittenPages()) {
      const content = readFileSync(join(docsRoot, file), 'utf8');
      for (const match of content.matchAll(/result-codes#([\w-]+)/g)) {
        const anchor = match[1] ?? '';
        if (anchor !== 'code' && !codes.has(anchor)) bad.push(`${file}: #${anchor}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the problem+json `type` of every code points at its anchor on this page', () => {
    for (const info of RESULT_CODES)
      expect(info.docs).toBe(`https://rebind-guard.dev/reference/result-codes#${info.code}`);
  });
});

describe('ESLint rules (docs/rules/, generated from packages/eslint-plugin/docs/rules)', () => {
  const sourceDir = join(repoRoot, 'packages/eslint-plugin/src/rules');
  const pluginDocs = join(repoRoot, 'packages/eslint-plugin/docs/rules');
  const ruleNames = readdirSync(sourceDir)
    .filter((file) => file.endsWith('.ts') && file !== 'index.ts' && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
  const docNames = existsSync(pluginDocs)
    ? readdirSync(pluginDocs)
        .filter((file) => file.endsWith('.md'))
        .map((file) => file.slice(0, -3))
        .sort()
    : [];

  beforeAll(() => {
    execFileSync(process.execPath, [join(docsRoot, 'scripts/sync-rules.mjs')], { cwd: docsRoot, stdio: 'pipe' });
  });

  it('finds the rules', () => {
    expect(ruleNames.length).toBeGreaterThan(0);
  });

  it.each(ruleNames.map((name) => [name]))(
    'rule `%s` has a doc and a generated site page listed in the index',
    (name) => {
      expect(docNames).toContain(name);
      expect(existsSync(join(docsRoot, 'rules', `${name}.md`))).toBe(true);
      expect(readFileSync(join(docsRoot, 'rules/index.md'), 'utf8')).toContain(`[\`${name}\`](./${name})`);
    },
  );

  it('documents no rule that does not exist', () => {
    expect(docNames.filter((name) => !ruleNames.includes(name))).toEqual([]);
    const generated = readdirSync(join(docsRoot, 'rules'))
      .filter((file) => file !== 'index.md')
      .map((file) => file.slice(0, -3));
    expect(generated.filter((name) => !ruleNames.includes(name))).toEqual([]);
  });

  it("the built plugin's meta.docs.url of every rule is its site page", async () => {
    const entry = join(repoRoot, 'packages/eslint-plugin/dist/index.js');
    expect(existsSync(entry)).toBe(true);
    const plugin = (await import(pathToFileURL(entry).href)) as {
      default: { rules: Record<string, { meta: { docs?: { url?: string } } }> };
    };
    for (const [name, rule] of Object.entries(plugin.default.rules)) {
      expect(rule.meta.docs?.url, name).toBe(`https://rebind-guard.dev/rules/${name}`);
      expect(ruleNames, name).toContain(name);
    }
  });

  it('every /rules/<name> link in the hand-written docs names an existing rule', () => {
    const bad: string[] = [];
    for (const file of handWrittenPages()) {
      const content = readFileSync(join(docsRoot, file), 'utf8');
      for (const match of content.matchAll(/\]\(\/rules\/([\w-]+)/g)) {
        if (!ruleNames.includes(match[1] ?? '')) bad.push(`${file}: ${match[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('hand-written pages', () => {
  it('every page starts with one H1 and has at least one code example or table', () => {
    for (const page of handWrittenPages()) {
      if (page === 'index.md') continue;
      const text = readFileSync(join(docsRoot, page), 'utf8');
      // Shell and YAML comments inside fenced code blocks are not headings.
      const prose = text.replace(/^```[\s\S]*?^```/gm, '');
      expect(prose.match(/^# /gm)?.length ?? 0, page).toBe(1);
      expect(codeBlocks(page).length + (text.includes('\n|---') ? 1 : 0), page).toBeGreaterThan(0);
    }
  });

  it('never teaches a prefix or substring origin check as the way to do it', () => {
    for (const page of handWrittenPages()) {
      for (const block of codeBlocks(page)) {
        if (block.lang !== 'ts') continue;
        expect(block.code, `${page}:${block.line}`).not.toMatch(/origin[^\n]*\.(startsWith|endsWith|includes)\(/i);
      }
    }
  });
});
