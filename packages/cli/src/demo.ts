/**
 * `rebind-guard demo` (what `npm start` runs): the example API in Express, Koa and Fastify,
 * unprotected and protected, linted and probed on loopback, summarised side by side.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runProbe } from './probe/engine.js';
import { loadSpec } from './probe/openapi.js';
import type { ProbeReport, Verdict } from './probe/types.js';
import type { Style } from './report/human.js';

/** Directory of the example apps shipped with the package. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));

/** The host name the example API answers to (the seed's VALID_HOSTS); the demo connects to 127.0.0.1. */
const API_URL = 'http://api.example.com/';
const TRUSTED_ORIGIN = 'https://app.example.com';

/**
 * Options of {@link runDemo}.
 *
 * @example
 * ```ts
 * import { createStyle, runDemo, type DemoOptions } from '@rebind-guard/cli';
 * const options: DemoOptions = { frameworks: ['express'], lint: false, out: process.stdout, style: createStyle(false) };
 * await runDemo(options);
 * ```
 */
export interface DemoOptions {
  readonly frameworks?: readonly string[] | undefined;
  readonly lint?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
  readonly out: { write(text: string): unknown };
  readonly style: Style;
  readonly onProgress?: ((done: number, total: number, label: string) => void) | undefined;
}

/**
 * One lint finding in an example source.
 *
 * @example
 * ```ts
 * import { createStyle, runDemo, type LintFinding } from '@rebind-guard/cli';
 * const { lint } = await runDemo({ out: { write: () => true }, style: createStyle(false) });
 * const findings: readonly LintFinding[] = lint ?? [];
 * for (const f of findings) console.log(`${f.file}:${f.line}:${f.column} ${f.ruleId}`);
 * ```
 */
export interface LintFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly ruleId: string;
  readonly message: string;
}

/**
 * One probed server of the demo.
 *
 * @example
 * ```ts
 * import { createStyle, runDemo, type DemoRun } from '@rebind-guard/cli';
 * const { runs } = await runDemo({ lint: false, out: { write: () => true }, style: createStyle(false) });
 * const unprotected: DemoRun[] = runs.filter((run) => run.variant === 'unprotected');
 * for (const run of unprotected) console.log(run.framework, run.report.summary.accepted);
 * ```
 */
export interface DemoRun {
  readonly framework: string;
  readonly variant: 'unprotected' | 'protected';
  readonly report: ProbeReport;
}

/**
 * What the demo found.
 *
 * @example
 * ```ts
 * import { createStyle, runDemo, type DemoResult } from '@rebind-guard/cli';
 * const result: DemoResult = await runDemo({ out: process.stdout, style: createStyle(false) });
 * console.log(`${result.runs.length} servers probed in ${result.durationMs} ms`);
 * ```
 */
export interface DemoResult {
  readonly lint: readonly LintFinding[] | undefined;
  readonly runs: readonly DemoRun[];
  readonly durationMs: number;
}

interface ExampleModule {
  createApp(options?: { secret?: string }): unknown;
  SECRET_KEY?: string;
  AUDIENCE: string;
}

interface Running {
  readonly port: number;
  close(): Promise<void>;
}

function listen(handler: RequestListener): Promise<Running> {
  const server: Server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => {
            done();
          });
        }),
      });
    });
  });
}

async function start(framework: string, app: unknown): Promise<Running> {
  if (framework === 'express') return listen(app as RequestListener);
  if (framework === 'koa') return listen((app as { callback(): RequestListener }).callback());
  const fastify = app as { listen(options: { port: number; host: string }): Promise<string>; server: Server; close(): Promise<void> };
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { port: (fastify.server.address() as AddressInfo).port, close: () => fastify.close() };
}

/** Lints the example sources with the plugin's `recommended` config. */
export async function lintExamples(frameworks: readonly string[]): Promise<LintFinding[]> {
  // Loaded lazily: `rebind-guard probe` should not pay for ESLint's start-up.
  const [{ ESLint }, { default: rebindGuardPlugin }] = await Promise.all([import('eslint'), import('@rebind-guard/eslint-plugin')]);
  const eslint = new ESLint({
    cwd: EXAMPLES_DIR,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.js'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
      rebindGuardPlugin.configs.recommended,
    ],
  });
  const files = frameworks.flatMap((framework) => [`${framework}/unprotected.js`, `${framework}/protected.js`]);
  const results = await eslint.lintFiles(files);
  const findings: LintFinding[] = [];
  for (const result of results) {
    const file = result.filePath.slice(EXAMPLES_DIR.length).replaceAll('\\', '/');
    for (const message of result.messages) {
      findings.push({ file, line: message.line, column: message.column, ruleId: message.ruleId ?? '(parse error)', message: message.message });
    }
  }
  return findings;
}

const CELL: Readonly<Record<Verdict, string>> = { accepted: 'ACCEPTED', blocked: 'blocked', inconclusive: 'n/a', error: 'error' };

function paint(style: Style, verdict: Verdict | undefined, text: string): string {
  if (verdict === 'accepted') return style.red(style.bold(text));
  if (verdict === 'blocked') return style.green(text);
  if (verdict === 'error') return style.yellow(text);
  return style.dim(text);
}

/** The side-by-side table: one row per probe and route, one column per framework and variant. */
export function formatTable(runs: readonly DemoRun[], style: Style): string {
  const rows: { key: string; label: string }[] = [];
  for (const run of runs) {
    for (const result of run.report.results) {
      const key = `${result.id} ${result.operation}`;
      if (!rows.some((row) => row.key === key)) rows.push({ key, label: `${result.id.padEnd(24)} ${result.operation}` });
    }
  }
  const labelWidth = Math.max(10, ...rows.map((row) => row.label.length));
  const frameworks = [...new Set(runs.map((run) => run.framework))];
  const cellWidth = 11;
  const lines: string[] = [];
  lines.push(`${''.padEnd(labelWidth)}  ${frameworks.map((framework) => framework.padEnd(cellWidth * 2 + 1)).join('  ')}`.trimEnd());
  lines.push(`${'probe / route'.padEnd(labelWidth)}  ${frameworks.map(() => `${'before'.padEnd(cellWidth)} ${'after'.padEnd(cellWidth)}`).join('  ')}`.trimEnd());
  lines.push(`${'-'.repeat(labelWidth)}  ${frameworks.map(() => `${'-'.repeat(cellWidth)} ${'-'.repeat(cellWidth)}`).join('  ')}`);
  for (const row of rows) {
    const cells = frameworks.map((framework) =>
      (['unprotected', 'protected'] as const)
        .map((variant) => {
          const run = runs.find((candidate) => candidate.framework === framework && candidate.variant === variant);
          const result = run?.report.results.find((candidate) => `${candidate.id} ${candidate.operation}` === row.key);
          const text = (result === undefined ? '-' : CELL[result.verdict]).padEnd(cellWidth);
          return paint(style, result?.verdict, text);
        })
        .join(' '),
    );
    lines.push(`${row.label.padEnd(labelWidth)}  ${cells.join('  ')}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the demo: lint, start, probe, print. Resolves when every server is closed again.
 *
 * @example
 * ```ts
 * import { runDemo, createStyle } from '@rebind-guard/cli';
 * await runDemo({ out: process.stdout, style: createStyle(false) });
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const { out, style } = options;
  const frameworks = options.frameworks ?? ['express', 'koa', 'fastify'];
  out.write(`${style.bold('rebind-guard demo')}: the example API (GET /protected, POST /admin/delete, Bearer JWT auth) in ${frameworks.join(', ')},\n`);
  out.write('unprotected (ported faithfully from the Flask original, mistakes included) and protected by rebind-guard.\n');
  out.write(`Sources: ${EXAMPLES_DIR}<framework>/{unprotected,protected}.js — everything runs on 127.0.0.1.\n\n`);

  let lint: LintFinding[] | undefined;
  if (options.lint !== false) {
    lint = await lintExamples(frameworks);
    out.write(style.bold(`1. Lint (@rebind-guard/eslint-plugin, recommended config): ${lint.length} findings\n`));
    for (const framework of frameworks) {
      for (const variant of ['unprotected', 'protected']) {
        const file = `${framework}/${variant}.js`;
        const mine = lint.filter((finding) => finding.file === file);
        out.write(`   ${file}: ${mine.length === 0 ? style.green('no findings') : style.red(`${mine.length} finding${mine.length === 1 ? '' : 's'}`)}\n`);
        for (const finding of mine) out.write(`     ${style.dim(`${finding.line}:${finding.column}`)}  ${finding.ruleId}  ${finding.message}\n`);
      }
    }
    out.write('\n');
  }

  const spec = await loadSpec(join(EXAMPLES_DIR, 'openapi.yaml'));
  const runs: DemoRun[] = [];
  const total = frameworks.length * 2;
  for (const framework of frameworks) {
    for (const variant of ['unprotected', 'protected'] as const) {
      options.onProgress?.(runs.length, total, `probing ${framework} ${variant}`);
      const module = (await import(pathToFileURL(join(EXAMPLES_DIR, framework, `${variant}.js`)).href)) as ExampleModule;
      const secret = variant === 'unprotected' ? (module.SECRET_KEY ?? '') : randomBytes(32).toString('base64url');
      const app = await module.createApp(variant === 'protected' ? { secret } : undefined);
      const server = await start(framework, app);
      try {
        const report = await runProbe({
          url: API_URL,
          connect: `127.0.0.1:${server.port}`,
          openapi: spec,
          key: secret,
          audience: module.AUDIENCE,
          origins: [TRUSTED_ORIGIN],
          // The demo's own throwaway servers: the state-changing probes are what it is about.
          unsafe: true,
          timeoutMs: options.timeoutMs,
        });
        runs.push({ framework, variant, report });
      } finally {
        await server.close();
      }
    }
  }
  options.onProgress?.(total, total, 'done');

  out.write(style.bold(`${options.lint === false ? '1' : '2'}. Probe (rebind-guard probe ${API_URL} --openapi examples/openapi.yaml --connect 127.0.0.1:<port>): before = unprotected, after = protected\n\n`));
  out.write(formatTable(runs, style));
  out.write(`\n${style.dim('ACCEPTED = the attack got through (2xx/3xx); blocked = 4xx or connection closed; n/a = the legitimate control request failed too, so the probe proves nothing there (e.g. no WebSocket endpoint).')}\n\n`);
  for (const run of runs) {
    const { summary } = run.report;
    const verdict = summary.vulnerable ? style.red(`${summary.accepted} attacks got through`) : style.green('nothing got through');
    out.write(`   ${`${run.framework} ${run.variant}`.padEnd(22)} ${verdict} (${summary.blocked} blocked, ${summary.inconclusive} n/a)\n`);
  }
  const specFindings = runs.flatMap((run) => (run.report.spec?.findings ?? []).map((finding) => `${run.framework} ${run.variant}: ${finding.message}`));
  for (const finding of specFindings) out.write(`   ${style.yellow('!')} ${finding}\n`);
  const durationMs = Date.now() - started;
  out.write(`\nDone in ${(durationMs / 1000).toFixed(1)} s. Fix pages: https://rebind-guard.dev/reference/result-codes — probe your own server with: rebind-guard probe <url> --help\n`);
  return { lint, runs, durationMs };
}
