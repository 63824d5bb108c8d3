import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/index.js';
import { AUDIENCE, SECRET, startFixture, startGuarded, TRUSTED, type Running } from './servers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built bin asynchronously (the fixture servers live in this process). */
function bin(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function memoryIo(
  tty = false,
  env: Record<string, string | undefined> = {},
): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { isTTY: tty, write: (text: string) => (out += text) },
    stderr: { isTTY: tty, write: (text: string) => (err += text) },
    env,
    out: () => out,
    err: () => err,
  };
}

let open: Running;
let guarded: Running;
beforeAll(async () => {
  open = await startFixture('any-host');
  guarded = await startGuarded('express');
});
afterAll(async () => {
  await Promise.all([open.close(), guarded.close()]);
});

describe('the built bin (end to end)', () => {
  it('is built', () => {
    expect(existsSync(BIN), 'run the build first: npx turbo run build --filter=@rebind-guard/cli...').toBe(true);
  });

  it('exits 0 when nothing gets through', { timeout: 30_000 }, async () => {
    const run = await bin(['probe', guarded.url, '--key', SECRET, '--audience', AUDIENCE, '--origin', TRUSTED]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Nothing got through');
    expect(run.code).toBe(0);
  });

  it(
    'exits 1 when the target is vulnerable, with --json on stdout and --sarif written',
    { timeout: 30_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'rebind-guard-cli-'));
      const sarif = join(dir, 'out.sarif');
      const run = await bin(['probe', open.url, '--json', '--sarif', sarif]);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { summary: { vulnerable: boolean } };
      expect(report.summary.vulnerable).toBe(true);
      const log = JSON.parse(await readFile(sarif, 'utf8')) as { version: string };
      expect(log.version).toBe('2.1.0');
    },
  );

  it('an exact Host check with lax parsing exits 0 by default and 1 with --strict', { timeout: 30_000 }, async () => {
    const lax = await startFixture('duplicate-host');
    try {
      const normal = await bin(['probe', lax.url, '--origin', TRUSTED]);
      expect(normal.stdout).toMatch(/PASSED: no browser-reachable attack got through, 1 hardening finding/);
      expect(normal.code).toBe(0);
      const strict = await bin(['probe', lax.url, '--origin', TRUSTED, '--strict']);
      expect(strict.stdout).toMatch(/FAILED: no browser-reachable attack got through, 1 hardening finding/);
      expect(strict.code).toBe(1);
    } finally {
      await lax.close();
    }
  });

  it(
    'exits 2 on a refused connection, a bad URL, a missing URL and an unknown option',
    { timeout: 60_000 },
    async () => {
      const closed = await startFixture('any-host');
      await closed.close();
      const refused = await bin(['probe', closed.url]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/connection refused by 127\.0\.0\.1:\d+/);
      const badUrl = await bin(['probe', 'localhost:3000']);
      expect(badUrl.code).toBe(2);
      expect(badUrl.stderr).toMatch(/not a URL|only http: and https:/);
      expect((await bin(['probe'])).stderr).toMatch(/needs the URL/);
      const unknown = await bin(['probe', open.url, '--bogus']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/--bogus/);
      expect((await bin(['frobnicate'])).code).toBe(2);
    },
  );

  it('prints help for every command', { timeout: 60_000 }, async () => {
    const main = await bin(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/Commands:[\s\S]*probe <url>/);
    const probe = await bin(['probe', '--help']);
    expect(probe.stdout).toMatch(/Usage:\n {2}rebind-guard probe <url>/);
    for (const flag of [
      '--unsafe',
      '--strict',
      '--ws-path',
      '--ws-protocol',
      '--openapi',
      '--token',
      '--key',
      '--audience',
      '--host-name',
      '--timeout',
      '--json',
      '--sarif',
    ]) {
      expect(probe.stdout).toContain(flag);
    }
    expect(probe.stdout).toMatch(/Exit codes: 0 [\s\S]* 1 [\s\S]* 2 usage/);
    // The help says what --unsafe does before anyone uses it.
    expect(probe.stdout).toMatch(/without --unsafe only GET, HEAD and OPTIONS/);
    expect(probe.stdout).toMatch(/create, change or delete data/);
    expect(Math.max(...probe.stdout.split('\n').map((text) => text.length))).toBeLessThanOrEqual(100);
    // The demo left the published CLI (and its dependencies with it); the command says where it went.
    const demo = await bin(['demo']);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toMatch(/npm start/);
    expect((await bin(['help', 'probe'])).stdout).toBe(probe.stdout);
    expect((await bin(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('runCli', () => {
  it('colours only on a TTY, never with NO_COLOR; progress goes to stderr on a TTY only', async () => {
    const tty = memoryIo(true);
    expect(await runCli(['probe', open.url], tty)).toBe(1);
    expect(tty.out()).toContain('\u001b[');
    expect(tty.err()).toMatch(/\[\d+\/\d+\]/);

    const noColor = memoryIo(true, { NO_COLOR: '1' });
    await runCli(['probe', open.url], noColor);
    expect(noColor.out()).not.toContain('\u001b[');

    const pipe = memoryIo(false);
    await runCli(['probe', open.url], pipe);
    expect(pipe.out()).not.toContain('\u001b[');
    expect(pipe.err()).toBe('');

    const flag = memoryIo(true);
    await runCli(['probe', open.url, '--no-color'], flag);
    expect(flag.out()).not.toContain('\u001b[');
  });

  it('explains a timeout', async () => {
    const { startSilent } = await import('./servers.js');
    const silent = await startSilent();
    try {
      const io = memoryIo();
      expect(await runCli(['probe', silent.url, '--timeout', '150'], io)).toBe(2);
      expect(io.err()).toMatch(/within 150 ms/);
      expect(await runCli(['probe', silent.url, '--timeout', 'soon'], io)).toBe(2);
      expect(io.err()).toMatch(/--timeout "soon"/);
    } finally {
      await silent.close();
    }
  });

  it('an unknown option or a bad option value is one rebind-guard line with exit code 2, not parseArgs text', async () => {
    const cases: [string[], string][] = [
      [['probe', open.url, '--foo'], 'unknown option --foo; run rebind-guard probe --help for the options.'],
      [['probe', '-x', open.url], 'unknown option -x; run rebind-guard probe --help for the options.'],
      [['probe', open.url, '-hx'], 'unknown option -x; run rebind-guard probe --help for the options.'],
      [['probe', open.url, '--token'], '--token needs a value; run rebind-guard probe --help for the options.'],
      [
        ['probe', open.url, '--token', '--json'],
        '--token needs a value, got the option --json; to pass a value that starts with -, write --token=--json.',
      ],
      [
        ['probe', '--unsafe=yes', open.url],
        '--unsafe takes no value (got --unsafe=yes); it is a switch: write --unsafe.',
      ],
      [['--foo'], 'unknown option --foo; run rebind-guard --help for the options.'],
    ];
    for (const [argv, message] of cases) {
      const io = memoryIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err(), argv.join(' ')).toBe(`rebind-guard: ${message}\n`);
      expect(io.out()).toBe('');
    }
    // What follows `--` is a positional, never an option.
    const io = memoryIo();
    expect(await runCli(['probe', '--', '--foo'], io)).toBe(2);
    expect(io.err()).toMatch(/^rebind-guard: "--foo" is not a URL/);
  });

  it('reads --key @FILE and reports an unreadable one', async () => {
    const io = memoryIo();
    expect(await runCli(['probe', guarded.url, '--key', '@/nonexistent/key.pem'], io)).toBe(2);
    expect(io.err()).toMatch(/cannot read the key file/);
  });
});
