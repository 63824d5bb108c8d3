/**
 * The demo (what `npm start` runs): the example API in Express, Koa and Fastify — with no checks,
 * as ported from the Flask original, and protected by rebind-guard — linted and probed on
 * loopback, summarised side by side.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSpec, runProbe, type ProbeReport, type Style, type Verdict } from '@rebind-guard/cli';

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
 * import { createStyle } from '@rebind-guard/cli';
 * import { runDemo, type DemoOptions } from '@rebind-guard/demo';
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
 * import { createStyle } from '@rebind-guard/cli';
 * import { runDemo, type LintFinding } from '@rebind-guard/demo';
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
 * The three versions of the example API: `naive` has no checks at all (how most local tools are
 * written), `unprotected` is the faithful port of the Flask original with its hand-written checks
 * and their mistakes, `protected` uses rebind-guard.
 *
 * @example
 * ```ts
 * import type { Variant } from '@rebind-guard/demo';
 * const order: Variant[] = ['naive', 'unprotected', 'protected'];
 * ```
 */
export type Variant = 'naive' | 'unprotected' | 'protected';

/** The variants in the order the demo runs and prints them. */
export const VARIANTS: readonly Variant[] = ['naive', 'unprotected', 'protected'];

/**
 * One probed server of the demo.
 *
 * @example
 * ```ts
 * import { createStyle } from '@rebind-guard/cli';
 * import { runDemo, type DemoRun } from '@rebind-guard/demo';
 * const { runs } = await runDemo({ lint: false, out: { write: () => true }, style: createStyle(false) });
 * const unprotected: DemoRun[] = runs.filter((run) => run.variant !== 'protected');
 * for (const run of unprotected) console.log(run.framework, run.report.summary.accepted);
 * ```
 */
export interface DemoRun {
  readonly framework: string;
  readonly variant: Variant;
  readonly report: ProbeReport;
}

/**
 * What the demo found.
 *
 * @example
 * ```ts
 * import { createStyle } from '@rebind-guard/cli';
 * import { runDemo, type DemoResult } from '@rebind-guard/demo';
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
        close: () =>
          new Promise<void>((done) => {
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
  const fastify = app as {
    listen(options: { port: number; host: string }): Promise<string>;
    server: Server;
    close(): Promise<void>;
  };
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  return { port: (fastify.server.address() as AddressInfo).port, close: () => fastify.close() };
}

/** Lints the example sources with the plugin's `recommended` config. */
export async function lintExamples(frameworks: readonly string[]): Promise<LintFinding[]> {
  // Loaded lazily: `rebind-guard probe` should not pay for ESLint's start-up.
  const [{ ESLint }, { default: rebindGuardPlugin }] = await Promise.all([
    import('eslint'),
    import('@rebind-guard/eslint-plugin'),
  ]);
  const eslint = new ESLint({
    cwd: EXAMPLES_DIR,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.js'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
      rebindGuardPlugin.configs.recommended,
    ],
  });
  const files = frameworks.flatMap((framework) => VARIANTS.map((variant) => `${framework}/${variant}.js`));
  const results = await eslint.lintFiles(files);
  const findings: LintFinding[] = [];
  for (const result of results) {
    const file = result.filePath.slice(EXAMPLES_DIR.length).replaceAll('\\', '/');
    for (const message of result.messages) {
      findings.push({
        file,
        line: message.line,
        column: message.column,
        ruleId: message.ruleId ?? '(parse error)',
        message: message.message,
      });
    }
  }
  return findings;
}

const CELL: Readonly<Record<Verdict, string>> = {
  accepted: 'ACCEPTED',
  blocked: 'blocked',
  inconclusive: 'n/a',
  error: 'error',
};
const HEADING: Readonly<Record<Variant, string>> = {
  naive: 'no checks',
  unprotected: 'Flask port',
  protected: 'rebind-guard',
};
/** The widest line the demo prints. */
export const DEMO_WIDTH = 100;

function paint(style: Style, verdict: Verdict | undefined, text: string): string {
  if (verdict === 'accepted') return style.red(style.bold(text));
  if (verdict === 'blocked') return style.green(text);
  if (verdict === 'error') return style.yellow(text);
  return style.dim(text);
}

/**
 * The side-by-side table: one row per probe and route, one column per variant. A cell shows the
 * verdict when every framework agrees, else each framework's initial and verdict (`e:ACC k:blk`).
 * At most {@link DEMO_WIDTH} columns.
 */
export function formatTable(runs: readonly DemoRun[], style: Style): string {
  const rows: { key: string; id: string; operation: string }[] = [];
  for (const run of runs) {
    for (const result of run.report.results) {
      const key = `${result.id} ${result.operation}`;
      if (!rows.some((row) => row.key === key)) rows.push({ key, id: result.id, operation: result.operation });
    }
  }
  // The DNS rebinding itself goes first; rows where every server was n/a say nothing and are left out.
  rows.sort((a, b) => Number(b.id === 'host-foreign') - Number(a.id === 'host-foreign'));
  const verdictsOf = (key: string): (Verdict | undefined)[] =>
    runs.map((run) => run.report.results.find((result) => `${result.id} ${result.operation}` === key)?.verdict);
  const silent = rows.filter((row) =>
    verdictsOf(row.key).every((verdict) => verdict !== 'accepted' && verdict !== 'blocked'),
  );
  for (const row of silent) rows.splice(rows.indexOf(row), 1);
  const idWidth = Math.max(5, ...rows.map((row) => row.id.length));
  const operationWidth = Math.max(5, ...rows.map((row) => row.operation.length));
  const variants = VARIANTS.filter((variant) => runs.some((run) => run.variant === variant));
  const cellWidth = Math.max(
    12,
    Math.floor((DEMO_WIDTH - idWidth - operationWidth - 2) / Math.max(1, variants.length)) - 1,
  );
  const frameworks = [...new Set(runs.map((run) => run.framework))];
  const cell = (row: (typeof rows)[number], variant: Variant): string => {
    const verdicts = frameworks.map(
      (framework) =>
        runs
          .find((run) => run.framework === framework && run.variant === variant)
          ?.report.results.find((result) => `${result.id} ${result.operation}` === row.key)?.verdict,
    );
    const [first] = verdicts;
    if (verdicts.every((verdict) => verdict === first))
      return paint(style, first, (first === undefined ? '-' : CELL[first]).padEnd(cellWidth));
    const text = frameworks
      .map(
        (framework, index) =>
          `${framework.charAt(0)}:${(verdicts[index] === undefined ? '-' : CELL[verdicts[index]]).slice(0, 3)}`,
      )
      .join(' ');
    return paint(style, verdicts.includes('accepted') ? 'accepted' : undefined, text.padEnd(cellWidth));
  };
  const lines: string[] = [];
  const label = (id: string, operation: string): string => `${id.padEnd(idWidth)} ${operation.padEnd(operationWidth)}`;
  lines.push(
    `${label('probe', 'route')} ${variants.map((variant) => HEADING[variant].padEnd(cellWidth)).join(' ')}`.trimEnd(),
  );
  lines.push(
    `${'-'.repeat(idWidth)} ${'-'.repeat(operationWidth)} ${variants.map(() => '-'.repeat(cellWidth)).join(' ')}`,
  );
  for (const row of rows)
    lines.push(`${label(row.id, row.operation)} ${variants.map((variant) => cell(row, variant)).join(' ')}`.trimEnd());
  if (silent.length > 0)
    lines.push(
      ...wrapLine(style.dim(`Left out, n/a on every server: ${silent.map((row) => row.key).join(', ')}.`), ''),
    );
  return `${lines.join('\n')}\n`;
}

/**
 * Wraps `text` at spaces to {@link DEMO_WIDTH} columns, keeping its leading spaces; continuation
 * lines start with `indent`.
 */
export function wrapLine(text: string, indent: string): string[] {
  const lines: string[] = [];
  let current = /^ */.exec(text)?.[0] ?? '';
  for (const word of text.trimStart().split(' ')) {
    const fresh = current.trim() === '';
    if (!fresh && current.length + 1 + word.length > DEMO_WIDTH) {
      lines.push(current);
      current = indent + word;
    } else current = fresh ? current + word : `${current} ${word}`;
  }
  lines.push(current);
  return lines;
}

/** What DNS rebinding is, in five plain lines: the demo's opening. */
export const INTRO = [
  'DNS rebinding in five lines: you open a web page on attacker.example. Its DNS answer then',
  "changes to 127.0.0.1, so the page's own scripts now reach a server on YOUR machine, and the",
  'browser still calls it "attacker.example": same origin, no CORS, no warning. Every request',
  'carries Host: attacker.example. A server that does not check Host answers it, and the page',
  'reads its data and changes it. Below, the same API three ways, attacked exactly like that.',
];

/**
 * Runs the demo: lint, start, probe, print. Resolves when every server is closed again.
 *
 * @example
 * ```ts
 * import { createStyle } from '@rebind-guard/cli';
 * import { runDemo } from '@rebind-guard/demo';
 * await runDemo({ out: process.stdout, style: createStyle(false) });
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const { out, style } = options;
  const frameworks = options.frameworks ?? ['express', 'koa', 'fastify'];
  const write = (text: string, indent = '  '): void => {
    for (const line of wrapLine(text, indent)) out.write(`${line}\n`);
  };
  out.write(`${style.bold('rebind-guard demo')}\n\n`);
  for (const line of INTRO) out.write(`${line}\n`);
  out.write('\n');
  write(
    `The example API (GET /protected, POST /admin/delete, Bearer JWT auth) in ${frameworks.join(', ')}: with no checks at all ("no checks"), ported faithfully from a Flask original, mistakes included ("Flask port"), and protected by rebind-guard. Sources: ${EXAMPLES_DIR}<framework>/{naive,unprotected,protected}.js. Everything runs on 127.0.0.1.`,
  );
  out.write('\n');

  let lint: LintFinding[] | undefined;
  if (options.lint !== false) {
    lint = await lintExamples(frameworks);
    out.write(style.bold(`1. Lint (@rebind-guard/eslint-plugin, recommended config): ${lint.length} findings\n`));
    for (const framework of frameworks) {
      for (const variant of VARIANTS) {
        const file = `${framework}/${variant}.js`;
        const mine = lint.filter((finding) => finding.file === file);
        out.write(
          `   ${file}: ${mine.length === 0 ? style.green('no findings') : style.red(`${mine.length} finding${mine.length === 1 ? '' : 's'}`)}\n`,
        );
        for (const finding of mine) {
          const position = `${finding.line}:${finding.column}`;
          const [first = '', ...more] = wrapLine(
            `     ${position}  ${finding.ruleId}  ${finding.message}`,
            ' '.repeat(7 + position.length),
          );
          out.write(`${first.replace(position, style.dim(position))}\n`);
          for (const line of more) out.write(`${line}\n`);
        }
      }
    }
    out.write('\n');
  }

  const spec = await loadSpec(join(EXAMPLES_DIR, 'openapi.yaml'));
  const runs: DemoRun[] = [];
  const total = frameworks.length * VARIANTS.length;
  for (const framework of frameworks) {
    for (const variant of VARIANTS) {
      options.onProgress?.(runs.length, total, `probing ${framework} ${variant}`);
      const module = (await import(
        pathToFileURL(join(EXAMPLES_DIR, framework, `${variant}.js`)).href
      )) as ExampleModule;
      // The Flask port signs with its hard-coded secret; the others get a fresh one (the naive API ignores tokens).
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

  out.write(style.bold(`${options.lint === false ? '1' : '2'}. Probe\n`));
  write(
    `   rebind-guard probe ${API_URL} --openapi examples/openapi.yaml --unsafe --connect 127.0.0.1:<port>, once per server. The first row is the DNS rebinding itself: a request that names the attacker's host.`,
    '   ',
  );
  out.write('\n');
  out.write(formatTable(runs, style));
  out.write('\n');
  write(
    style.dim(
      'ACCEPTED = the attack got through (2xx/3xx); blocked = 4xx or connection closed; n/a = the legitimate control request failed too, so the probe proves nothing there (e.g. no WebSocket endpoint).',
    ),
    '',
  );
  out.write('\n');
  for (const run of runs) {
    const { summary } = run.report;
    const reachable = summary.acceptedByClass['browser-reachable'];
    const verdict =
      summary.accepted === 0
        ? style.green('nothing got through')
        : style.red(`${summary.accepted} attacks got through, ${reachable} browser-reachable`);
    out.write(
      `   ${`${run.framework} ${run.variant}`.padEnd(22)} ${verdict}; ${summary.blocked} blocked, ${summary.inconclusive} n/a\n`,
    );
  }
  const specFindings = runs.flatMap((run) =>
    (run.report.spec?.findings ?? []).map((finding) => `${run.framework} ${run.variant}: ${finding.message}`),
  );
  for (const finding of specFindings) write(`   ${style.yellow('!')} ${finding}`, '     ');
  const durationMs = Date.now() - started;
  out.write('\n');
  write(
    `Done in ${(durationMs / 1000).toFixed(1)} s. Fix pages: https://rebind-guard.dev/reference/result-codes — probe your own server with: npx @rebind-guard/cli probe <url> (docs: https://rebind-guard.dev/guide/cli)`,
    '',
  );
  return { lint, runs, durationMs };
}
