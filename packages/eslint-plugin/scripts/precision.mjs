#!/usr/bin/env node
/**
 * Precision study of @rebind-guard/eslint-plugin on real code this project did not write.
 *
 *   node packages/eslint-plugin/scripts/precision.mjs            # print the summary
 *   node packages/eslint-plugin/scripts/precision.mjs --write    # also write docs/reference/lint-precision.md
 *   node packages/eslint-plugin/scripts/precision.mjs --list     # print every finding with its verdict
 *
 * Each corpus entry is a public GitHub repository at a recorded commit. Its files are read with
 * `git show <commit>:<path>` from a bare clone: `$REBIND_GUARD_MIRROR/<owner>+<name>/repo` when
 * that exists, else a blob-less clone fetched into `$REBIND_GUARD_PRECISION_CACHE` (default
 * `~/.cache/rebind-guard-precision`) at run time. No third-party code is kept in the repository.
 *
 * Every finding of the `recommended` and `strict` configs is looked up in precision-verdicts.json
 * (key: `<repo>@<commit 8>:<path>:<line>:<rule>`), where a person recorded whether it is a real
 * mistake (`tp`) or a false alarm (`fp`) and why. Findings without a verdict are listed as
 * unjudged and make the script exit with status 1, so a rule change that adds findings cannot
 * silently change the published numbers. Requires the plugin to be built (`npm run build`).
 * Not run by CI (it needs the network).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..');
const repoRoot = resolve(packageRoot, '../..');
const verdictsFile = join(here, 'precision-verdicts.json');
const pageFile = join(repoRoot, 'docs/reference/lint-precision.md');

/**
 * The corpus: kinds of real code the rules are meant for. `include` limits an entry to the
 * directories (or files) that are servers; everything else in those repositories is tooling.
 */
export const CORPUS = [
  {
    repo: 'modelcontextprotocol/typescript-sdk',
    commit: 'e6c71bbab1dff7bf0c84eee96e74ef87f82a1dbe',
    label: 'v1.23.0',
    kind: 'MCP SDK server examples (before DNS-rebinding protection was on by default)',
    include: ['src/examples/server/'],
  },
  {
    repo: 'modelcontextprotocol/typescript-sdk',
    commit: '356b7e61c83af723a0b7ad67d8193de70a5f03ca',
    label: 'v1.24.0',
    kind: 'MCP SDK server examples (after the fix)',
    include: ['src/examples/server/'],
  },
  {
    repo: 'modelcontextprotocol/typescript-sdk',
    commit: '3924de99df834302d89f5997a1b64ca268282284',
    label: 'v2 main',
    kind: 'MCP SDK v2 examples (split packages)',
    include: ['examples/'],
  },
  {
    repo: 'modelcontextprotocol/inspector',
    commit: '798bc1b7933dd29275121e8a4cf2284b45270bb9',
    label: '0.14.0',
    kind: 'MCP Inspector proxy server, vulnerable release (CVE-2025-49596)',
    include: ['server/src/'],
  },
  {
    repo: 'modelcontextprotocol/inspector',
    commit: '86d5f58ec8c369839b8237455ad8b1c17b15a984',
    label: 'main',
    kind: 'MCP Inspector web server, current',
    include: ['clients/web/server/'],
  },
  {
    repo: 'modelcontextprotocol/servers',
    commit: '76d64c822f5125032f89eb71dbdb94e42b434821',
    label: 'main',
    kind: 'MCP reference servers',
    include: ['src/'],
  },
  {
    repo: 'koajs/examples',
    commit: '40c77dbecec617361b6683bd2bd7ec4c6afae745',
    label: 'master',
    kind: 'Koa examples',
    include: [''],
  },
  {
    repo: 'expressjs/express',
    commit: 'a3714473feb3d2908add734d340e7755fd85e0a3',
    label: 'master',
    kind: 'Express examples',
    include: ['examples/'],
  },
  {
    repo: 'fastify/fastify',
    commit: '83e69762aff047940b376fc2a266d143499ef727',
    label: 'main',
    kind: 'Fastify examples',
    include: ['examples/'],
  },
  {
    repo: 'gothinkster/node-express-realworld-example-app',
    commit: '30b68e1e881462b2f4164ea09ab4c4f5699c7b0b',
    label: 'master',
    kind: 'RealWorld Express backend (JWT)',
    include: [''],
  },
  {
    repo: 'gothinkster/koa-knex-realworld-example',
    commit: '602e234139c453825eb3939cf24bdf00fc164e0e',
    label: 'master',
    kind: 'RealWorld Koa backend (JWT)',
    include: [''],
  },
  {
    repo: 'hagopj13/node-express-boilerplate',
    commit: '179ae84efec61b14206d0305d941daed6c6d07f9',
    label: 'master',
    kind: 'Express boilerplate (passport-jwt, env config)',
    include: [''],
  },
  {
    repo: 'danielfsousa/express-rest-boilerplate',
    commit: 'b8bed6d7cfce3cf2ef89ec1b5e47b52dfc50e874',
    label: 'master',
    kind: 'Express REST boilerplate (JWT)',
    include: [''],
  },
  {
    repo: 'facebook/create-react-app',
    commit: '6254386531d263688ccfa542d0e628fbc0de0b28',
    label: 'main',
    kind: 'Dev-server configuration (react-scripts webpack-dev-server config and start script)',
    include: ['packages/react-scripts/config/', 'packages/react-scripts/scripts/'],
  },
  {
    repo: 'webpack/webpack-dev-server',
    commit: 'f78499fbb2f3cdb32f00894dd2535b997ae13104',
    label: 'main',
    kind: 'Dev-server configuration examples',
    include: ['examples/'],
  },
  {
    repo: 'juice-shop/juice-shop',
    commit: '33518f5a0911e25d9df747b1e70fb7af279a755c',
    label: 'master',
    kind: 'Deliberately vulnerable app (OWASP Juice Shop)',
    include: ['server.ts', 'app.ts', 'routes/', 'lib/'],
  },
];

const SOURCE = /\.(?:[cm]?js|[cm]?ts)$/u;
const SKIP = /(?:^|\/)(?:node_modules|dist|build|coverage|vendor)\/|\.d\.[cm]?ts$|\.min\.js$/u;

function git(gitDir, args) {
  return execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** A bare git directory holding `entry.commit`: the local mirror, or a blob-less clone made now. */
function gitDirFor(entry) {
  const mirrorRoot = process.env.REBIND_GUARD_MIRROR ?? '/work/.mirror';
  const mirror = join(mirrorRoot, `${entry.repo.replace('/', '+')}`, 'repo');
  const cacheRoot = process.env.REBIND_GUARD_PRECISION_CACHE ?? join(homedir(), '.cache/rebind-guard-precision');
  const cache = join(cacheRoot, `${entry.repo.replace('/', '+')}.git`);
  for (const candidate of [mirror, cache]) {
    if (!existsSync(candidate)) continue;
    try {
      git(candidate, ['cat-file', '-e', `${entry.commit}^{commit}`]);
      return candidate;
    } catch {
      // commit not in this copy: try the next one / fetch it
    }
  }
  mkdirSync(cacheRoot, { recursive: true });
  if (!existsSync(cache)) {
    execFileSync('git', ['clone', '--bare', '--filter=blob:none', `https://github.com/${entry.repo}.git`, cache], {
      stdio: 'inherit',
    });
  }
  git(cache, ['fetch', '--filter=blob:none', 'origin', entry.commit]);
  return cache;
}

function loadVerdicts() {
  return existsSync(verdictsFile) ? JSON.parse(readFileSync(verdictsFile, 'utf8')) : {};
}

async function loadPlugin() {
  const entry = join(packageRoot, 'dist/index.js');
  if (!existsSync(entry))
    throw new Error('dist/index.js is missing: run `npm run build -w @rebind-guard/eslint-plugin` first');
  return (await import(pathToFileURL(entry).href)).default;
}

function configFor(plugin, name, typescript) {
  const config = plugin.configs[name];
  return [
    {
      files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.ts', '**/*.cts', '**/*.mts'],
      plugins: config.plugins,
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module', ...(typescript ? { parser: tsParser } : {}) },
      // The project's own eslint-disable comments and inline configs are not ours to honour.
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
      rules: config.rules,
    },
  ];
}

/** Lints one corpus entry with both configs. */
function lintEntry(plugin, entry) {
  const gitDir = gitDirFor(entry);
  const files = git(gitDir, ['ls-tree', '-r', '--name-only', entry.commit])
    .split('\n')
    .filter((file) => SOURCE.test(file) && !SKIP.test(file) && entry.include.some((prefix) => file.startsWith(prefix)));
  const name = entry.repo.replace('/', '+');
  const cwd = join('/corpus', name);
  const linter = new Linter({ configType: 'flat', cwd });
  const findings = [];
  let parsed = 0;
  for (const file of files) {
    const code = git(gitDir, ['show', `${entry.commit}:${file}`]);
    const typescript = /\.[cm]?ts$/u.test(file);
    let ok = true;
    for (const configName of ['recommended', 'strict']) {
      const messages = linter.verify(code, configFor(plugin, configName, typescript), { filename: join(cwd, file) });
      if (
        messages.some(
          (message) =>
            message.fatal === true ||
            (message.ruleId === null && message.message.startsWith('No matching configuration')),
        )
      ) {
        ok = false;
        continue;
      }
      for (const message of messages) {
        if (message.ruleId === null || !message.ruleId.startsWith('@rebind-guard/')) continue;
        findings.push({
          config: configName,
          rule: message.ruleId.replace('@rebind-guard/', ''),
          file,
          line: message.line,
          message: message.message,
          key: `${entry.repo}@${entry.commit.slice(0, 8)}:${file}:${message.line}:${message.ruleId.replace('@rebind-guard/', '')}`,
        });
      }
    }
    if (ok) parsed += 1;
  }
  return { entry, files: files.length, parsed, findings };
}

function percent(tp, fp) {
  return tp + fp === 0 ? '–' : `${((100 * tp) / (tp + fp)).toFixed(1)}%`;
}

function tally(findings, verdicts) {
  let tp = 0;
  let fp = 0;
  let unjudged = 0;
  for (const finding of findings) {
    const verdict = verdicts[finding.key]?.verdict;
    if (verdict === 'tp') tp += 1;
    else if (verdict === 'fp') fp += 1;
    else unjudged += 1;
  }
  return { tp, fp, unjudged };
}

function render(results, verdicts, rules) {
  const all = results.flatMap((result) => result.findings);
  const lines = [];
  lines.push('# Lint rule precision on real code', '');
  lines.push(
    'How often a finding of `@rebind-guard/eslint-plugin` is a real mistake, measured by running the',
    "plugin's `recommended` and `strict` configs over open-source servers this project did not write.",
    'This page is generated by `packages/eslint-plugin/scripts/precision.mjs --write`, which reads each',
    'repository at the commit below (fetched at run time; no third-party code is kept in this',
    'repository) and looks every finding up in `scripts/precision-verdicts.json`, where each one was',
    'judged by reading the code: **TP** (a real mistake the rule describes) or **FP** (a false alarm).',
    '',
  );
  lines.push('## Summary', '', '| config | findings | TP | FP | precision |', '|---|---:|---:|---:|---:|');
  for (const config of ['recommended', 'strict']) {
    const t = tally(
      all.filter((finding) => finding.config === config),
      verdicts,
    );
    lines.push(`| \`${config}\` | ${t.tp + t.fp + t.unjudged} | ${t.tp} | ${t.fp} | ${percent(t.tp, t.fp)} |`);
  }
  lines.push('', '## Per rule', '');
  lines.push(
    '| rule | `recommended` findings | TP | FP | precision | `strict` findings | TP | FP | precision |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const rule of rules) {
    const cells = ['recommended', 'strict'].map((config) => {
      const inConfig = all.filter((finding) => finding.config === config && finding.rule === rule.name);
      if (config === 'recommended' && !rule.recommended) return 'not in config | | |';
      const t = tally(inConfig, verdicts);
      return `${t.tp + t.fp + t.unjudged} | ${t.tp} | ${t.fp} | ${percent(t.tp, t.fp)}`;
    });
    lines.push(`| [\`${rule.name}\`](/rules/${rule.name}) | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    '## Corpus',
    '',
    '| repository | commit | kind of code | files | parsed | findings (strict) |',
    '|---|---|---|---:|---:|---:|',
  );
  for (const result of results) {
    const { entry } = result;
    const strict = result.findings.filter((finding) => finding.config === 'strict').length;
    lines.push(
      `| [${entry.repo}](https://github.com/${entry.repo}/tree/${entry.commit}) | \`${entry.commit.slice(0, 8)}\` (${entry.label}) | ${entry.kind} | ${result.files} | ${result.parsed} | ${strict} |`,
    );
  }
  lines.push(
    '',
    'Files are the `.js`/`.cjs`/`.mjs`/`.ts` sources under the listed paths (no `node_modules`,',
    'build output or `.d.ts`); "parsed" counts the files both parsers could read (JSX/TSX and',
    'syntax errors are skipped).',
    '',
  );
  const strictFindings = all.filter((finding) => finding.config === 'strict');
  const falseAlarms = strictFindings.filter((finding) => verdicts[finding.key]?.verdict === 'fp');
  lines.push('## False positives', '');
  if (falseAlarms.length === 0) lines.push('None in this corpus.', '');
  else {
    lines.push('| rule | where | why it is a false alarm |', '|---|---|---|');
    for (const finding of falseAlarms) {
      lines.push(
        `| \`${finding.rule}\` | \`${finding.key.split(':').slice(0, 3).join(':')}\` | ${verdicts[finding.key].note} |`,
      );
    }
    lines.push('');
  }
  lines.push('## True positives', '', '| rule | where | what is wrong |', '|---|---|---|');
  for (const finding of strictFindings.filter((candidate) => verdicts[candidate.key]?.verdict === 'tp')) {
    lines.push(
      `| \`${finding.rule}\` | \`${finding.key.split(':').slice(0, 3).join(':')}\` | ${verdicts[finding.key].note} |`,
    );
  }
  lines.push(
    '',
    '## Known limits',
    '',
    '- Precision only: a finding the rules miss does not show here. Misses found while reading this',
    '  corpus become rule test cases (written here, in the same shape) and are listed in each rule',
    '  doc under "What this rule does not catch".',
    '- The corpus is small and biased towards examples and boilerplates, where a missing Host check',
    '  is common; production services with a reverse proxy in front are under-represented. Several',
    '  rules (substring and regex origin checks, `jwt.decode` for auth, `none`) found nothing here,',
    '  and `no-host-check-bypass` found one: their precision is not measured by this corpus, only by',
    '  their tests.',
    "- Example apps that import their framework by a relative path (`require('../../')` in the",
    '  Express and Fastify repositories) are not recognised as apps, so those examples yield nothing.',
    '- `strict` adds wildcard CORS without credentials, which is a real exposure for unauthenticated',
    '  local services (MCP servers, dev tools) and a false alarm for public APIs authenticated by',
    '  Bearer tokens; the rule cannot tell them apart, which is why `recommended` leaves it out.',
    "- A verdict is one reader's judgement of the code at that commit, recorded with its reason in",
    '  `precision-verdicts.json`; example servers that bind to loopback count as true positives for',
    '  `require-host-validation`, because binding to `127.0.0.1` does not stop DNS rebinding.',
    '',
  );
  return lines.join('\n');
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const plugin = await loadPlugin();
  const verdicts = loadVerdicts();
  const results = CORPUS.map((entry) => {
    process.stderr.write(`linting ${entry.repo}@${entry.label}\n`);
    return lintEntry(plugin, entry);
  });
  const rules = Object.entries(plugin.rules)
    .map(([name, rule]) => ({ name, recommended: rule.meta.docs?.recommended === true }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const all = results.flatMap((result) => result.findings);
  for (const config of ['recommended', 'strict']) {
    const t = tally(
      all.filter((finding) => finding.config === config),
      verdicts,
    );
    process.stdout.write(
      `${config}: ${t.tp + t.fp + t.unjudged} findings, ${t.tp} TP, ${t.fp} FP, ${t.unjudged} unjudged, precision ${percent(t.tp, t.fp)}\n`,
    );
  }
  const files = results.reduce((sum, result) => sum + result.files, 0);
  process.stdout.write(`${files} files in ${results.length} corpus entries\n`);
  for (const result of results) {
    process.stdout.write(
      `  ${result.entry.repo}@${result.entry.label}: ${result.files} files, ${result.parsed} parsed, ${result.findings.length} findings\n`,
    );
  }
  const seen = new Set();
  const unjudged = [];
  for (const finding of all) {
    if (seen.has(finding.key)) continue;
    seen.add(finding.key);
    const verdict = verdicts[finding.key];
    if (args.has('--list') || verdict === undefined) {
      process.stdout.write(`${verdict?.verdict ?? 'UNJUDGED'} ${finding.key} ${finding.message}\n`);
    }
    if (verdict === undefined) unjudged.push(finding.key);
  }
  if (args.has('--write')) writeFileSync(pageFile, render(results, verdicts, rules));
  if (unjudged.length > 0) {
    process.stderr.write(`${unjudged.length} findings have no verdict in scripts/precision-verdicts.json\n`);
    process.exitCode = 1;
  }
}

await main();
