import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import * as util from '../../src/util/index.js';

const utilDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/util');

describe('util layer', () => {
  it('has one home per helper: no name is exported by two util modules', () => {
    const homes = new Map<string, string[]>();
    for (const file of readdirSync(utilDir).filter((name) => name.endsWith('.ts') && name !== 'index.ts')) {
      const source = readFileSync(path.join(utilDir, file), 'utf8');
      for (const match of source.matchAll(
        /^export (?:async )?(?:function\*?|const|let|interface|type|class) +([A-Za-z_$][\w$]*)/gmu,
      )) {
        const name = match[1] ?? '';
        homes.set(name, [...(homes.get(name) ?? []), file]);
      }
    }
    const duplicated = [...homes].filter(([, files]) => files.length > 1);
    expect(duplicated).toEqual([]);
    expect(homes.size).toBeGreaterThan(50);
  });

  it('re-exports every util module from util/index.ts', () => {
    const index = readFileSync(path.join(utilDir, 'index.ts'), 'utf8');
    for (const file of readdirSync(utilDir).filter((name) => name.endsWith('.ts') && name !== 'index.ts')) {
      expect(index, file).toContain(`export * from './${file.replace(/\.ts$/u, '.js')}';`);
    }
  });
});

/** Runs `check` on every node of `type` in `code`, with a rule context that has scope analysis. */
function visit<T>(
  code: string,
  type: AST_NODE_TYPES,
  check: (context: util.ImportContext, node: TSESTree.Node) => T,
): T[] {
  const results: T[] = [];
  const linter = new Linter({ configType: 'flat' });
  linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' },
        plugins: {
          probe: {
            rules: {
              probe: {
                create: (context) => ({
                  [type]: (node: TSESTree.Node) => results.push(check(context as unknown as util.ImportContext, node)),
                }),
              },
            },
          },
        },
        rules: { 'probe/probe': 'error' },
      },
    ],
    { filename: 'probe.ts' },
  );
  return results;
}

describe('ast helpers', () => {
  it('isNullish: null, the global undefined and void are nullish; an empty string and a local undefined are not', () => {
    const code = "f(null); f(undefined); f(void 0); f(''); f(0); { const undefined = 1; g(undefined); }";
    const verdicts = visit(code, AST_NODE_TYPES.CallExpression, (context, node) => {
      const argument = (node as TSESTree.CallExpression).arguments[0];
      return argument === undefined ? undefined : util.isNullish(context, argument);
    });
    expect(verdicts).toEqual([true, true, true, false, false, false]);
  });

  it('isProcessEnv: the global process or an imported one, not a local', () => {
    const code =
      "import proc from 'node:process';\nuse(process.env); use(proc.env); { const process = {}; use(process.env); }";
    const verdicts = visit(code, AST_NODE_TYPES.CallExpression, (context, node) => {
      const argument = (node as TSESTree.CallExpression).arguments[0];
      return argument === undefined ? undefined : util.isProcessEnv(context, argument);
    });
    expect(verdicts).toEqual([true, true, false]);
  });

  it('memberName and literalString read static names and strings only', () => {
    const code = "a.b; a['c']; a[`d`]; a[e]; x = 'lit'; x = `t${y}`;";
    expect(
      visit(code, AST_NODE_TYPES.MemberExpression, (_context, node) =>
        util.memberName(node as TSESTree.MemberExpression),
      ),
    ).toEqual(['b', 'c', 'd', undefined]);
    expect(
      visit(code, AST_NODE_TYPES.AssignmentExpression, (_context, node) =>
        util.literalString((node as TSESTree.AssignmentExpression).right),
      ),
    ).toEqual(['lit', undefined]);
  });
});
