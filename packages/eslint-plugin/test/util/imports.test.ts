import { Linter } from 'eslint';
import * as espree from 'espree';
import * as tsParser from '@typescript-eslint/parser';
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import {
  findProperty,
  followConstAlias,
  getSingleAssignment,
  getStaticString,
  isImportCall,
  matchesImport,
  resolveConstNode,
  resolveImport,
  type ImportRef,
} from '../../src/util/imports.js';

/**
 * Probes: `probe(expr)` records resolveImport(expr); `probeConst(expr)` records the node type of
 * resolveConstNode(expr); `probeString(expr)` records getStaticString(expr);
 * `probeProp(obj, 'key')` records findProperty(obj, key) (as 'found:<source>' / 'missing' / 'unknown').
 */
type Probe = { kind: string; value: unknown };

function run(code: string, parser: 'espree' | 'ts' = 'espree', sourceType: 'module' | 'commonjs' = 'module'): Probe[] {
  const probes: Probe[] = [];
  const rule: TSESLint.RuleModule<never> = {
    meta: { type: 'problem', messages: {}, schema: [] },
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- required by the RuleModule type
    defaultOptions: [],
    create(context) {
      return {
        CallExpression(node: TSESTree.CallExpression): void {
          if (node.callee.type !== AST_NODE_TYPES.Identifier) return;
          const [first, second] = node.arguments;
          if (first === undefined) return;
          switch (node.callee.name) {
            case 'probe':
              probes.push({ kind: 'import', value: resolveImport(context, first) ?? null });
              break;
            case 'probeConst':
              probes.push({ kind: 'const', value: resolveConstNode(context, first)?.type ?? null });
              break;
            case 'probeString':
              probes.push({ kind: 'string', value: getStaticString(context, first) ?? null });
              break;
            case 'probeProp': {
              const key = second === undefined ? undefined : getStaticString(context, second);
              if (key === undefined) throw new Error('probeProp needs a static key');
              const lookup = findProperty(context, first, key);
              const value =
                lookup.found === true
                  ? `found:${context.sourceCode.getText(lookup.value)}`
                  : lookup.unknown
                    ? 'unknown'
                    : 'missing';
              probes.push({ kind: 'prop', value });
              break;
            }
            case 'probeAlias':
              probes.push({ kind: 'alias', value: context.sourceCode.getText(followConstAlias(context, first)) });
              break;
            case 'probeBinding': {
              const binding =
                first.type === AST_NODE_TYPES.Identifier ? getSingleAssignment(context, first) : undefined;
              probes.push({
                kind: 'binding',
                value:
                  binding === undefined
                    ? null
                    : { init: context.sourceCode.getText(binding.init), path: binding.path ?? null },
              });
              break;
            }
            case 'probeCall':
              probes.push({
                kind: 'call',
                value:
                  first.type === AST_NODE_TYPES.CallExpression &&
                  isImportCall(context, first, 'jsonwebtoken', ['verify']),
              });
              break;
            default:
              break;
          }
        },
      };
    },
  };
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.js', '**/*.ts'],
        plugins: { t: { rules: { probe: rule as never } } },
        rules: { 't/probe': 'error' },
        languageOptions: {
          parser: parser === 'ts' ? tsParser : espree,
          ecmaVersion: 'latest',
          sourceType,
          globals: { require: 'readonly', module: 'readonly', process: 'readonly' },
        },
      },
    ],
    parser === 'ts' ? 'file.ts' : 'file.js',
  );
  const fatal = messages.find((message) => message.fatal === true);
  if (fatal !== undefined) throw new Error(`parse error: ${fatal.message}`);
  return probes;
}

function imports(
  code: string,
  parser: 'espree' | 'ts' = 'espree',
  sourceType: 'module' | 'commonjs' = 'module',
): (ImportRef | null)[] {
  return run(code, parser, sourceType).map((probe) => probe.value as ImportRef | null);
}

const jwt = (path: string[]): ImportRef => ({ module: 'jsonwebtoken', path });

describe('resolveImport', () => {
  it('ESM named, renamed, default-as and default imports', () => {
    expect(
      imports(`
        import { verify, sign as s, default as d } from 'jsonwebtoken';
        import jwt from 'jsonwebtoken';
        probe(verify); probe(s); probe(d); probe(jwt); probe(jwt.verify); probe(d.decode);
      `),
    ).toEqual([jwt(['verify']), jwt(['sign']), jwt([]), jwt([]), jwt(['verify']), jwt(['decode'])]);
  });

  it('namespace imports, including `.default` interop and computed keys', () => {
    expect(
      imports(`
        import * as jwt from 'jsonwebtoken';
        const KEY = 'verify';
        probe(jwt.verify); probe(jwt.default.verify); probe(jwt['verify']); probe(jwt[KEY]); probe(jwt[Math.random()]);
      `),
    ).toEqual([jwt(['verify']), jwt(['verify']), jwt(['verify']), jwt(['verify']), null]);
  });

  it('require, destructured require (incl. renamed and nested) and require member', () => {
    expect(
      imports(
        `
        const jwt = require('jsonwebtoken');
        const { verify, sign: s } = require('jsonwebtoken');
        const { verify: v } = require('jsonwebtoken');
        const { a: { b: deep } } = require('pkg');
        const direct = require('jsonwebtoken').verify;
        var legacy = require('jsonwebtoken');
        probe(jwt.verify); probe(verify); probe(s); probe(v); probe(deep); probe(direct); probe(legacy.verify);
        probe(require('jsonwebtoken').decode);
      `,
        'espree',
        'commonjs',
      ),
    ).toEqual([
      jwt(['verify']),
      jwt(['verify']),
      jwt(['sign']),
      jwt(['verify']),
      { module: 'pkg', path: ['a', 'b'] },
      jwt(['verify']),
      jwt(['verify']),
      jwt(['decode']),
    ]);
  });

  it('createRequire and dynamic import', () => {
    expect(
      imports(`
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        const jwt = require('jsonwebtoken');
        const jose = await import('jose');
        const { jwtVerify } = await import('jose');
        probe(jwt.verify); probe(jose.jwtVerify); probe(jwtVerify);
      `),
    ).toEqual([jwt(['verify']), { module: 'jose', path: ['jwtVerify'] }, { module: 'jose', path: ['jwtVerify'] }]);
  });

  it('member chains and const aliases', () => {
    expect(
      imports(`
        import jwt from 'jsonwebtoken';
        import fastify from 'fastify';
        const j = jwt;
        const v = j.verify;
        const w = v;
        const app = fastify();
        probe(w); probe(j.a.b.c); probe((0, jwt.verify)); probe(app);
      `),
    ).toEqual([jwt(['verify']), jwt(['a', 'b', 'c']), jwt(['verify']), null]);
  });

  it('TypeScript wrappers and import-equals', () => {
    expect(
      imports(
        `
        import jwt = require('jsonwebtoken');
        import * as ns from 'jsonwebtoken';
        import type { Secret } from 'jsonwebtoken';
        probe((jwt as any).verify); probe(ns!.verify); probe(<any>jwt); probe((jwt satisfies object).sign);
        probe(Secret);
      `,
        'ts',
      ),
    ).toEqual([jwt(['verify']), jwt(['verify']), jwt([]), jwt(['sign']), null]);
  });

  it('does not resolve shadowed locals with the same name as an import', () => {
    expect(
      imports(`
        import jwt, { verify } from 'jsonwebtoken';
        function f(jwt) { probe(jwt.verify); }
        function g() { const verify = () => 1; probe(verify); }
        function h() { probe(verify); }
        { let jwt = {}; probe(jwt); }
      `),
    ).toEqual([null, null, jwt(['verify']), null]);
  });

  it('leaves unresolvable expressions undefined', () => {
    expect(
      imports(
        `
        let reassigned = require('jsonwebtoken');
        reassigned = other;
        const { ...rest } = require('jsonwebtoken');
        const [first] = require('jsonwebtoken');
        const dynamic = require(name);
        function localRequire(require) { return require('jsonwebtoken'); }
        const viaCall = getJwt();
        probe(reassigned); probe(rest.verify); probe(first); probe(dynamic); probe(viaCall.verify);
        probe(jwtGlobal.verify); probe(this.verify); probe(localRequire);
      `,
        'espree',
        'commonjs',
      ),
    ).toEqual([null, null, null, null, null, null, null, null]);
    expect(
      imports(`
        function f(require) { probe(require('jsonwebtoken')); }
      `),
    ).toEqual([null]);
  });

  it('is stable under alias cycles', () => {
    expect(imports(`var a = b; var b = a; probe(a);`, 'espree', 'commonjs')).toEqual([null]);
  });
});

describe('matchesImport / isImportCall', () => {
  it('compares module (ignoring node: prefix) and exact path', () => {
    expect(matchesImport({ module: 'node:crypto', path: ['createHmac'] }, 'crypto', ['createHmac'])).toBe(true);
    expect(matchesImport({ module: 'crypto', path: [] }, ['node:crypto', 'x'])).toBe(true);
    expect(matchesImport(jwt(['verify']), 'jsonwebtoken', ['verify'])).toBe(true);
    expect(matchesImport(jwt(['verify', 'call']), 'jsonwebtoken', ['verify'])).toBe(false);
    expect(matchesImport(jwt([]), 'jsonwebtoken', ['verify'])).toBe(false);
    expect(matchesImport(jwt(['verify']), 'jose')).toBe(false);
    expect(matchesImport(undefined, 'jsonwebtoken')).toBe(false);
  });

  it('matches calls by import', () => {
    expect(
      run(`
        import { verify as check } from 'jsonwebtoken';
        probeCall(check(t, k)); probeCall(verify(t, k));
      `).map((probe) => probe.value),
    ).toEqual([true, false]);
  });
});

describe('resolveConstNode / getStaticString', () => {
  it('follows const identifiers, destructuring and member reads to static nodes', () => {
    expect(
      run(`
        const opts = { algorithms: ['RS256'], nested: { aud: 'a' } };
        const alias = opts;
        const { nested } = opts;
        const list = ['x'];
        probeConst(alias); probeConst(nested); probeConst(opts.nested.aud); probeConst(list);
        probeConst(\`tpl\`); probeConst(\`t\${x}\`); probeConst(param); probeConst(call());
      `).map((probe) => probe.value),
    ).toEqual([
      'ObjectExpression',
      'ObjectExpression',
      'Literal',
      'ArrayExpression',
      'TemplateLiteral',
      null,
      null,
      null,
    ]);
  });

  it('treats mutated objects and reassigned bindings as unknown', () => {
    expect(
      run(`
        const a = {}; a.algorithms = ['RS256'];
        const b = {}; Object.assign(b, more);
        const c = []; c.push('x');
        let d = {}; d = other;
        const e = {}; use(e.x);
        probeConst(a); probeConst(b); probeConst(c); probeConst(d); probeConst(e);
      `).map((probe) => probe.value),
    ).toEqual([null, null, null, null, 'ObjectExpression']);
  });

  it('unwraps TS as const / satisfies / non-null', () => {
    expect(
      run(
        `
        const opts = { algorithms: ['RS256'] } as const satisfies object;
        const s = 'secret' as const;
        probeConst(opts!); probeString(s); probeString(opts.algorithms[0] as string);
      `,
        'ts',
      ).map((probe) => probe.value),
    ).toEqual(['ObjectExpression', 'secret', null]);
  });

  it('computes static strings', () => {
    expect(
      run(`
        const A = 'RS';
        const B = \`256\`;
        let mutable = 'x'; mutable = 'y';
        probeString('lit'); probeString(A + B); probeString(\`\${A}\${B}!\`); probeString(A + x);
        probeString(mutable); probeString(42); probeString(null);
      `).map((probe) => probe.value),
    ).toEqual(['lit', 'RS256', 'RS256!', null, null, null, null]);
  });
});

describe('findProperty', () => {
  it('finds direct, shorthand, quoted and computed-literal keys', () => {
    expect(
      run(`
        const algorithms = ['RS256'];
        probeProp({ algorithms }, 'algorithms');
        probeProp({ 'audience': 'a' }, 'audience');
        probeProp({ ['issuer']: 'i' }, 'issuer');
        probeProp({ other: 1 }, 'algorithms');
      `).map((probe) => probe.value),
    ).toEqual(['found:algorithms', "found:'a'", "found:'i'", 'missing']);
  });

  it('follows spreads of const objects; later entries win', () => {
    expect(
      run(`
        const base = { algorithms: ['RS256'] };
        const withAud = { ...base, audience: 'x' };
        probeProp({ ...withAud }, 'algorithms');
        probeProp({ algorithms: ['HS256'], ...base }, 'algorithms');
        probeProp({ ...base, algorithms: ['ES256'] }, 'algorithms');
        probeProp({ ...base }, 'audience');
        probeProp({ ...null, ...undefined }, 'audience');
      `).map((probe) => probe.value),
    ).toEqual(["found:['RS256']", "found:['RS256']", "found:['ES256']", 'missing', 'missing']);
  });

  it('is unknown for unresolvable spreads, computed keys, getters and non-objects', () => {
    expect(
      run(`
        probeProp({ ...opts }, 'algorithms');
        probeProp({ [key]: 1 }, 'algorithms');
        probeProp({ get algorithms() { return []; } }, 'algorithms');
        probeProp(param, 'algorithms');
        probeProp(['x'], 'algorithms');
        probeProp({ algorithms: 1, ...opts }, 'algorithms');
        probeProp({ ...opts, algorithms: 1 }, 'algorithms');
      `).map((probe) => probe.value),
    ).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'found:1']);
  });
});

describe('followConstAlias / getSingleAssignment', () => {
  it('follows single-assignment identifiers to any initializer', () => {
    expect(
      run(`
        const key = new TextEncoder().encode('s');
        const alias = key;
        let once = process.env.S || 'x';
        let twice = 1; twice = 2;
        const { a } = obj;
        probeAlias(alias); probeAlias(once); probeAlias(twice); probeAlias(a); probeAlias(param);
      `).map((probe) => probe.value),
    ).toEqual(["new TextEncoder().encode('s')", "process.env.S || 'x'", 'twice', 'a', 'param']);
  });

  it('reports the destructuring path of a binding', () => {
    expect(
      run(`
        const plain = init();
        const { headers: { authorization: auth } } = req;
        const [, second] = parts;
        function f(param) { probeBinding(param); }
        probeBinding(plain); probeBinding(auth); probeBinding(second);
      `).map((probe) => probe.value),
    ).toEqual([
      null,
      { init: 'init()', path: [] },
      { init: 'req', path: ['headers', 'authorization'] },
      { init: 'parts', path: null },
    ]);
  });
});
