/**
 * The ambient prelude of TSDoc examples: the few names an example may use without declaring
 * them, because every reader of an API reference takes them as given. Everything else an example
 * uses it imports or declares itself.
 *
 * - everywhere: `MyClaims` (`interface MyClaims extends JwtClaims { sub: string; scope: string }`) and
 *   `auth` (`AuthOptions<MyClaims>`, a guard's JWT options);
 * - examples of `@rebind-guard/express`: `app` (an `Express` app), `handler` (a `RequestHandler`),
 *   `router` (an express `Router`);
 * - examples of `@rebind-guard/koa`: `app` (a `Koa` app), `handler` (a `Middleware`), `router`
 *   (`get`, `post`, `put`, `patch`, `delete` taking a path and middleware);
 * - examples of `@rebind-guard/fastify`: `app` (a `FastifyInstance`), `handler` (a route handler).
 *
 * Which list applies is decided by the package whose source holds the example. A name is only
 * supplied when the example does not declare or import it itself, so an example that writes
 * `const app = express()` gets no prelude `app`.
 */
import ts from 'typescript';

/** The prelude family of an example: the adapter package it documents, or `common`. */
export type PreludeFamily = 'common' | 'express' | 'koa' | 'fastify';

/** One prelude name: the type-only imports it needs and its declaration. */
interface PreludeEntry {
  readonly imports?: string;
  readonly declaration: string;
}

const COMMON: Readonly<Record<string, PreludeEntry>> = {
  MyClaims: {
    imports: "import type { JwtClaims as Prelude$JwtClaims } from '@rebind-guard/core';",
    declaration: 'interface MyClaims extends Prelude$JwtClaims { sub: string; scope: string }',
  },
  auth: {
    imports: "import type { AuthOptions as Prelude$AuthOptions } from '@rebind-guard/core';",
    declaration: 'declare const auth: Prelude$AuthOptions<MyClaims>;',
  },
};

const FAMILIES: Readonly<Record<Exclude<PreludeFamily, 'common'>, Readonly<Record<string, PreludeEntry>>>> = {
  express: {
    app: {
      imports: "import type { Express as Prelude$Express } from 'express';",
      declaration: 'declare const app: Prelude$Express;',
    },
    handler: {
      imports: "import type { RequestHandler as Prelude$Handler } from 'express';",
      declaration: 'declare const handler: Prelude$Handler;',
    },
    router: {
      imports: "import type { Router as Prelude$Router } from 'express';",
      declaration: 'declare const router: Prelude$Router;',
    },
  },
  koa: {
    app: {
      imports: "import type Prelude$Koa from 'koa';",
      declaration: 'declare const app: Prelude$Koa;',
    },
    handler: {
      imports: "import type { Middleware as Prelude$Middleware } from 'koa';",
      declaration: 'declare const handler: Prelude$Middleware;',
    },
    router: {
      imports: "import type { Middleware as Prelude$Middleware } from 'koa';",
      declaration:
        "declare const router: Record<'get' | 'post' | 'put' | 'patch' | 'delete', (path: string, ...middleware: Prelude$Middleware[]) => void>;",
    },
  },
  fastify: {
    app: {
      imports: "import type { FastifyInstance as Prelude$Fastify } from 'fastify';",
      declaration: 'declare const app: Prelude$Fastify;',
    },
    handler: {
      imports: "import type { RouteHandlerMethod as Prelude$RouteHandler } from 'fastify';",
      declaration: 'declare const handler: Prelude$RouteHandler;',
    },
  },
};

/** The prelude family of a source file (`packages/koa/src/index.ts` → `koa`). */
export function preludeFamily(file: string): PreludeFamily {
  const name = /^packages\/([^/]+)\//.exec(file)?.[1];
  return name === 'express' || name === 'koa' || name === 'fastify' ? name : 'common';
}

/**
 * One line of prelude for an example of `family` that declares (or imports) `declared` itself:
 * the imports and declarations of the prelude names it does not declare. Kept on one line so the
 * example's own lines move by exactly one.
 */
export function preludeLine(family: PreludeFamily, declared: ReadonlySet<string>): string {
  const entries = { ...COMMON, ...(family === 'common' ? {} : FAMILIES[family]) };
  const imports = new Set<string>();
  const declarations: string[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (declared.has(name)) continue;
    if (entry.imports !== undefined) imports.add(entry.imports);
    declarations.push(entry.declaration);
  }
  return [...imports, ...declarations].join(' ');
}

/** Names an example declares or imports at its top level (the prelude leaves those alone). */
export function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name !== undefined) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings))
        for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}
