/**
 * The human-readable report. Colours only when asked for (a TTY without NO_COLOR).
 *
 * @packageDocumentation
 */
import type { FindingClass, ProbeReport, ProbeResult, ResponseEvidence, SpecReport, Verdict } from '../probe/types.js';

/**
 * ANSI styling that collapses to identity when colour is off.
 *
 * @example
 * ```ts
 * import { createStyle, type Style } from '@rebind-guard/cli';
 * const style: Style = createStyle(process.stdout.isTTY === true);
 * console.log(style.bold('rebind-guard'), style.red('accepted'), style.green('blocked'));
 * ```
 */
export interface Style {
  readonly enabled: boolean;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/**
 * Creates a {@link Style}: ANSI colours when `enabled`, plain text otherwise.
 *
 * @example
 * ```ts
 * import { createStyle } from '@rebind-guard/cli';
 * createStyle(true).red('accepted'); // '\u001b[31maccepted\u001b[39m'
 * createStyle(false).red('accepted'); // 'accepted'
 * ```
 */
export function createStyle(enabled: boolean): Style {
  const wrap =
    (open: number, close: number) =>
    (text: string): string =>
      enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { enabled, red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Should output to this stream be coloured? Only on a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function colorWanted(
  stream: { isTTY?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
  disabled = false,
): boolean {
  if (disabled) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** Makes response bytes printable on one line. */
export function printable(text: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/\r?\n/g, '⏎').replace(/[\u0000-\u001f\u007f-\u009f]/g, '·');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** `200 OK {"user":"alice"}` or `connection closed`. */
export function statusLine(response: ResponseEvidence): string {
  if (response.status === null) return response.reason;
  const body = response.bodyStart === '' ? '' : `  ${printable(response.bodyStart, 60)}`;
  return `${response.status} ${response.reason}${body}`.trim();
}

const MARK: Readonly<Record<Verdict, string>> = { accepted: '✗', blocked: '✓', inconclusive: '?', error: '!' };

/** Widest line the human report prints (before colours are added). */
export const REPORT_WIDTH = 100;

/**
 * Wraps `text` at spaces so that no line is wider than `width`; continuation lines start with
 * `indent`. Runs of spaces inside a line (column padding) are kept; a single word longer than the
 * line (a long URL) stays whole.
 */
export function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const lines: string[] = [];
  let current = firstIndent;
  for (const word of text.match(/\S+\s*/g) ?? []) {
    if (current.trim() !== '' && current.length + word.trimEnd().length > width) {
      lines.push(current.trimEnd());
      current = indent;
    }
    current += word;
  }
  lines.push(current.trimEnd());
  return lines;
}

function verdictLabel(style: Style, verdict: Verdict): string {
  const text = `${MARK[verdict]} ${verdict.toUpperCase().padEnd(12)}`;
  if (verdict === 'accepted') return style.red(style.bold(text));
  if (verdict === 'blocked') return style.green(text);
  return style.yellow(text);
}

const DETAIL = '      ';

function line(style: Style, result: ProbeResult): string[] {
  // "  ✗ ACCEPTED     high   " is 23 columns; the id and operation share the rest.
  const head = `${result.severity.padEnd(6)} ${result.id.padEnd(24)} ${result.operation}`;
  const [first = '', ...more] = wrap(head, REPORT_WIDTH - 17, '');
  const lines = [
    `  ${verdictLabel(style, result.verdict)} ${first}`,
    ...more.map((text) => `${' '.repeat(17)}${text}`),
  ];
  lines.push(...wrap(result.title, REPORT_WIDTH, DETAIL).map((text) => style.dim(text)));
  if (result.verdict === 'accepted') {
    lines.push(...wrap(`evidence: ${statusLine(result.response)}`, REPORT_WIDTH, `${DETAIL}  `, DETAIL));
    lines.push(
      ...wrap(`why it matters: ${result.reason.replace(/^answered [^:]*: /, '')}`, REPORT_WIDTH, `${DETAIL}  `, DETAIL),
    );
    lines.push(...wrap(`fix: ${result.docs}`, REPORT_WIDTH, `${DETAIL}  `, DETAIL));
  } else {
    lines.push(...wrap(result.reason, REPORT_WIDTH, `${DETAIL}  `, DETAIL).map((text) => style.dim(text)));
  }
  return lines;
}

const SECTION: Readonly<Record<FindingClass, string>> = {
  'browser-reachable': 'Browser-reachable: a web page can send these (cross-site, or same-origin after a DNS rebind)',
  hardening: 'Hardening: no browser can send these; they matter behind proxies (fail the run with --strict)',
};

/** `text` wrapped to the report width, continuation lines indented two more columns, each painted. */
function block(text: string, paint: (line: string) => string = (line) => line, indent = ''): string[] {
  return wrap(text, REPORT_WIDTH, `${indent}  `, indent).map(paint);
}

function headerLines(report: ProbeReport, style: Style): string[] {
  const via = report.connectedTo === new URL(report.target).host ? '' : ` (connected to ${report.connectedTo})`;
  return [
    ...block(`rebind-guard probe ${report.target}${via}`, (text) => style.bold(text)),
    ...block(
      `foreign host: ${report.foreignHost}; baseline: ${report.baseline.operation} → ${statusLine(report.baseline.response)}`,
    ),
    ...block(
      report.mode.unsafe
        ? '--unsafe: state-changing requests were sent; they may have created, changed or deleted data on the target.'
        : 'Safe mode: only GET, HEAD and OPTIONS requests and WebSocket handshakes were sent.',
      (text) => style.dim(text),
    ),
  ];
}

const VERDICT_ORDER: readonly Verdict[] = ['accepted', 'error', 'inconclusive', 'blocked'];

/** One section per finding class that has results, accepted ones first. */
function findingLines(report: ProbeReport, style: Style): string[] {
  const out: string[] = [];
  for (const findingClass of ['browser-reachable', 'hardening'] as const) {
    const mine = report.results
      .filter((result) => result.class === findingClass)
      .sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict));
    if (mine.length === 0) continue;
    out.push('', ...block(SECTION[findingClass], (text) => style.bold(text)));
    for (const result of mine) out.push(...line(style, result));
  }
  return out;
}

function specLines(spec: SpecReport, style: Style): string[] {
  const out = [
    '',
    ...block(
      `OpenAPI ${spec.file}${spec.title === undefined ? '' : ` (${spec.title})`}: ${spec.operations} operations`,
      (text) => style.bold(text),
    ),
  ];
  for (const server of spec.serverHosts) {
    const answer = server.answered ? style.green('answered') : style.yellow('refused');
    out.push(
      `  servers host ${server.host}: ${answer} (${server.status === null ? 'no response' : String(server.status)})`,
    );
  }
  for (const finding of spec.findings) {
    const mark = finding.severity === 'high' ? style.red('✗') : style.yellow('!');
    const [first = '', ...more] = wrap(`${finding.severity.padEnd(6)} ${finding.message}`, REPORT_WIDTH - 4, '');
    out.push(`  ${mark} ${first}`, ...more.map((text) => `    ${text}`));
    out.push(...wrap(`fix: ${finding.docs}`, REPORT_WIDTH, `${DETAIL}  `, DETAIL));
  }
  return out;
}

function skippedLines(report: ProbeReport, style: Style): string[] {
  if (report.skipped.length === 0) return [];
  return ['', ...report.skipped.flatMap((note) => block(`skipped: ${note}`, (text) => style.dim(text), '  '))];
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The one-line verdict and the counts. */
function verdictLines(report: ProbeReport, style: Style): string[] {
  const { summary } = report;
  const reachable = summary.acceptedByClass['browser-reachable'];
  const { hardening } = summary.acceptedByClass;
  const counts = `${summary.blocked} blocked, ${summary.inconclusive} inconclusive, ${summary.errors} errors`;
  const hardeningText = `${plural(hardening, 'hardening finding')}${report.mode.strict ? ' (fail with --strict)' : ' (pass without --strict)'}`;
  let verdict: string;
  if (reachable > 0)
    verdict = `VULNERABLE: ${plural(reachable, 'browser-reachable attack')} got through${hardening === 0 ? '' : `, ${hardeningText}`}`;
  else if (hardening > 0)
    verdict = `${summary.vulnerable ? 'FAILED' : 'PASSED'}: no browser-reachable attack got through, ${hardeningText}`;
  else verdict = 'Nothing got through';
  const paint = summary.vulnerable
    ? (text: string): string => style.red(style.bold(text))
    : (text: string): string => style.green(style.bold(text));
  return ['', ...block(verdict, paint), ...block(`${summary.accepted} accepted, ${counts}`)];
}

/**
 * Formats a report for people (what `rebind-guard probe` prints without `--json`): findings by
 * class, then the spec comparison, the skipped probes and a one-line verdict. No line is wider
 * than 100 columns (long URLs excepted).
 *
 * @example
 * ```ts
 * import { createStyle, formatHuman, runProbe } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * process.stdout.write(formatHuman(report, createStyle(process.stdout.isTTY === true)));
 * ```
 */
export function formatHuman(report: ProbeReport, style: Style): string {
  const lines = [
    ...headerLines(report, style),
    ...findingLines(report, style),
    ...(report.spec === undefined ? [] : specLines(report.spec, style)),
    ...skippedLines(report, style),
    ...verdictLines(report, style),
  ];
  return `${lines.join('\n')}\n`;
}
