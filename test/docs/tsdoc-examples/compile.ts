/**
 * Type-checks in-memory TypeScript modules with the compiler API, in one program per group (not
 * one per module), against the packages as users import them: the virtual files sit in a folder of
 * the test workspace, so `@rebind-guard/…` resolves through node_modules to the built packages'
 * `exports`. Parsed files are cached across programs, so a second program (e.g. an isolated group
 * for a block that augments a module) costs only its own checking.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** One module to check: `name` is a file name (`foo.ts`) inside the virtual folder. */
export interface VirtualModule {
  readonly name: string;
  readonly code: string;
}

/** A compiler message about one virtual module, with its 1-based line and column there. */
export interface ModuleDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly code: number;
  readonly message: string;
}

export interface CheckResult {
  /** Messages per virtual module name (modules without messages are absent). */
  readonly byModule: Map<string, ModuleDiagnostic[]>;
  /** Messages not about a virtual module (options, global). */
  readonly general: string[];
}

/** Compiler options of `tsconfig.json` at `configPath`, for checking only (no output). */
export function checkOptions(configPath: string): ts.CompilerOptions {
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath));
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    composite: false,
    incremental: false,
  };
}

/**
 * A compiler host whose parsed source files are cached (shared by every program built with it)
 * and which serves the virtual modules of `folder` from memory.
 */
export class VirtualHost {
  readonly host: ts.CompilerHost;
  private readonly virtual = new Map<string, string>();
  private readonly cache = new Map<string, ts.SourceFile>();

  constructor(
    readonly folder: string,
    readonly options: ts.CompilerOptions,
  ) {
    const base = ts.createCompilerHost(options, true);
    this.host = {
      ...base,
      fileExists: (path) => this.virtual.has(path) || base.fileExists(path),
      readFile: (path) => this.virtual.get(path) ?? base.readFile(path),
      getSourceFile: (path, languageVersion, onError) => {
        const text = this.virtual.get(path);
        if (text !== undefined) return ts.createSourceFile(path, text, languageVersion, true);
        const cached = this.cache.get(path);
        if (cached !== undefined) return cached;
        const parsed = base.getSourceFile(path, languageVersion, onError);
        if (parsed !== undefined) this.cache.set(path, parsed);
        return parsed;
      },
    };
  }

  /** Type-checks `modules` (plus `extra` real files, e.g. a prelude) in one program. */
  check(modules: readonly VirtualModule[], extra: readonly string[] = []): CheckResult {
    const paths = new Map<string, string>();
    for (const module of modules) {
      const path = join(this.folder, module.name).split('\\').join('/');
      if (paths.has(path)) throw new Error(`duplicate virtual module ${module.name}`);
      paths.set(path, module.name);
      this.virtual.set(path, module.code);
    }
    try {
      const program = ts.createProgram({
        rootNames: [...paths.keys(), ...extra],
        options: this.options,
        host: this.host,
      });
      const byModule = new Map<string, ModuleDiagnostic[]>();
      const general: string[] = [];
      const diagnostics = [
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...program.getSyntacticDiagnostics(),
        ...program.getSemanticDiagnostics(),
      ];
      for (const diagnostic of diagnostics) {
        const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
        const name = diagnostic.file === undefined ? undefined : paths.get(diagnostic.file.fileName);
        if (diagnostic.file === undefined || name === undefined || diagnostic.start === undefined) {
          const where = diagnostic.file === undefined ? '' : `${diagnostic.file.fileName}: `;
          general.push(`${where}TS${diagnostic.code}: ${message}`);
          continue;
        }
        const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
        const list = byModule.get(name) ?? [];
        list.push({ line: line + 1, column: character + 1, code: diagnostic.code, message });
        byModule.set(name, list);
      }
      return { byModule, general };
    } finally {
      for (const path of paths.keys()) this.virtual.delete(path);
    }
  }
}
