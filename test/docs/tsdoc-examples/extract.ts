/**
 * Finds the TSDoc `@example` blocks of the public API: every declaration exported from a
 * published package's `exports` entry points, their class/interface members and namespace or
 * expando members (e.g. `rebindGuard.optional`), and the entry files' `@packageDocumentation`
 * comments. The sources are read, not the built `.d.ts`
 * (declaration emit drops the comment of an expando member): each entry point's `types` file
 * `dist/<x>.d.ts` stands for `src/<x>.ts`, and `@rebind-guard/…` imports between packages are
 * mapped onto the sources too, so a re-exported declaration is found once, in its own file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** A published entry point: `@rebind-guard/core/node`, the `.d.ts` its `exports` map names, and its source. */
export interface EntryPoint {
  readonly specifier: string;
  readonly typesFile: string;
  /** `packages/core/src/node.ts` for `packages/core/dist/node.d.ts` (absolute path). */
  readonly sourceFile: string;
}

/** One fenced block found under `@example`. */
export interface ExampleBlock {
  /** 1-based line, within the comment, of the first code line. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

/** One `@example` code block of a public declaration. */
export interface TsdocExample {
  /** `packages/core/src/host.ts:parseHost` (with ` #2` for a declaration's second block). */
  readonly id: string;
  /** Source file relative to the repository root, e.g. `packages/core/src/host.ts`. */
  readonly file: string;
  /** Dotted symbol path, e.g. `Guard.check`, `rebindGuard.optional`. */
  readonly symbol: string;
  /** 1-based line of the first code line in `file`. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  /** Entry points (package specifiers) through which the declaration is reachable. */
  readonly entries: readonly string[];
}

/** What `collectExamples` found. */
export interface Collected {
  readonly examples: TsdocExample[];
  /** `file:symbol` of exported functions and classes without a checked (`ts` or `js`) example. */
  readonly withoutExample: string[];
}

interface PackageJson {
  readonly name?: string;
  readonly private?: boolean;
  readonly exports?: Record<string, unknown>;
}

/** Entry points of every published (non-private) package under `packages/`. */
export function publicEntryPoints(repoRoot: string): EntryPoint[] {
  const entries: EntryPoint[] = [];
  const packagesDir = join(repoRoot, 'packages');
  for (const name of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, name, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageJson;
    if (manifest.private === true || manifest.name === undefined || manifest.exports === undefined) continue;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const types = typeof target === 'object' && target !== null ? (target as { types?: unknown }).types : undefined;
      const source = typeof types === 'string' ? /^\.\/dist\/(.+)\.d\.ts$/.exec(types)?.[1] : undefined;
      if (typeof types !== 'string') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`;
      if (source === undefined) throw new Error(`${specifier}: types ${types} is not ./dist/<file>.d.ts`);
      entries.push({
        specifier,
        typesFile: join(packagesDir, name, types),
        sourceFile: join(packagesDir, name, 'src', `${source}.ts`),
      });
    }
  }
  return entries;
}

const FENCE = /^(`{3,}|~{3,})\s*([\w+-]*)/;
const TAG = /^@[a-zA-Z]/;

/** Comment text without the delimiters and the leading ` * ` of each line. */
export function commentLines(comment: string): string[] {
  return comment
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
}

/**
 * Fenced code blocks inside the `@example` sections of one TSDoc comment (text between `/**` and
 * `*\/`, or already stripped lines). A section runs from `@example` to the next block tag outside
 * a fence; blocks of every language are returned with their language.
 */
export function exampleBlocks(comment: string | readonly string[]): ExampleBlock[] {
  const lines = typeof comment === 'string' ? commentLines(comment) : comment;
  const blocks: ExampleBlock[] = [];
  let inExample = false;
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trimStart();
    if (TAG.test(line)) {
      inExample = line.startsWith('@example');
      continue;
    }
    const open = FENCE.exec(line);
    if (open === null) continue;
    const fence = open[1] ?? '```';
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end] ?? '').trimStart().startsWith(fence)) body.push(lines[end++] ?? '');
    if (inExample) blocks.push({ line: index + 2, lang: (open[2] ?? '').toLowerCase(), code: body.join('\n') });
    index = end;
  }
  return blocks;
}

/** Every `.ts` file (not `.d.ts`) of the `src` folder that holds `entryFile`. */
function sourceFilesBeside(entryFile: string): string[] {
  const srcDir = entryFile.slice(0, entryFile.lastIndexOf('/src/') + '/src'.length);
  return ts.sys.readDirectory(srcDir, ['.ts']).filter((file) => !file.endsWith('.d.ts'));
}

function jsDocNodes(declaration: ts.Node): ts.JSDoc[] {
  let host: ts.Node = declaration;
  if (ts.isVariableDeclaration(declaration)) host = declaration.parent.parent;
  // `rebindGuard.optional = function …;`: the comment sits on the statement.
  if (ts.isPropertyAccessExpression(declaration) && ts.isBinaryExpression(declaration.parent)) {
    host = declaration.parent.parent;
  }
  // The first statement of a file also carries the file's `@packageDocumentation` comment.
  return ((host as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []).filter((doc) => !isPackageDoc(doc));
}

function isPackageDoc(doc: ts.JSDoc): boolean {
  return (doc.tags ?? []).some((tag) => tag.tagName.text === 'packageDocumentation');
}

/** The `@packageDocumentation` comment of a file (on its first statement), if any. */
function packageDocs(sourceFile: ts.SourceFile): ts.JSDoc[] {
  const first = sourceFile.statements[0] as { jsDoc?: ts.JSDoc[] } | undefined;
  return (first?.jsDoc ?? []).filter(isPackageDoc);
}

/** A function or class, or a variable initialised with a function (`const f = () => …`). */
function isFunctionOrClass(symbol: ts.Symbol): boolean {
  if ((symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class)) !== 0) return true;
  return (symbol.declarations ?? []).some(
    (declaration) =>
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer !== undefined &&
      (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer)),
  );
}

/** Languages of the blocks that are type-checked (JavaScript with `checkJs`). */
export const CHECKED_LANGUAGES: ReadonlySet<string> = new Set(['ts', 'typescript', 'js', 'javascript']);

function checkedBlocks(
  declarations: readonly ts.Node[],
): { declaration: ts.Node; doc: ts.JSDoc; block: ExampleBlock }[] {
  return declarations.flatMap((declaration) =>
    (ts.isSourceFile(declaration) ? packageDocs(declaration) : jsDocNodes(declaration)).flatMap((doc) =>
      exampleBlocks(doc.getText())
        .filter((block) => CHECKED_LANGUAGES.has(block.lang))
        .map((block) => ({ declaration, doc, block })),
    ),
  );
}

/**
 * Loads every entry point's source into one program (with `@rebind-guard/…` mapped onto the
 * sources) and collects the examples of its exports, each declaration once whatever the number
 * of entry points that re-export it.
 */
export function collectExamples(
  repoRoot: string,
  entries: readonly EntryPoint[],
  options: ts.CompilerOptions,
  host: ts.CompilerHost,
): Collected {
  const paths = Object.fromEntries(entries.map((entry) => [entry.specifier, [entry.sourceFile]]));
  const program = ts.createProgram({
    rootNames: [...new Set(entries.flatMap((entry) => sourceFilesBeside(entry.sourceFile)))],
    // Only the packages' own sources: exports lists and comments need no third-party types.
    options: { ...options, paths, noResolve: true, noLib: true, types: [] },
    host,
  });
  const checker = program.getTypeChecker();
  const byDeclaration = new Map<ts.Node, { symbol: string; entries: Set<string> }>();
  const withoutExample = new Set<string>();
  const relativeName = (node: ts.Node): string =>
    relative(repoRoot, node.getSourceFile().fileName).split('\\').join('/');

  const visit = (symbol: ts.Symbol, path: string, entry: string, depth: number): void => {
    for (const declaration of symbol.declarations ?? []) {
      const known = byDeclaration.get(declaration);
      if (known === undefined) byDeclaration.set(declaration, { symbol: path, entries: new Set([entry]) });
      else known.entries.add(entry);
    }
    if (depth > 1) return;
    const children = [...(symbol.members?.values() ?? []), ...(symbol.exports?.values() ?? [])];
    for (const child of children) {
      const name = child.getName();
      if (name.startsWith('__') || name === 'prototype') continue; // call/construct/index signatures
      visit(child, `${path}.${name}`, entry, depth + 1);
    }
  };

  for (const entry of entries) {
    const sourceFile = program.getSourceFile(entry.sourceFile);
    const moduleSymbol = sourceFile === undefined ? undefined : checker.getSymbolAtLocation(sourceFile);
    if (sourceFile === undefined || moduleSymbol === undefined) {
      throw new Error(`${entry.specifier}: no module at ${entry.sourceFile}`);
    }
    // The entry point's own `@packageDocumentation` comment.
    byDeclaration.set(sourceFile, { symbol: '(module)', entries: new Set([entry.specifier]) });
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = exported.getName() === 'default' ? target.getName() : exported.getName();
      if (name === 'module.exports') continue; // the CommonJS alias of the default export
      visit(target, name, entry.specifier, 0);
      const first = target.declarations?.[0];
      if (first !== undefined && isFunctionOrClass(target) && checkedBlocks(target.declarations ?? []).length === 0) {
        withoutExample.add(`${relativeName(first)}:${name}`);
      }
    }
  }

  const examples: TsdocExample[] = [];
  const perId = new Map<string, number>();
  for (const [declaration, { symbol, entries: reachedFrom }] of byDeclaration) {
    for (const { doc, block } of checkedBlocks([declaration])) {
      const file = relativeName(declaration);
      const base = `${file}:${symbol}`;
      const count = (perId.get(base) ?? 0) + 1;
      perId.set(base, count);
      const docLine = doc.getSourceFile().getLineAndCharacterOfPosition(doc.getStart()).line;
      examples.push({
        id: count === 1 ? base : `${base} #${count}`,
        file,
        symbol,
        line: docLine + block.line,
        lang: block.lang,
        code: block.code,
        entries: [...reachedFrom].sort(),
      });
    }
  }
  examples.sort((a, b) => a.id.localeCompare(b.id));
  return { examples, withoutExample: [...withoutExample].sort() };
}
