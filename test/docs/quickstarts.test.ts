/**
 * The quick starts run the way each guide tells a first-time user to run them:
 *
 * - in an ES module project (`npm pkg set type=module`), the `// server.ts` examples run with tsx
 *   (`npx tsx server.ts`; here the tsx of the docs workspace) and the first one also as plain
 *   JavaScript with `node server.js`;
 * - in a CommonJS project (the `npm init -y` default) the `// server.js (CommonJS)` example runs
 *   with `node server.js`;
 * - the guides' `sh` blocks of curl lines are run by bash as printed, and every line's answer must
 *   match its comment (`# 403 host_not_allowed`: status and problem+json `code`);
 * - the Bearer examples start with the exact `JWT_PUBLIC_KEY="$(cat public.pem)" npx tsx server.ts`
 *   line of /guide/tokens, after the page's openssl commands made the key pair, and the page's
 *   curl lines (tokens minted by its `token.mjs`) each get the answer their comment names;
 * - the home page's "Thirty seconds" example runs with `node server.js` and answers its curl lines;
 * - the documented `tsconfig.json` type-checks every quick-start example with `tsc`.
 *
 * Port 3000 is replaced by a free port everywhere (code and shell lines). The projects live under
 * test/artifacts/quickstarts and resolve packages from the repository's node_modules.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, listen } from '../helpers/http.js';
import { codeBlocks, docsRoot, repoRoot, type CodeBlock } from './helpers.js';

const execFileAsync = promisify(execFile);
const workDir = join(repoRoot, 'test/artifacts/quickstarts');
const tsxPackage = createRequire(join(docsRoot, 'package.json')).resolve('tsx/package.json');
const tsxCli = join(dirname(tsxPackage), (JSON.parse(readFileSync(tsxPackage, 'utf8')) as { bin: string }).bin);
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

/** A port that was free a moment ago (a throwaway server listened on it). */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether a server answers HTTP on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return httpRequest(port, { host: `localhost:${port}` }).then(
    () => true,
    () => false,
  );
}

/** The page's block whose first line starts with `// <label>`, the n-th of them. */
function block(page: string, label: string, nth = 0): CodeBlock {
  const found = codeBlocks(page).filter((candidate) => candidate.code.split('\n')[0]?.startsWith(`// ${label}`))[nth];
  if (found === undefined) throw new Error(`${page}: no block #${nth} starting with "// ${label}"`);
  return found;
}

/** `sh` blocks of a page that contain a curl line. */
function curlBlocks(page: string): CodeBlock[] {
  return codeBlocks(page).filter((candidate) => candidate.lang === 'sh' && /^curl /m.test(candidate.code));
}

/** A fresh project folder: what `npm init -y` (CommonJS) or `npm pkg set type=module` leaves. */
function project(name: string, type: 'module' | 'commonjs'): string {
  const dir = join(workDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'quickstart', version: '1.0.0', type }, null, 2));
  return dir;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
});

/** Runs a shell command line as the page prints it (`npx tsx` is the workspace's tsx), waits for the port. */
async function startShell(dir: string, line: string, port: number): Promise<void> {
  const command = line.replace(/\bnpx tsx\b/, `"${process.execPath}" "${tsxCli}"`);
  let output = '';
  const child = spawn('bash', ['-c', command], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) break;
    if (await listening(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`"${line}" in ${dir} did not start listening on ${port}:\n${output}`);
}

/** Saves a block as `file` (port replaced) and starts it with `command` (e.g. `npx tsx server.ts`). */
async function startBlock(dir: string, file: string, source: CodeBlock, command: string): Promise<number> {
  const port = await freePort();
  writeFileSync(join(dir, file), source.code.replace(/\b3000\b/g, String(port)));
  await startShell(dir, command, port);
  return port;
}

interface Observed {
  readonly line: string;
  readonly expected: string;
  readonly actual: string;
}

/**
 * Runs an `sh` block with bash exactly as printed (port replaced), with `curl` wrapped to mark where
 * each answer ends, and pairs every curl line's answer with its trailing `# <status> [code]` comment.
 */
async function runCurlBlock(dir: string, source: CodeBlock, port: number): Promise<Observed[]> {
  const script = source.code.replace(/\b3000\b/g, String(port));
  const commands = script.replace(/\\\n\s*/g, ' ').split('\n');
  const curlLines = commands.filter((line) => line.startsWith('curl '));
  const wrapper = `curl() { command curl -sS "$@"; printf '\\n@@END@@\\n'; }\n`;
  const { stdout } = await execFileAsync('bash', ['-e', '-c', wrapper + script], { cwd: dir, timeout: 60_000 });
  const answers = stdout.split('@@END@@\n').slice(0, -1);
  expect(answers.length, `${source.page}:${source.line}`).toBe(curlLines.length);
  return curlLines.map((line, index) => {
    const comment = /#\s*(\d{3})(?:\s+([a-z_]+))?/.exec(line.slice(line.indexOf(' #')));
    if (comment === null) throw new Error(`${source.page}: curl line without a "# <status>" comment: ${line}`);
    const answer = (answers[index] ?? '').replace(/^\n/, '');
    const status = /^HTTP\/[\d.]+ (\d{3})/.exec(answer)?.[1] ?? '???';
    const body = answer
      .split(/\r\n\r\n/)
      .slice(1)
      .join('\r\n\r\n')
      .trim();
    let code: string | undefined;
    if (comment[2] !== undefined) {
      try {
        code = String((JSON.parse(body) as { code?: unknown }).code);
      } catch {
        code = `(not JSON: ${body.slice(0, 80)})`;
      }
    }
    return {
      line,
      expected: [comment[1], comment[2]].filter((part) => part !== undefined).join(' '),
      actual: [status, code].filter((part) => part !== undefined).join(' '),
    };
  });
}

function expectAnswers(observed: Observed[]): void {
  expect(observed.map(({ line, actual }) => `${actual}  <- ${line}`)).toEqual(
    observed.map(({ line, expected }) => `${expected}  <- ${line}`),
  );
}

describe.each(['express', 'koa', 'fastify'])('the %s quick start', (framework) => {
  const page = `guide/${framework}.md`;
  const text = readFileSync(join(docsRoot, page), 'utf8');

  it('tells how to set up and run the examples', () => {
    for (const phrase of [
      'npm init -y',
      'npm pkg set type=module',
      'npx tsx server.ts',
      'node server.js',
      'server.mjs',
    ]) {
      expect(text, phrase).toContain(phrase);
    }
    if (framework !== 'fastify') expect(text).toContain(`@types/${framework}`);
  });

  it('runs the first example with npx tsx server.ts and answers the curl lines as commented', async () => {
    const dir = project(`${framework}-ts`, 'module');
    const port = await startBlock(dir, 'server.ts', block(page, 'server.ts'), 'npx tsx server.ts');
    const [tryIt] = curlBlocks(page);
    if (tryIt === undefined) throw new Error(`${page}: no curl block`);
    const observed = await runCurlBlock(dir, tryIt, port);
    expect(observed.map((entry) => entry.expected)).toContain('403 host_not_allowed');
    expectAnswers(observed);
  });

  it('runs the first example as plain JavaScript with node server.js ("type": "module")', async () => {
    const dir = project(`${framework}-js`, 'module');
    const port = await startBlock(dir, 'server.js', block(page, 'server.ts'), 'node server.js');
    const [tryIt] = curlBlocks(page);
    if (tryIt === undefined) throw new Error(`${page}: no curl block`);
    expectAnswers(await runCurlBlock(dir, tryIt, port));
  });

  it('runs the CommonJS version with node server.js in an npm init -y project', async () => {
    const dir = project(`${framework}-cjs`, 'commonjs');
    const source = block(page, 'server.js (CommonJS)');
    expect(source.code).not.toMatch(/^import /m);
    const port = await startBlock(dir, 'server.js', source, 'node server.js');
    const [tryIt] = curlBlocks(page);
    if (tryIt === undefined) throw new Error(`${page}: no curl block`);
    expectAnswers(await runCurlBlock(dir, tryIt, port));
  });

  it('runs the Bearer example with the key pair, tokens and curl lines of /guide/tokens', async () => {
    const tokens = 'guide/tokens.md';
    const dir = project(`${framework}-auth`, 'module');
    const shell = codeBlocks(tokens).filter((candidate) => candidate.lang === 'sh');
    const keys = shell.find((candidate) => candidate.code.includes('openssl genpkey'));
    const startLine = shell
      .map((candidate) => candidate.code.trim())
      .find((code) => code.includes('npx tsx server.ts'));
    const [tryAll] = curlBlocks(tokens);
    if (keys === undefined || startLine === undefined || tryAll === undefined)
      throw new Error(`${tokens}: blocks missing`);
    expect(text).toContain(startLine); // the guide shows the same start line
    await execFileAsync('bash', ['-e', '-c', keys.code], { cwd: dir, timeout: 60_000 });
    writeFileSync(join(dir, 'token.mjs'), block(tokens, 'token.mjs').code);
    const port = await freePort();
    writeFileSync(join(dir, 'server.ts'), block(page, 'server.ts', 1).code.replace(/\b3000\b/g, String(port)));
    await startShell(dir, startLine, port);
    const observed = await runCurlBlock(dir, tryAll, port);
    const codes = observed.map((entry) => entry.expected.split(' ')[1]).filter((code) => code !== undefined);
    expect(codes.length).toBeGreaterThanOrEqual(12);
    expectAnswers(observed);
  }, 60_000);
});

it('the home page example runs with node server.js and answers its curl lines as commented', async () => {
  const text = readFileSync(join(docsRoot, 'index.md'), 'utf8');
  for (const phrase of ['npm pkg set type=module', 'Run `node server.js`']) expect(text, phrase).toContain(phrase);
  const dir = project('home', 'module');
  const port = await startBlock(dir, 'server.js', block('index.md', 'server.js'), 'node server.js');
  const [tryIt] = curlBlocks('index.md');
  if (tryIt === undefined) throw new Error('index.md: no curl block');
  const observed = await runCurlBlock(dir, tryIt, port);
  expect(observed.map((entry) => entry.expected)).toEqual(['200', '403 host_not_allowed']);
  expectAnswers(observed);
});

it('the documented tsconfig.json type-checks every quick-start example', async () => {
  const dir = project('typecheck', 'module');
  const tsconfig = codeBlocks('guide/express.md').find(
    (candidate) => candidate.lang === 'json' && candidate.code.includes('compilerOptions'),
  );
  if (tsconfig === undefined) throw new Error('guide/express.md: no tsconfig.json block');
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig.code);
  for (const framework of ['express', 'koa', 'fastify']) {
    for (const nth of [0, 1]) {
      writeFileSync(join(dir, `${framework}-${nth}.ts`), block(`guide/${framework}.md`, 'server.ts', nth).code);
    }
  }
  const result = await execFileAsync(process.execPath, [tsc, '-p', dir], { cwd: dir, timeout: 120_000 }).then(
    () => '',
    (error: unknown) => String((error as { stdout?: string }).stdout ?? error),
  );
  expect(result).toBe('');
}, 130_000);
