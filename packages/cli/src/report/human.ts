/**
 * The human-readable report. Colours only when asked for (a TTY without NO_COLOR).
 *
 * @packageDocumentation
 */
import type { ProbeReport, ProbeResult, ResponseEvidence, Verdict } from '../probe/types.js';

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
  const wrap = (open: number, close: number) => (text: string): string => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { enabled, red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Should output to this stream be coloured? Only on a TTY, and never when NO_COLOR is set (https://no-color.org). */
export function colorWanted(stream: { isTTY?: boolean | undefined }, env: Readonly<Record<string, string | undefined>>, disabled = false): boolean {
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

function verdictLabel(style: Style, verdict: Verdict): string {
  const text = `${MARK[verdict]} ${verdict.toUpperCase().padEnd(12)}`;
  if (verdict === 'accepted') return style.red(style.bold(text));
  if (verdict === 'blocked') return style.green(text);
  return style.yellow(text);
}

function line(style: Style, result: ProbeResult): string[] {
  const head = `  ${verdictLabel(style, result.verdict)} ${result.severity.padEnd(6)} ${result.id.padEnd(24)} ${result.operation}`;
  const lines = [head, `      ${style.dim(result.title)}`];
  if (result.verdict === 'accepted') {
    lines.push(`      evidence: ${statusLine(result.response)}`);
    lines.push(`      why it matters: ${result.reason.replace(/^answered [^:]*: /, '')}`);
    lines.push(`      fix: ${result.docs}`);
  } else {
    lines.push(`      ${style.dim(result.reason)}`);
  }
  return lines;
}

/**
 * Formats a report for people (what `rebind-guard probe` prints without `--json`).
 *
 * @example
 * ```ts
 * import { createStyle, formatHuman, runProbe } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * process.stdout.write(formatHuman(report, createStyle(process.stdout.isTTY === true)));
 * ```
 */
export function formatHuman(report: ProbeReport, style: Style): string {
  const out: string[] = [];
  const via = report.connectedTo === new URL(report.target).host ? '' : ` (connected to ${report.connectedTo})`;
  out.push(style.bold(`rebind-guard probe ${report.target}${via}`));
  out.push(`foreign host: ${report.foreignHost}    baseline: ${report.baseline.operation} → ${statusLine(report.baseline.response)}`);
  out.push('');
  const order: Verdict[] = ['accepted', 'error', 'inconclusive', 'blocked'];
  const sorted = [...report.results].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict));
  for (const result of sorted) out.push(...line(style, result));
  if (report.spec !== undefined) {
    out.push('');
    out.push(style.bold(`OpenAPI ${report.spec.file}${report.spec.title === undefined ? '' : ` (${report.spec.title})`}: ${report.spec.operations} operations`));
    for (const server of report.spec.serverHosts) {
      const answer = server.answered ? style.green('answered') : style.yellow('refused');
      out.push(`  servers host ${server.host}: ${answer} (${server.status === null ? 'no response' : String(server.status)})`);
    }
    for (const finding of report.spec.findings) {
      const mark = finding.severity === 'high' ? style.red('✗') : style.yellow('!');
      out.push(`  ${mark} ${finding.severity.padEnd(6)} ${finding.message}`);
      out.push(`      fix: ${finding.docs}`);
    }
  }
  for (const note of report.skipped) out.push(style.dim(`  skipped: ${note}`));
  out.push('');
  const { summary } = report;
  const severities = (['high', 'medium', 'low'] as const)
    .filter((severity) => summary.acceptedBySeverity[severity] > 0)
    .map((severity) => `${summary.acceptedBySeverity[severity]} ${severity}`)
    .join(', ');
  const counts = `${summary.accepted} accepted${severities === '' ? '' : ` (${severities})`}, ${summary.blocked} blocked, ${summary.inconclusive} inconclusive, ${summary.errors} errors`;
  out.push(summary.vulnerable ? style.red(style.bold(`VULNERABLE: ${counts}`)) : style.green(style.bold(`Nothing got through: ${counts}`)));
  return `${out.join('\n')}\n`;
}
