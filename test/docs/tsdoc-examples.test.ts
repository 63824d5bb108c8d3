/**
 * Every TSDoc `@example` block (```ts, and ```js with `checkJs`) of the public API is type-checked
 * against the built packages, imported by name (`@rebind-guard/…`) the way users write them. The
 * public API is what the `exports` of the published packages reach: their exported declarations,
 * the members of exported classes and interfaces, the namespace/expando members of exported
 * functions (`rebindGuard.optional`) and the entry files' `@packageDocumentation` (`file:(module)`).
 * One test case per example, named `file:symbol`.
 *
 * Each example is a module of its own (top-level await allowed). The few names an example may use
 * without declaring them (`app`, `handler`, `router`, `auth`, `MyClaims`) come from a typed
 * prelude, documented in tsdoc-examples/prelude.ts. Examples that augment a module
 * (`declare module`/`declare global`) are checked in a program of their own, next to a module that
 * imports the entry points they document (an augmentation needs its module in the program); all
 * other examples share one program.
 *
 * Needs the packages built (`npx turbo run build`): examples are checked against `dist`.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';
import { checkOptions, VirtualHost, type ModuleDiagnostic, type VirtualModule } from './tsdoc-examples/compile.js';
import { collectExamples, exampleBlocks, publicEntryPoints, type TsdocExample } from './tsdoc-examples/extract.js';
import { declaredNames, preludeFamily, preludeLine } from './tsdoc-examples/prelude.js';

/**
 * Examples that do not compile yet, in files whose owners are changing them. A listed example is
 * checked with `it.fails`, so the suite stays green while it is wrong and turns red the moment it
 * compiles: then delete its entry. The value says what is wrong and how to fix it. Keep this list empty.
 */
const KNOWN_FAILURES: Readonly<Record<string, string>> = {};

interface Prepared {
  readonly example: TsdocExample;
  readonly module: VirtualModule;
  /** Checked in a program of its own (it augments a module or the global scope). */
  readonly isolated: boolean;
}

const AUGMENTS = /^\s*declare\s+(module|global)\b/m;
const JS = new Set(['js', 'javascript']);

/** The module checked for an example: one prelude line, the example, and `export {}`. */
function prepare(example: TsdocExample, index: number): Prepared {
  const js = JS.has(example.lang);
  const prelude = js ? '' : preludeLine(preludeFamily(example.file), declaredNames(example.code));
  const slug = example.id.replace(/[^a-z0-9]+/gi, '_').slice(-80);
  return {
    example,
    module: {
      name: `${String(index).padStart(3, '0')}_${slug}.${js ? 'js' : 'ts'}`,
      code: `${prelude}\n${example.code}\nexport {};\n`,
    },
    isolated: AUGMENTS.test(example.code),
  };
}

/** A compiler message as `file:line:column TSxxxx message`, with the line in the source file. */
function describeDiagnostic(example: TsdocExample, diagnostic: ModuleDiagnostic): string {
  const where =
    diagnostic.line === 1
      ? `${example.file} (prelude)`
      : `${example.file}:${example.line + diagnostic.line - 2}:${diagnostic.column}`;
  return `${where} TS${diagnostic.code}: ${diagnostic.message}`;
}

/** Snippets that check the checker: one must fail, one (using the prelude) must pass. */
const SELF_TESTS: readonly TsdocExample[] = [
  {
    id: 'self-test:broken',
    file: 'packages/core/src/host.ts',
    symbol: 'broken',
    line: 1,
    lang: 'ts',
    code: "import { parseHost } from '@rebind-guard/core';\nconst port: string = parseHost('localhost:3000');",
    entries: [],
  },
  {
    id: 'self-test:prelude',
    file: 'packages/express/src/index.ts',
    symbol: 'prelude',
    line: 1,
    lang: 'ts',
    code: [
      "import { rebindGuard } from '@rebind-guard/express';",
      "app.use(rebindGuard({ hosts: ['localhost'], auth }));",
      "app.get('/', handler);",
    ].join('\n'),
    entries: [],
  },
];

const options = { ...checkOptions(join(repoRoot, 'test/tsconfig.json')), allowJs: true, checkJs: true };
const virtualHost = new VirtualHost(join(repoRoot, 'test/artifacts/tsdoc-examples'), options);
const entries = publicEntryPoints(repoRoot);
const collected = collectExamples(repoRoot, entries, options, virtualHost.host);
const prepared = [...collected.examples, ...SELF_TESTS].map(prepare);
const messages = new Map<TsdocExample, string[]>();
const general: string[] = [];

beforeAll(() => {
  const groups = [
    prepared.filter((item) => !item.isolated),
    ...prepared.filter((item) => item.isolated).map((item) => [item]),
  ];
  for (const group of groups) {
    // An augmentation needs its module in the program, as in an app that also imports the package.
    const entryImports = [...new Set(group.flatMap((item) => (item.isolated ? item.example.entries : [])))];
    const companion = {
      name: 'entry-imports.ts',
      code: `${entryImports.map((entry) => `import '${entry}';`).join('\n')}\nexport {};\n`,
    };
    const result = virtualHost.check([
      ...group.map((item) => item.module),
      ...(entryImports.length > 0 ? [companion] : []),
    ]);
    general.push(...result.general);
    for (const item of group) {
      const diagnostics = result.byModule.get(item.module.name) ?? [];
      messages.set(
        item.example,
        diagnostics.map((diagnostic) => describeDiagnostic(item.example, diagnostic)),
      );
    }
  }
}, 180_000);

const messagesOf = (id: string): string[] => {
  const example = [...messages.keys()].find((candidate) => candidate.id === id);
  if (example === undefined) throw new Error(`no example ${id}`);
  return messages.get(example) ?? [];
};

describe('TSDoc examples of the public API', () => {
  it('reads every exports entry point of the published packages', () => {
    expect(entries.map((entry) => entry.specifier)).toEqual(
      expect.arrayContaining([
        '@rebind-guard/core',
        '@rebind-guard/core/node',
        '@rebind-guard/express',
        '@rebind-guard/eslint-plugin',
      ]),
    );
  });

  it('finds the examples, including members, expando members and package docs (sanity check)', () => {
    const ids = collected.examples.map((example) => example.id);
    expect(ids.length).toBeGreaterThan(100);
    expect(ids).toEqual(
      expect.arrayContaining([
        'packages/core/src/host.ts:parseHost',
        'packages/core/src/host.ts:HostAllowlist.allows',
        'packages/express/src/index.ts:rebindGuard.optional',
        'packages/cli/src/index.ts:(module)',
      ]),
    );
  });

  it('extracts only the fenced blocks of @example sections, with their lines', () => {
    const comment = [
      '/**',
      ' * Intro.',
      ' * ```ts',
      ' * notAnExample();',
      ' * ```',
      ' * @example',
      ' * ```ts',
      ' * one();',
      ' *   two();',
      ' * ```',
      ' * @returns nothing',
      ' * ```ts',
      ' * after();',
      ' * ```',
      ' */',
    ];
    expect(exampleBlocks(comment.join('\n'))).toEqual([{ line: 8, lang: 'ts', code: 'one();\n  two();' }]);
  });

  it('reports a type error in an example (self-test)', () => {
    expect(messagesOf('self-test:broken')).toEqual([
      expect.stringMatching(/^packages\/core\/src\/host\.ts:2:7 TS2322: /),
    ]);
  });

  it('supplies the prelude names an example does not declare (self-test)', () => {
    expect(messagesOf('self-test:prelude')).toEqual([]);
  });

  it('has no compiler errors outside the examples (options, prelude)', () => {
    expect(general).toEqual([]);
  });

  it('gives every exported function and class an example', () => {
    expect(collected.withoutExample).toEqual([]);
  });

  it('lists only existing examples as known failures', () => {
    const ids = new Set(collected.examples.map((example) => example.id));
    expect(Object.keys(KNOWN_FAILURES).filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const { example } of prepared) {
    if (SELF_TESTS.includes(example)) continue;
    const known = KNOWN_FAILURES[example.id];
    const test = known === undefined ? it : it.fails;
    test(`${example.id} type-checks${known === undefined ? '' : ' (known failure, see KNOWN_FAILURES)'}`, () => {
      const errors = messages.get(example) ?? [];
      expect(errors, errors.join('\n')).toEqual([]);
    });
  }
});
