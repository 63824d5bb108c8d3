import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

describe('the demo bin (npm start)', () => {
  it('prints its help and refuses bad options with exit code 2', { timeout: 30_000 }, async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/npm start -- \[options\]/);
    expect(help.stdout).toContain('--framework');
    const framework = await run(['--framework', 'hapi']);
    expect(framework).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--framework "hapi": choose express, koa or fastify/) as unknown,
    });
    expect((await run(['--timeout', 'soon'])).stderr).toMatch(/--timeout "soon"/);
    expect((await run(['--bogus'])).code).toBe(2);
  });

  it('runs one framework without lint', { timeout: 60_000 }, async () => {
    const demo = await run(['--framework', 'koa', '--no-lint']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/^host-foreign\s+GET \/protected\s+ACCEPTED\s+blocked\s+blocked$/m);
    expect(demo.stdout).not.toMatch(/express|fastify/);
    expect(demo.stdout).not.toContain('1. Lint');
  });
});
