/**
 * Builds the lint corpus of issue #5: real-world JavaScript from this repository's node_modules,
 * copied once into a temp directory (so ESLint's default node_modules ignore does not apply).
 *
 * Packages are taken in a fixed order — the web frameworks and JWT libraries first (the code our
 * rules are about), then every other installed package alphabetically — until `target` files.
 * Files are kept when they are plain .js/.cjs/.mjs, not minified, small enough (any size up to
 * `maxBytesFirst` for those first packages, `maxBytes` for the filler, which keeps a lint run short
 * while the code our rules are about is there whole), and parse with
 * ESLint's own parser in the source type their package declares. CommonJS files land under cjs/,
 * ES modules under esm/, each as <package>/<path inside the package>.
 */
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { Linter } from 'eslint';

const FIRST = [
  'express',
  'koa',
  'fastify',
  'jsonwebtoken',
  'express-jwt',
  'koa-jwt',
  '@fastify/jwt',
  'fast-jwt',
  'body-parser',
  'router',
  'cors',
  'koa-compose',
  'cookies',
  '@fastify/websocket',
  'ws',
];

async function isDirectory(path) {
  try {
    const stat = await lstat(path);
    return stat.isDirectory() && !stat.isSymbolicLink();
  } catch {
    return false;
  }
}

/** Installed package names under `modules`, frameworks first; symlinks (our workspaces) skipped. */
async function packageNames(modules) {
  const names = [];
  for (const entry of (await readdir(modules)).sort()) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      if (entry === '@rebind-guard') continue;
      for (const sub of (await readdir(join(modules, entry))).sort()) {
        if (await isDirectory(join(modules, entry, sub))) names.push(`${entry}/${sub}`);
      }
    } else if (await isDirectory(join(modules, entry))) names.push(entry);
  }
  const first = FIRST.filter((name) => names.includes(name));
  return [...first, ...names.filter((name) => !first.includes(name))];
}

/** Files of a package, sorted, without nested node_modules or dot directories. */
async function packageFiles(root) {
  const files = [];
  const walk = async (dir) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(root);
  return files;
}

/** The module type of a .js file: the nearest package.json inside the package decides. */
async function moduleType(file, root, cache) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (!cache.has(dir)) {
      let type;
      try {
        const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
        type = manifest.type === 'module' ? 'module' : 'commonjs';
      } catch {
        type = undefined;
      }
      cache.set(dir, type);
    }
    const type = cache.get(dir);
    if (type !== undefined) return type;
    if (dir === root || dir === dirname(dir)) return 'commonjs';
  }
}

/**
 * Copies at least `target` parseable JS files into a fresh temp directory.
 * Returns { dir, files, bytes, lines, packages, skipped, remove() }.
 */
export async function buildCorpus({ modules, target = 2000, maxBytes = 6 * 1024, maxBytesFirst = 128 * 1024 }) {
  const dir = await mkdtemp(join(tmpdir(), 'rebind-guard-bench-corpus-'));
  const linter = new Linter({ configType: 'flat' });
  const packages = [];
  const skipped = { minified: 0, tooLarge: 0, parseError: 0 };
  let files = 0;
  let bytes = 0;
  let lines = 0;
  try {
    for (const name of await packageNames(modules)) {
      if (files >= target) break;
      const root = join(modules, name);
      const typeCache = new Map();
      const limit = FIRST.includes(name) ? maxBytesFirst : maxBytes;
      let taken = 0;
      for (const file of await packageFiles(root)) {
        if (files >= target) break;
        if (!/\.(c|m)?js$/.test(file)) continue;
        if (/\.min\.(c|m)?js$/.test(file)) {
          skipped.minified++;
          continue;
        }
        const text = await readFile(file, 'utf8');
        if (Buffer.byteLength(text) > limit) {
          skipped.tooLarge++;
          continue;
        }
        const sourceType = file.endsWith('.cjs')
          ? 'commonjs'
          : file.endsWith('.mjs')
            ? 'module'
            : await moduleType(file, root, typeCache);
        // A bare file name: the real path is inside node_modules, which Linter would ignore unparsed.
        const messages = linter.verify(
          text,
          [{ languageOptions: { ecmaVersion: 'latest', sourceType } }],
          'corpus-file.js',
        );
        if (messages.some((message) => message.fatal === true)) {
          skipped.parseError++;
          continue;
        }
        // Keep the .js extension (ESLint lints **/*.js, *.cjs, *.mjs by default); cjs/ is configured
        // as CommonJS by lint-worker.mjs, esm/ keeps the default (module).
        const destination = join(
          dir,
          sourceType === 'commonjs' ? 'cjs' : 'esm',
          name.replace('/', '__'),
          relative(root, file).split(sep).join('/'),
        );
        await mkdir(dirname(destination), { recursive: true });
        await copyFile(file, destination);
        files++;
        taken++;
        bytes += Buffer.byteLength(text);
        lines += text.split('\n').length;
      }
      if (taken > 0) packages.push({ name, files: taken });
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, files, bytes, lines, packages, skipped, remove: () => rm(dir, { recursive: true, force: true }) };
}
