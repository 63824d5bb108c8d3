#!/usr/bin/env node
/**
 * Replaces the bare module list TypeDoc writes to docs/api/index.md with an index a first-time
 * reader can choose from: one row per module with what it is (the package.json description; for a
 * subpath module, the first paragraph of its TSDoc) and where to start reading.
 *
 * Runs after TypeDoc in `docs:generate`. Generic over the modules TypeDoc wrote: a module without
 * a row here is still listed, with its TSDoc paragraph.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apiRoot = join(docsRoot, 'api');
const packagesRoot = resolve(docsRoot, '../packages');

/** Reading order, with the guide page to start from. */
const MODULES = [
  { name: '@rebind-guard/express', guide: '[Express quick start](../guide/express)' },
  { name: '@rebind-guard/koa', guide: '[Koa quick start](../guide/koa)' },
  { name: '@rebind-guard/fastify', guide: '[Fastify quick start](../guide/fastify)' },
  { name: '@rebind-guard/core', guide: '[Configuration](../reference/options)' },
  { name: '@rebind-guard/core/node', guide: '[WebSockets](../recipes/websockets)' },
  { name: '@rebind-guard/eslint-plugin', guide: '[ESLint rules](../rules/)' },
  { name: '@rebind-guard/cli', guide: '[The probe CLI](../guide/cli)' },
];

const index = join(apiRoot, 'index.md');
if (!existsSync(index)) throw new Error('api-index: docs/api/index.md is missing; run typedoc first.');
const listed = [...readFileSync(index, 'utf8').matchAll(/^- \[([^\]]+)\]\(([^)]+)\)$/gm)].map(
  (match) => match[1] ?? '',
);
if (listed.length === 0) throw new Error('api-index: no modules in the TypeDoc index; has its format changed?');

/** The module page's first paragraph (its TSDoc summary), on one line. */
function summary(name) {
  const page = readFileSync(join(apiRoot, name, 'index.md'), 'utf8');
  const paragraph =
    page
      .replace(/^# .*\n/, '')
      .trim()
      .split(/\n\s*\n/)[0] ?? '';
  return paragraph.startsWith('#') ? '' : paragraph.replace(/\s+/g, ' ').trim();
}

/** The package.json description of a package module (not of a subpath such as core/node). */
function description(name) {
  const folder = /^@rebind-guard\/([^/]+)$/.exec(name)?.[1];
  const manifest = folder === undefined ? undefined : join(packagesRoot, folder, 'package.json');
  if (manifest === undefined || !existsSync(manifest)) return summary(name);
  return JSON.parse(readFileSync(manifest, 'utf8')).description ?? summary(name);
}

const ordered = [
  ...MODULES.filter(({ name }) => listed.includes(name)),
  ...listed.filter((name) => !MODULES.some((entry) => entry.name === name)).map((name) => ({ name, guide: '' })),
];
const cell = (text) => text.replace(/\|/g, '\\|');
const rows = ordered.map(({ name, guide }) => `| [\`${name}\`](./${name}/) | ${cell(description(name))} | ${guide} |`);

writeFileSync(
  index,
  `# API reference

Generated from the TSDoc of each package's exports. Every export has an example; the guides
explain when to use which.

| Module | What it is | Start with |
|---|---|---|
${rows.join('\n')}
`,
);
console.log(`api-index: ${rows.length} modules -> ${index}`);
