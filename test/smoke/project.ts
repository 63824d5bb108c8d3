/**
 * Throwaway consumer projects for the packed-package smoke tests (issues 8 and 13): `npm pack` the
 * workspace packages, then install the tarballs next to chosen third-party versions in a fresh
 * directory under os.tmpdir() (outside the workspace, so nothing resolves to the sources), with a
 * plain `npm install` — peer dependency ranges are enforced, never `--legacy-peer-deps`.
 *
 * Installs first try `--offline` (the npm cache this repository's install filled); a version the
 * cache lacks makes npm fail fast, and the install is retried with `--prefer-offline`, which fetches
 * only what is missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAX_BUFFER = 16 * 1024 * 1024;

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');

/**
 * Environment for npm and node children: npm's own `npm_*` variables from a surrounding
 * `npm run` (workspace, prefix, lifecycle) are dropped so they cannot redirect the install;
 * cache, registry and user config are kept.
 */
export function childEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.toLowerCase().startsWith('npm_') && !keep.has(name.toLowerCase())) continue;
    env[name] = value;
  }
  return env;
}

/** One entry of `npm pack --json`. */
export interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** A fresh consumer project with the tarballs installed. */
export interface ConsumerProject {
  readonly dir: string;
  /** `offline` when everything came from the npm cache. */
  readonly installMode: 'offline' | 'prefer-offline';
  /** Milliseconds `npm install` took. */
  readonly installMs: number;
  /** Writes `files` (path relative to the project → content). */
  write(files: Readonly<Record<string, string>>): void;
  /** Runs `node <script>` in the project and parses its stdout as JSON. */
  node(script: string): Promise<unknown>;
  /** Runs the repository's TypeScript (`tsc -p <tsconfig>`) in the project; '' when it passes. */
  tsc(tsconfig: string): Promise<string>;
  remove(): void;
}

/**
 * Packs `packages` (folder names under packages/) into `destination`. Fails with a clear message
 * when a package has not been built.
 */
export async function packPackages(packages: readonly string[], destination: string): Promise<Map<string, PackResult>> {
  for (const name of packages) {
    if (!existsSync(join(ROOT, 'packages', name, 'dist'))) {
      throw new Error(`packages/${name}/dist is missing: run \`npm run build\` before the smoke tests.`);
    }
  }
  mkdirSync(destination, { recursive: true });
  // `npm pack <folder>` from outside the workspace: no workspace context can leak into the pack.
  const folders = packages.map((name) => join(ROOT, 'packages', name));
  const { stdout } = await run(
    npm,
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...folders],
    {
      cwd: destination,
      env: childEnv(),
      maxBuffer: MAX_BUFFER,
    },
  );
  const packed = new Map<string, PackResult>();
  for (const result of JSON.parse(stdout) as PackResult[]) packed.set(result.name, result);
  return packed;
}

/**
 * Creates a project under os.tmpdir() that depends on `thirdParty` and on the packed `packages`
 * (as `file:` tarballs), installs it, and returns helpers to use it. `KEEP_SMOKE_PROJECT=1` keeps
 * the directory for inspection.
 */
export async function createConsumerProject(
  label: string,
  packages: readonly string[],
  thirdParty: Readonly<Record<string, string>>,
): Promise<ConsumerProject & { packed: Map<string, PackResult> }> {
  const dir = mkdtempSync(join(tmpdir(), `rebind-guard-${label}-`));
  const env = childEnv();
  const packed = await packPackages(packages, join(dir, 'tarballs'));
  const dependencies: Record<string, string> = { ...thirdParty };
  for (const result of packed.values()) dependencies[result.name] = `file:tarballs/${result.filename}`;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `rebind-guard-${label}-consumer`,
        private: true,
        type: 'module',
        dependencies,
        // The adapters depend on @rebind-guard/core ^0.1.0: use the packed one, not the registry's.
        ...(packed.has('@rebind-guard/core') ? { overrides: { '@rebind-guard/core': '$@rebind-guard/core' } } : {}),
      },
      null,
      2,
    ),
  );
  const install = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
  const started = Date.now();
  let installMode: ConsumerProject['installMode'] = 'offline';
  try {
    await run(npm, [...install, '--offline'], { cwd: dir, env, maxBuffer: MAX_BUFFER });
  } catch {
    installMode = 'prefer-offline';
    await run(npm, [...install, '--prefer-offline'], { cwd: dir, env, maxBuffer: MAX_BUFFER });
  }
  const installMs = Date.now() - started;

  return {
    dir,
    packed,
    installMode,
    installMs,
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    },
    async node(script) {
      const { stdout } = await run(process.execPath, ['--no-warnings', script], {
        cwd: dir,
        env,
        maxBuffer: MAX_BUFFER,
      });
      return JSON.parse(stdout) as unknown;
    },
    tsc(tsconfig) {
      return run(process.execPath, [tsc, '-p', tsconfig], { cwd: dir, env, maxBuffer: MAX_BUFFER }).then(
        () => '',
        (error: unknown) => {
          const failed = error as { stdout?: string; stderr?: string };
          return `${failed.stdout ?? ''}${failed.stderr ?? ''}` || String(error);
        },
      );
    },
    remove() {
      if (process.env.KEEP_SMOKE_PROJECT === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
