/**
 * Loopback soak (issue 11): every guarded setup (Express, Koa, bare node:http with guardUpgrades,
 * Fastify) in its own process, driven for `--duration` seconds (default 60, all setups at once)
 * with a mix of benign and hostile clients: valid and bad tokens, rebound Hosts, cross-site POSTs,
 * WebSocket handshakes accepted and refused, and clients that reset after the answer, reset
 * mid-request, reset while the async getKey is pending, or half-close. It reports, per setup:
 * requests by kind, unexpected answers, errors that reached the server process (each would have
 * crashed it), connections left open after the load stops, and memory growth (RSS and heap after
 * GC, from the end of the warm-up to the end of the run).
 *
 *   npm run soak -w @rebind-guard/test                 60 s
 *   npm run soak -w @rebind-guard/test -- --duration 10
 *
 * A measurement, not a test: it exits 1 only when a server process crashed or reported errors,
 * and writes test/artifacts/soak.json. Only 127.0.0.1 is ever contacted; every loop is bounded by
 * the duration.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import jsonwebtoken from 'jsonwebtoken';

const HERE = dirname(fileURLToPath(import.meta.url));
const ARTIFACT = join(resolve(HERE, '..'), 'artifacts', 'soak.json');
const SETUPS = ['express', 'koa', 'node', 'fastify'];
const SECRET = 'rebind-guard soak: an HS256 secret of enough length';

const { values: flags } = parseArgs({
  options: { duration: { type: 'string', default: '60' }, concurrency: { type: 'string', default: '8' } },
});
const durationMs = Math.max(5, Number(flags.duration)) * 1000;
const concurrency = Math.max(1, Math.min(64, Number(flags.concurrency)));
const warmupMs = Math.min(5000, durationMs / 5);

const sign = (claims = {}, secret = SECRET) =>
  jsonwebtoken.sign({ sub: 'soak', ...claims }, secret, {
    algorithm: 'HS256',
    audience: 'https://api.example.com',
    issuer: 'https://idp.example.com',
    expiresIn: 3600,
  });
const TOKENS = { good: sign(), forged: sign({}, 'another secret that is long enough 1234') };

const handshake = (host, origin, token) =>
  [
    'GET /ws HTTP/1.1',
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    `Origin: ${origin}`,
    ...(token === undefined ? [] : [`Authorization: Bearer ${token}`]),
    '',
    '',
  ].join('\r\n');
const get = (host, token) =>
  `GET / HTTP/1.1\r\nHost: ${host}\r\n${token === undefined ? '' : `Authorization: Bearer ${token}\r\n`}Connection: close\r\n\r\n`;

/**
 * Each scenario: the bytes to send, what the client does after the first answer, and the status
 * the first line must show (undefined when the client leaves before any answer).
 */
const SCENARIOS = {
  benign: { bytes: () => get('localhost', TOKENS.good), expect: 200, then: 'read' },
  anonymous: { bytes: () => get('localhost'), expect: 200, then: 'read' },
  rebound: { bytes: () => get('rebind.test:8080'), expect: 403, then: 'read' },
  forgedToken: { bytes: () => get('localhost', TOKENS.forged), expect: 401, then: 'read' },
  crossSitePost: {
    bytes: () =>
      'POST /items HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    expect: 403,
    then: 'read',
  },
  wsAccepted: { bytes: () => handshake('localhost', 'http://localhost:5173'), expect: 101, then: 'close' },
  wsReboundThenReset: {
    bytes: () => handshake('rebind.test:8080', 'http://rebind.test:8080'),
    expect: 403,
    then: 'reset',
  },
  wsCrossSiteHalfOpen: { bytes: () => handshake('localhost', 'https://evil.test'), expect: 403, then: 'half-close' },
  resetWhileKeyPending: {
    bytes: () => handshake('localhost', 'http://localhost:5173', TOKENS.good),
    expect: undefined,
    then: 'reset-now',
  },
  resetMidRequest: { bytes: () => 'GET / HTTP/1.1\r\nHost: loc', expect: undefined, then: 'reset-now' },
};
const NAMES = Object.keys(SCENARIOS);

/** Runs one scenario against 127.0.0.1:port; resolves with the first status seen (or null). */
function runScenario(port, scenario) {
  return new Promise((resolveScenario) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: scenario.then === 'half-close' });
    let first = '';
    let settled = false;
    const done = (status) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveScenario(status);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done(null);
    }, 5000);
    socket.on('error', () => done(null));
    socket.on('close', () => done(first === '' ? null : Number(/^HTTP\/1\.1 (\d{3})/.exec(first)?.[1] ?? 0)));
    socket.on('connect', () => {
      socket.write(scenario.bytes());
      if (scenario.then === 'reset-now') {
        setTimeout(() => {
          socket.resetAndDestroy();
          done(undefined);
        }, 1);
      } else if (scenario.then === 'half-close') socket.end();
    });
    socket.on('data', (chunk) => {
      if (first !== '') return;
      first = chunk.toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(first)?.[1] ?? 0);
      if (scenario.then === 'reset') {
        socket.resetAndDestroy();
        done(status);
      } else if (scenario.then === 'close') {
        socket.destroy();
        done(status);
      } else if (scenario.then === 'half-close') {
        // Wait for the server to close the socket it refused (issue 11: it must, unprompted).
      }
    });
  });
}

async function startServer(setup) {
  const child = fork(join(HERE, 'soak-server.mjs'), [setup], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = await once(child, 'message');
  let exited;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const stats = async () => {
    if (exited !== undefined) return { crashed: exited };
    child.send({ type: 'stats' });
    for (;;) {
      const [reply] = await once(child, 'message');
      if (reply?.type === 'stats') return reply;
    }
  };
  return { setup, port: message.port, child, stats, exited: () => exited };
}

async function drive(server, deadline) {
  const counts = Object.fromEntries(NAMES.map((name) => [name, 0]));
  const unexpected = {};
  let index = 0;
  const worker = async () => {
    while (Date.now() < deadline && server.exited() === undefined) {
      const name = NAMES[index++ % NAMES.length];
      const scenario = SCENARIOS[name];
      const status = await runScenario(server.port, scenario);
      counts[name]++;
      if (scenario.expect !== undefined && status !== scenario.expect) {
        const key = `${name}: ${status}`;
        unexpected[key] = (unexpected[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { counts, unexpected };
}

const MB = 1024 * 1024;
const servers = await Promise.all(SETUPS.map(startServer));
const start = Date.now();
console.log(`soak: ${SETUPS.join(', ')} for ${durationMs / 1000} s, ${concurrency} clients each, 127.0.0.1 only`);

const warmupStats = new Map();
const warmup = (async () => {
  await sleep(warmupMs);
  for (const server of servers) warmupStats.set(server.setup, await server.stats());
})();
const runs = await Promise.all(servers.map((server) => drive(server, start + durationMs)));
await warmup;
await sleep(3000); // rejected sockets are destroyed within 2 s of their answer

const results = [];
for (const [index, server] of servers.entries()) {
  const end = await server.stats();
  const before = warmupStats.get(server.setup) ?? {};
  const { counts, unexpected } = runs[index];
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  results.push({
    setup: server.setup,
    requests: total,
    perKind: counts,
    unexpected,
    crashed: end.crashed ?? null,
    processErrors: end.uncaught?.length ?? null,
    firstErrors: end.uncaught?.slice(0, 3) ?? [],
    openConnectionsAfter: end.connections ?? null,
    rssGrowthMB: end.rss === undefined ? null : Number(((end.rss - before.rss) / MB).toFixed(1)),
    heapGrowthMB: end.heapUsed === undefined ? null : Number(((end.heapUsed - before.heapUsed) / MB).toFixed(1)),
    rssEndMB: end.rss === undefined ? null : Number((end.rss / MB).toFixed(1)),
  });
  server.child.kill();
}

const rows = results.map((r) => [
  r.setup,
  String(r.requests),
  String(Object.values(r.unexpected).reduce((sum, n) => sum + n, 0)),
  r.crashed === null ? String(r.processErrors) : `CRASHED ${JSON.stringify(r.crashed)}`,
  String(r.openConnectionsAfter),
  `${r.rssGrowthMB} MB`,
  `${r.heapGrowthMB} MB`,
  `${r.rssEndMB} MB`,
]);
const headers = [
  'setup',
  'requests',
  'unexpected answers',
  'process errors',
  'open after',
  'RSS growth',
  'heap growth (after GC)',
  'RSS end',
];
const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
const line = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
console.log(line(headers));
for (const row of rows) console.log(line(row));
for (const r of results) if (Object.keys(r.unexpected).length > 0) console.log(`${r.setup} unexpected:`, r.unexpected);
for (const r of results) for (const error of r.firstErrors) console.log(`${r.setup} error: ${error}`);

await mkdir(dirname(ARTIFACT), { recursive: true });
await writeFile(
  ARTIFACT,
  `${JSON.stringify({ date: new Date().toISOString(), durationMs, concurrency, results }, null, 2)}\n`,
);
console.log(`written to ${ARTIFACT}`);
process.exitCode = results.some((r) => r.crashed !== null || (r.processErrors ?? 0) > 0) ? 1 : 0;
