#!/usr/bin/env node
/**
 * `npm start` at the repository root: `node packages/demo/dist/bin.js [options]`.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { createStyle } from '@rebind-guard/cli';
import { runDemo } from './demo.js';

const HELP = `Usage:
  npm start -- [options]        (in a clone of the rebind-guard repository)

Starts, on 127.0.0.1 only, one example API (GET /protected, POST /admin/delete, Bearer JWT auth)
in three versions, each in Express, Koa and Fastify: with no checks at all; ported faithfully
from a Flask app with its hand-written checks and their mistakes (a startsWith origin check,
split(" ")[1] token parsing, HS256 with a hard-coded secret, a host check against a set); and
protected by rebind-guard. Lints the sources with @rebind-guard/eslint-plugin's recommended
config, probes every server with rebind-guard probe --unsafe and prints a side-by-side table.
Nothing is installed and nothing leaves loopback.

Options:
      --framework NAME   express, koa or fastify (repeatable; default all three)
      --no-lint          Skip the lint step
      --timeout MS       Per-request timeout in milliseconds (default 5000)
      --no-color         No colours
  -h, --help             Show this help

The example sources are in packages/demo/examples/<framework>/.
`;

const FRAMEWORKS = ['express', 'koa', 'fastify'];

function fail(message: string): never {
  process.stderr.write(`rebind-guard demo: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      framework: { type: 'string', multiple: true },
      'no-lint': { type: 'boolean', default: false },
      timeout: { type: 'string' },
      'no-color': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const frameworks = [
  ...new Set(
    (values.framework ?? FRAMEWORKS).flatMap((item) => item.split(',')).map((item) => item.trim().toLowerCase()),
  ),
];
for (const framework of frameworks)
  if (!FRAMEWORKS.includes(framework)) fail(`--framework ${JSON.stringify(framework)}: choose express, koa or fastify`);
if (values.timeout !== undefined && !/^[1-9]\d*$/.test(values.timeout))
  fail(`--timeout ${JSON.stringify(values.timeout)} must be a positive number of milliseconds, e.g. 5000`);
const color = !values['no-color'] && (process.env.NO_COLOR ?? '') === '' && process.stdout.isTTY;
const progress = process.stderr.isTTY
  ? (done: number, total: number, label: string): void => {
      process.stderr.write(done >= total ? '\r\u001b[2K' : `\r\u001b[2K[${done + 1}/${total}] ${label}`);
    }
  : undefined;
await runDemo({
  frameworks,
  lint: !values['no-lint'],
  timeoutMs: values.timeout === undefined ? undefined : Number(values.timeout),
  out: process.stdout,
  style: createStyle(color),
  onProgress: progress,
});
