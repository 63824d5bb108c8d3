/**
 * Type-checks what a consumer writes, exactly as they write it, against the *built* packages
 * (issue #4): `declare module '@rebind-guard/express'` / `'@rebind-guard/fastify'` augmentations
 * reaching `req.auth` / `request.auth`, `rebindGuard<MyClaims>()` reaching Koa's `ctx.state.auth`,
 * and `@ts-expect-error` on bad options.
 *
 * The packages' own `test/types.test-d.ts` cover the same ground against `src/`; inside a package
 * the self-name resolves to `dist/` while `src/` is compiled too, so only here can the by-name
 * augmentation be checked as consumers see it. Sources are in memory (no fixture files), so these
 * global augmentations never leak into the rest of the test workspace.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

const PRELUDE = `
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
export function assertType<T extends true>(): T | undefined { return undefined; }
`;

const SOURCES: Record<string, string> = {
  'express-consumer.ts': `${PRELUDE}
import express from 'express';
import type { AuthInfo } from '@rebind-guard/core';
import { rebindGuard, type GuardedRequest, type RebindGuardClaims } from '@rebind-guard/express';

declare module '@rebind-guard/express' {
  interface RebindGuardClaims { tenant: string }
}
interface MyClaims { sub: number; roles: string[] }

const app = express();
app.use(rebindGuard({ hosts: ['localhost'], auth: { key: 'k', algorithms: ['HS256'], audience: 'api', issuer: false } }));
app.get('/', (req, res) => {
  assertType<Equal<typeof req.auth, AuthInfo<RebindGuardClaims> | undefined>>();
  assertType<Equal<NonNullable<typeof req.auth>['claims']['tenant'], string>>();
  const guarded = req as GuardedRequest<MyClaims>;
  assertType<Equal<typeof guarded.auth, AuthInfo<MyClaims> | undefined>>();
  assertType<Equal<NonNullable<typeof guarded.auth>['claims']['sub'], number>>();
  res.end();
});
// @ts-expect-error hosts is required
rebindGuard({ origins: [] });
// @ts-expect-error authMode is 'required' | 'optional' | 'off'
rebindGuard({ hosts: ['localhost'], authMode: 'sometimes' });
`,
  'koa-consumer.ts': `${PRELUDE}
import Koa from 'koa';
import type { AuthInfo } from '@rebind-guard/core';
import { rebindGuard, type RebindGuardClaims } from '@rebind-guard/koa';

declare module '@rebind-guard/koa' {
  interface RebindGuardClaims { org: string }
}
interface MyClaims { sub: string; tenant: string }
const auth = { key: 'k', algorithms: ['HS256'], audience: 'api', issuer: false } as const;
const app = new Koa().use(rebindGuard<MyClaims>({ hosts: ['localhost'], auth }));
app.use((ctx) => {
  assertType<Equal<typeof ctx.state.auth, AuthInfo<MyClaims> | undefined>>();
});
const augmented = new Koa().use(rebindGuard({ hosts: ['localhost'], auth }));
augmented.use((ctx) => {
  assertType<Equal<typeof ctx.state.auth, AuthInfo<RebindGuardClaims> | undefined>>();
  assertType<Equal<NonNullable<typeof ctx.state.auth>['claims']['org'], string>>();
});
// @ts-expect-error unknown option
rebindGuard({ hosts: ['localhost'], allowedHosts: [] });
`,
  'fastify-consumer.ts': `${PRELUDE}
import Fastify from 'fastify';
import type { AuthInfo } from '@rebind-guard/core';
import { rebindGuard, type RebindGuardClaims } from '@rebind-guard/fastify';

declare module '@rebind-guard/fastify' {
  interface RebindGuardClaims { tenant: string }
}

const app = Fastify();
await app.register(rebindGuard, { hosts: ['localhost'], auth: { key: 'k', algorithms: ['HS256'], audience: 'api', issuer: false } });
app.get('/', { config: { rebindGuard: { authMode: 'optional' } } }, async (request) => {
  assertType<Equal<typeof request.auth, AuthInfo<RebindGuardClaims> | undefined>>();
  assertType<Equal<NonNullable<typeof request.auth>['claims']['tenant'], string>>();
  return 'ok';
});
// @ts-expect-error authMode is 'required' | 'optional' | 'off'
app.get('/bad', { config: { rebindGuard: { authMode: 'maybe' } } }, () => 'ok');
// @ts-expect-error excludeHost is boolean
await app.register(rebindGuard, { hosts: ['localhost'], excludeHost: 'yes' });
`,
};

function typeCheck(): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
  };
  const files = new Map(Object.entries(SOURCES).map(([name, text]) => [resolve(here, '__consumer__', name), text]));
  // A package.json with "type": "module" next to the virtual files makes them ES modules (top-level await).
  const virtualPackageJson = resolve(here, '__consumer__', 'package.json');
  const host = ts.createCompilerHost(options);
  const disk = ts.createCompilerHost(options);
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = files.get(resolve(fileName));
    return text === undefined
      ? disk.getSourceFile(fileName, language, ...rest)
      : ts.createSourceFile(fileName, text, language);
  };
  host.fileExists = (fileName) =>
    files.has(resolve(fileName)) || resolve(fileName) === virtualPackageJson || disk.fileExists(fileName);
  host.readFile = (fileName) =>
    files.get(resolve(fileName)) ??
    (resolve(fileName) === virtualPackageJson ? '{ "type": "module" }' : disk.readFile(fileName));
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where =
      diagnostic.file === undefined
        ? ''
        : `${diagnostic.file.fileName.slice(join(here, '__consumer__').length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: `;
    return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('consumer-side types against the built packages', () => {
  it('augmentations by package name reach req.auth / request.auth; claims generics reach ctx.state.auth; bad options are errors', () => {
    expect(typeCheck()).toEqual([]);
  });
});
