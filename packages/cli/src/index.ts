/**
 * `@rebind-guard/cli`: the `rebind-guard` command (`probe`) and its probe engine as an API.
 *
 * @example
 * ```ts
 * import { runProbe } from '@rebind-guard/cli';
 * const report = await runProbe({ url: 'http://localhost:3000/' });
 * console.log(report.summary.vulnerable);
 * ```
 *
 * @packageDocumentation
 */
import { readFile, writeFile } from 'node:fs/promises';
import { MAIN_HELP, PROBE_HELP, parseProbeArgs, unknownOption } from './args.js';
import { ConnectionError } from './probe/http.js';
import { SpecError } from './probe/openapi.js';
import { BaselineError, runProbe } from './probe/engine.js';
import { colorWanted, createStyle, formatHuman } from './report/human.js';
import { formatJson } from './report/json.js';
import { formatSarif } from './report/sarif.js';
import { UsageError } from './usage-error.js';
import { VERSION } from './version.js';

export { runProbe, BaselineError, type ProbeOptions } from './probe/engine.js';
export { UsageError } from './usage-error.js';
export { ConnectionError } from './probe/http.js';
export { loadSpec, readSpec, SpecError, type ApiSpec, type Operation } from './probe/openapi.js';
export type * from './probe/types.js';
export { formatHuman, createStyle, type Style } from './report/human.js';
export { formatJson } from './report/json.js';
export { formatSarif, toSarif } from './report/sarif.js';
export { VERSION } from './version.js';

/**
 * A writable text stream, as far as the CLI needs one (`process.stdout` qualifies).
 *
 * @example
 * ```ts
 * import type { OutputStream } from '@rebind-guard/cli';
 * const chunks: string[] = [];
 * const capture: OutputStream = { write: (text) => chunks.push(text), isTTY: false };
 * ```
 */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/**
 * Where the CLI reads and writes; tests pass their own.
 *
 * @example
 * ```ts
 * import { runCli, type CliIo } from '@rebind-guard/cli';
 * let output = '';
 * const io: CliIo = { stdout: { write: (text) => (output += text) }, stderr: process.stderr, env: { NO_COLOR: '1' } };
 * const code = await runCli(['--version'], io);
 * console.log(code, output); // 0 '0.1.0\n'
 * ```
 */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Exit codes of the `rebind-guard` command: `ok` (0, no browser-reachable attack got through;
 * hardening findings alone pass unless `--strict`), `vulnerable` (1, a browser-reachable attack
 * was accepted, or any attack with `--strict`) and `error` (2, bad usage, unusable spec or
 * unreachable server).
 *
 * @example
 * ```ts
 * import { EXIT, runCli } from '@rebind-guard/cli';
 * const code = await runCli(['probe', 'http://localhost:3000/']);
 * if (code === EXIT.vulnerable) console.error('an attack got through');
 * ```
 */
export const EXIT = { ok: 0, vulnerable: 1, error: 2 } as const;

async function readKey(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (!value.startsWith('@')) return value;
  try {
    return await readFile(value.slice(1), 'utf8');
  } catch (error) {
    throw new UsageError(`--key ${value}: cannot read the key file: ${(error as Error).message}`);
  }
}

function progress(io: CliIo): ((done: number, total: number, label: string) => void) | undefined {
  if (io.stderr.isTTY !== true) return undefined;
  return (done, total, label) => {
    if (done >= total) io.stderr.write('\r\u001b[2K');
    else io.stderr.write(`\r\u001b[2K[${done + 1}/${total}] ${label.slice(0, 70)}`);
  };
}

async function probeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseProbeArgs(args);
  if (parsed.help) {
    io.stdout.write(PROBE_HELP);
    return EXIT.ok;
  }
  const report = await runProbe({
    url: parsed.url ?? '',
    openapi: parsed.openapi,
    token: parsed.token,
    key: await readKey(parsed.key),
    algorithm: parsed.alg,
    audience: parsed.audience,
    issuer: parsed.issuer,
    origins: parsed.origins,
    method: parsed.method,
    unsafe: parsed.unsafe,
    strict: parsed.strict,
    websocketPath: parsed.wsPath,
    websocketProtocol: parsed.wsProtocol,
    hostName: parsed.hostName,
    connect: parsed.connect,
    timeoutMs: parsed.timeoutMs,
    insecure: parsed.insecure,
    onProgress: parsed.json ? undefined : progress(io),
  });
  if (parsed.sarif !== undefined) {
    try {
      await writeFile(
        parsed.sarif,
        formatSarif(
          report,
          ['rebind-guard', 'probe', ...args.map((arg) => (arg === parsed.token ? '<token>' : arg))].join(' '),
        ),
      );
    } catch (error) {
      throw new UsageError(`--sarif ${parsed.sarif}: cannot write the file: ${(error as Error).message}`);
    }
  }
  if (parsed.json) io.stdout.write(formatJson(report));
  else io.stdout.write(formatHuman(report, createStyle(colorWanted(io.stdout, io.env, parsed.noColor))));
  return report.summary.vulnerable ? EXIT.vulnerable : EXIT.ok;
}

/**
 * Runs the `rebind-guard` command with `argv` (without `node` and the script) and returns the exit
 * code. Never throws: errors are printed to `io.stderr` with exit code 2.
 *
 * @example
 * ```ts
 * import { runCli } from '@rebind-guard/cli';
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'probe':
        return await probeCommand(rest, io);
      case 'demo':
        throw new UsageError(
          'the demo is not part of the published CLI (it would pull in Express, Koa, Fastify and ESLint); run it from a clone of the repository with npm start',
        );
      case 'help':
        io.stdout.write(rest[0] === 'probe' ? PROBE_HELP : MAIN_HELP);
        return EXIT.ok;
      case undefined:
      case '-h':
      case '--help':
        io.stdout.write(MAIN_HELP);
        return EXIT.ok;
      case '-v':
      case '--version':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
      default:
        if (command.startsWith('-')) throw new UsageError(unknownOption(command, 'rebind-guard --help'));
        throw new UsageError(
          `unknown command ${JSON.stringify(command)}; the command is probe (see rebind-guard --help)`,
        );
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError) {
      io.stderr.write(`rebind-guard: ${error.message}\n`);
      return EXIT.error;
    }
    if (error instanceof ConnectionError || error instanceof BaselineError) {
      io.stderr.write(`rebind-guard: ${error.message}\n`);
      return EXIT.error;
    }
    io.stderr.write(
      `rebind-guard: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.error;
  }
}
