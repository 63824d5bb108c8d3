/**
 * Rule docs are tests: every code block under a rule doc's "❌ Incorrect" heading must be reported
 * by that rule, and every block under "✅ Correct" must lint clean, as typescript-eslint's docs
 * test does. A block can carry lint settings in an HTML comment on the line before its fence:
 * `<!-- lint: {"filename": "vite.config.js", "options": [{ "requireIssuer": true }]} -->`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const docsDir = path.join(root, 'docs/rules');

/** One fenced code block of a rule doc with what the doc claims about it. */
export interface DocExample {
  kind: 'incorrect' | 'correct';
  language: string;
  code: string;
  /** 1-based line of the opening fence in the doc. */
  line: number;
  filename?: string;
  options?: unknown[];
}

interface LintSettings {
  filename?: string;
  options?: unknown[];
}

function parseSettings(comment: string, doc: string, line: number): LintSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(comment);
  } catch (error) {
    throw new Error(`${doc}:${line}: the lint comment is not JSON: ${String(error)}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${doc}:${line}: the lint comment must be an object`);
  const settings = parsed as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    if (key !== 'filename' && key !== 'options') throw new Error(`${doc}:${line}: unknown lint setting '${key}'`);
  }
  if (settings.filename !== undefined && typeof settings.filename !== 'string')
    throw new Error(`${doc}:${line}: filename must be a string`);
  if (settings.options !== undefined && !Array.isArray(settings.options))
    throw new Error(`${doc}:${line}: options must be an array`);
  return settings;
}

/**
 * The ❌ / ✅ examples of one rule doc: fenced blocks between a heading that contains ❌ or ✅ and
 * the next heading.
 */
export function docExamples(markdown: string, doc: string): DocExample[] {
  const lines = markdown.split('\n');
  const examples: DocExample[] = [];
  let kind: DocExample['kind'] | undefined;
  let pending: LintSettings = {};
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (/^#{1,6} /u.test(line)) {
      kind = line.includes('❌') ? 'incorrect' : line.includes('✅') ? 'correct' : undefined;
      continue;
    }
    const comment = /^<!--\s*lint:\s*(.*?)\s*-->$/u.exec(line.trim());
    if (comment !== null) {
      pending = parseSettings(comment[1] ?? '', doc, index + 1);
      continue;
    }
    const fence = /^(`{3,})(\w*)/u.exec(line);
    if (fence === null) continue;
    const ticks = fence[1] ?? '```';
    const start = index;
    const body: string[] = [];
    for (index += 1; index < lines.length && !(lines[index] ?? '').startsWith(ticks); index += 1)
      body.push(lines[index] ?? '');
    if (index >= lines.length) throw new Error(`${doc}:${start + 1}: unterminated code block`);
    if (kind !== undefined) {
      examples.push({ kind, language: fence[2] ?? '', code: body.join('\n'), line: start + 1, ...pending });
    }
    pending = {};
  }
  return examples;
}

const ruleNames = Object.keys(plugin.rules).sort();
const linter = new Linter({ configType: 'flat' });

function lint(rule: string, example: DocExample): Linter.LintMessage[] {
  const typescript = example.language === 'ts' || example.language === 'typescript';
  const filename = example.filename ?? (typescript ? 'src/example.ts' : 'src/example.js');
  const config: Linter.Config[] = [
    {
      files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.ts'],
      plugins: { '@rebind-guard': plugin },
      languageOptions: {
        ecmaVersion: 'latest',
        sourceType: 'module',
        ...(typescript ? { parser: tsParser } : {}),
      },
      rules: { [`@rebind-guard/${rule}`]: ['error', ...(example.options ?? [])] as Linter.RuleEntry },
    },
  ];
  return linter.verify(example.code, config, { filename });
}

describe('rule docs: ❌ blocks are reported and ✅ blocks are clean', () => {
  it('every rule has a doc with at least one ❌ and one ✅ block', () => {
    const docs = readdirSync(docsDir)
      .filter((file) => file.endsWith('.md'))
      .map((file) => file.slice(0, -3))
      .sort();
    expect(docs).toEqual(ruleNames);
    for (const rule of ruleNames) {
      const examples = docExamples(readFileSync(path.join(docsDir, `${rule}.md`), 'utf8'), rule);
      expect(
        examples.some((example) => example.kind === 'incorrect'),
        `${rule} has a ❌ block`,
      ).toBe(true);
      expect(
        examples.some((example) => example.kind === 'correct'),
        `${rule} has a ✅ block`,
      ).toBe(true);
    }
  });

  for (const rule of ruleNames) {
    const file = path.join(docsDir, `${rule}.md`);
    const examples = docExamples(readFileSync(file, 'utf8'), `docs/rules/${rule}.md`);
    describe(rule, () => {
      for (const example of examples) {
        it(`${example.kind === 'incorrect' ? '❌' : '✅'} block at line ${example.line}`, () => {
          const messages = lint(rule, example);
          const fatal = messages.filter((message) => message.fatal === true);
          expect(
            fatal.map((message) => message.message),
            'the block parses',
          ).toEqual([]);
          const findings = messages.filter((message) => message.ruleId === `@rebind-guard/${rule}`);
          if (example.kind === 'incorrect') {
            expect(findings.length, `docs/rules/${rule}.md:${example.line} is reported by ${rule}`).toBeGreaterThan(0);
          } else {
            expect(
              findings.map((finding) => `${finding.line}:${finding.column} ${finding.message}`),
              `docs/rules/${rule}.md:${example.line} is clean`,
            ).toEqual([]);
          }
        });
      }
    });
  }
});

describe('docExamples', () => {
  it('takes blocks under ❌ / ✅ headings with their lint settings, and nothing else', () => {
    const markdown = [
      '## Rule details',
      '```js',
      'ignored();',
      '```',
      '### ❌ Incorrect',
      '<!-- lint: {"filename": "vite.config.js", "options": [{"a": true}]} -->',
      '```js',
      'bad();',
      '```',
      '### ✅ Correct',
      '````ts',
      'const s = `x`;',
      '```',
      '````',
      '## Options',
      '```json',
      '{}',
      '```',
    ].join('\n');
    expect(docExamples(markdown, 'x.md')).toEqual([
      {
        kind: 'incorrect',
        language: 'js',
        code: 'bad();',
        line: 7,
        filename: 'vite.config.js',
        options: [{ a: true }],
      },
      { kind: 'correct', language: 'ts', code: 'const s = `x`;\n```', line: 11 },
    ]);
  });

  it('refuses a malformed lint comment and an unterminated block', () => {
    expect(() => docExamples('### ❌ Incorrect\n<!-- lint: {nope} -->\n```js\nx\n```', 'x.md')).toThrow(/not JSON/u);
    expect(() => docExamples('### ❌ Incorrect\n<!-- lint: {"file": "a"} -->', 'x.md')).toThrow(
      /unknown lint setting/u,
    );
    expect(() => docExamples('### ✅ Correct\n```js\nx', 'x.md')).toThrow(/unterminated/u);
  });
});
