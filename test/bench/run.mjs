/**
 * rebind-guard benchmarks: ratios measured side by side in one run (DESIGN.md "Quality bars").
 *
 *   npm run bench -w @rebind-guard/test            full run (~4-5 minutes on 2 cores)
 *   npm run bench -w @rebind-guard/test -- --quick smoke run: 1 round, short durations
 *
 * 4. The loopback soak (soak.mjs; issue 11): every guarded setup under benign and hostile clients for
 *    60 s (10 s with --quick), reporting process errors, open connections and memory growth.
 *
 * Flags: --quick, --only adapters|eslint|soak, --rounds N, --duration SECONDS, --connections N,
 *        --lint-rounds N, --files N
 *
 * 1. Adapters (issue #4): every server runs in its own child process (server.mjs) and autocannon
 *    drives it from this process over loopback. Variants of one framework are measured in
 *    alternating order (A B C D, D C B A, …) and compared by median requests/second and by server
 *    CPU time per request:
 *      bare framework vs + rebind-guard (Host + Origin)
 *      + an empty hook/middleware vs + rebind-guard (the guard's own cost, without the framework's
 *        price for having a hook at all)
 *      usual JWT middleware, usual setup (string secret) vs + rebind-guard with HS256 Bearer auth
 *      no cache on either side, keys prepared once: express-jwt / koa-jwt with a KeyObject secret
 *        (and audience + issuer), @fastify/jwt as usual (fast-jwt prepares its key) vs the guard
 *        with auth.cache: false
 *      best setups: express-jwt / koa-jwt with a KeyObject, @fastify/jwt with fast-jwt's cache on,
 *        vs the guard with its verified-token cache (the default; autocannon repeats one token)
 *    In-process ratios (HS256 / RS256 / ES256 uncached and cache hit vs the node:crypto floor, and
 *    vs jsonwebtoken.verify with a KeyObject) are the core bench's table (d): packages/core/bench.
 * 2. ESLint (issue #5): wall time of ESLint's Node API on a corpus of >= 2,000 real JS files from
 *    node_modules, each run in a fresh process (lint-worker.mjs), alternating variants:
 *      js.configs.recommended vs + @rebind-guard/eslint-plugin recommended vs + eslint-plugin-security
 * 3. Findings of our recommended and strict configs over that corpus, per rule (for the
 *    false-positive review).
 *
 * Results are printed as tables and written to test/artifacts/bench.json. These are measurements,
 * not tests: nothing here fails on a slow number.
 */
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import jsonwebtoken from 'jsonwebtoken';
import { buildCorpus } from './corpus.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const TEST_DIR = resolve(HERE, '..');
const REPO = resolve(TEST_DIR, '..');
const ARTIFACT = join(TEST_DIR, 'artifacts', 'bench.json');

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'lint-rounds': { type: 'string' },
    files: { type: 'string' },
  },
  allowPositionals: false,
});

function numberFlag(name, fallback, { min = 1 } = {}) {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new TypeError(`--${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

const quick = flags.quick === true;
if (flags.only !== undefined && !['adapters', 'eslint', 'soak'].includes(flags.only))
  throw new TypeError('--only must be "adapters", "eslint" or "soak"');
const settings = {
  quick,
  adapters: {
    rounds: numberFlag('rounds', quick ? 1 : 3),
    duration: numberFlag('duration', quick ? 1 : 3, { min: 0.5 }),
    warmup: quick ? 0.5 : 1,
    connections: numberFlag('connections', 10),
    pipelining: 1,
  },
  eslint: {
    rounds: numberFlag('lint-rounds', quick ? 1 : 3),
    // >= 2,000 files for real runs; a smoke run only checks that everything works.
    files: numberFlag('files', quick ? 500 : 2000),
  },
};
const runAdapters = flags.only === undefined || flags.only === 'adapters';
const runEslint = flags.only === undefined || flags.only === 'eslint';
const runSoak = flags.only === undefined || flags.only === 'soak';

/** Runs soak.mjs in its own process (it forks one server process per setup) and waits for it. */
async function soak() {
  const child = fork(join(HERE, 'soak.mjs'), ['--duration', quick ? '10' : '60'], { stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the soak failed (exit ${String(code)}): see its output above`);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const median = (values) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const round = (value, digits = 0) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);
const fmt = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const pct = (value) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%` : 'n/a');

function table(headers, rows) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => String(row[column]).length)),
  );
  const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
  return [line(headers), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const say = (text = '') => {
  process.stdout.write(`${text}\n`);
};
const progress = (text) => {
  process.stderr.write(`  · ${text}\n`);
};

const require = createRequire(import.meta.url);
function versionOf(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    try {
      let dir = dirname(require.resolve(name));
      for (;;) {
        try {
          const manifest = require(join(dir, 'package.json'));
          if (manifest.name === name) return manifest.version;
        } catch {
          // keep walking up
        }
        const parent = dirname(dir);
        if (parent === dir) return 'unknown';
        dir = parent;
      }
    } catch {
      return 'unknown';
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Adapters

// `prepared`: the usual middleware with no cache and its key prepared once; `best`: its fastest setup.
const FRAMEWORKS = [
  { name: 'express', usual: 'express-jwt', prepared: 'usual-jwt-key', best: 'usual-jwt-key' },
  { name: 'koa', usual: 'koa-jwt', prepared: 'usual-jwt-key', best: 'usual-jwt-key' },
  { name: 'fastify', usual: '@fastify/jwt', prepared: 'usual-jwt', best: 'usual-jwt-cache' },
];
const variantsOf = (framework) => [
  'bare',
  'empty-hook',
  'guard',
  'usual-jwt',
  framework.name === 'fastify' ? 'usual-jwt-cache' : 'usual-jwt-key',
  'guard-jwt',
  'guard-jwt-nocache',
];
/** How a variant is named in the tables. */
function variantLabel(usual, variant) {
  if (variant === 'usual-jwt') return usual;
  if (variant === 'usual-jwt-key') return `${usual} (KeyObject)`;
  if (variant === 'usual-jwt-cache') return `${usual} (cache)`;
  if (variant === 'guard-jwt') return 'guard + JWT (cache)';
  if (variant === 'guard-jwt-nocache') return 'guard + JWT (no cache)';
  return variant;
}
const JWT = {
  secret: randomBytes(32).toString('hex'),
  audience: 'http://localhost',
  issuer: 'https://idp.bench.test',
};

/** Forks one server; resolves with { port, child } or { error }. */
async function startServer(framework, variant) {
  const child = fork(join(HERE, 'server.mjs'), [framework, variant], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_JWT_SECRET: JWT.secret,
      BENCH_JWT_AUDIENCE: JWT.audience,
      BENCH_JWT_ISSUER: JWT.issuer,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  const timeout = setTimeout(() => child.kill(), 30_000);
  try {
    const message = await new Promise((resolvePromise) => {
      child.once('message', resolvePromise);
      child.once('exit', (code) => {
        resolvePromise({ type: 'error', message: `exited with code ${code}: ${stderr.trim()}` });
      });
    });
    if (message.type !== 'ready') {
      child.kill();
      return { error: message.message };
    }
    return { port: message.port, child };
  } finally {
    clearTimeout(timeout);
  }
}

async function stopServer(server) {
  const { child } = server;
  if (child === undefined || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill(), 3000);
  await exited;
  clearTimeout(timer);
}

function httpGet(port, headers) {
  return new Promise((resolvePromise) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', method: 'GET', headers, setHost: false, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => {
          resolvePromise({ status: res.statusCode, body: body.slice(0, 200) });
        });
      },
    );
    req.on('error', (error) => {
      resolvePromise({ status: 0, body: error.message });
    });
    req.end();
  });
}

/** Proves each server does what its variant claims before it is timed. */
async function sanityCheck(port, variant, headers) {
  const checks = [];
  const ok = await httpGet(port, headers);
  checks.push({ name: 'valid request -> 200', status: ok.status, pass: ok.status === 200 });
  if (variant.startsWith('guard')) {
    const rebound = await httpGet(port, { ...headers, host: 'rebind.test' });
    checks.push({ name: 'Host: rebind.test -> 403', status: rebound.status, pass: rebound.status === 403 });
  }
  if (variant.includes('jwt')) {
    const missing = await httpGet(port, { host: headers.host });
    checks.push({ name: 'no token -> 401', status: missing.status, pass: missing.status === 401 });
    const forged = await httpGet(port, { ...headers, authorization: `${headers.authorization.slice(0, -4)}AAAA` });
    checks.push({ name: 'bad signature -> 401', status: forged.status, pass: forged.status === 401 });
  }
  return checks;
}

let cpuRequestId = 0;
/** The server process's CPU time in µs (user + system), asked over IPC. */
function serverCpu(child) {
  const id = ++cpuRequestId;
  return new Promise((resolvePromise) => {
    const onMessage = (message) => {
      if (message?.type !== 'cpu' || message.id !== id) return;
      child.off('message', onMessage);
      resolvePromise(message.usage.user + message.usage.system);
    };
    child.on('message', onMessage);
    child.send({ type: 'cpu', id });
  });
}

async function load(server, headers, duration) {
  const cpuBefore = await serverCpu(server.child);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/`,
    connections: settings.adapters.connections,
    pipelining: settings.adapters.pipelining,
    duration,
    headers,
  });
  const cpuUs = (await serverCpu(server.child)) - cpuBefore;
  const ok2xx = result['2xx'];
  return {
    rps: result.duration > 0 ? ok2xx / result.duration : Number.NaN,
    serverCpuUsPerRequest: result.requests.total > 0 ? cpuUs / result.requests.total : Number.NaN,
    rpsAverage: result.requests.average,
    latencyMean: result.latency.mean,
    latencyP99: result.latency.p99,
    requests: result.requests.total,
    ok2xx,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
  };
}

async function benchFramework(framework, headers) {
  const { name, usual } = framework;
  const VARIANTS = variantsOf(framework);
  const servers = {};
  const out = { framework: name, usual, variantNames: VARIANTS, variants: {}, pairs: [] };
  try {
    for (const variant of VARIANTS) {
      const server = await startServer(name, variant);
      servers[variant] = server;
      out.variants[variant] = { runs: [], checks: [] };
      if (server.error !== undefined) {
        out.variants[variant].error = `server failed to start: ${server.error.split('\n')[0]}`;
        continue;
      }
      out.variants[variant].checks = await sanityCheck(server.port, variant, headers);
      const failed = out.variants[variant].checks.filter((check) => !check.pass);
      if (failed.length > 0)
        out.variants[variant].error =
          `sanity check failed: ${failed.map((check) => `${check.name} (got ${check.status})`).join(', ')}`;
    }
    const live = VARIANTS.filter((variant) => out.variants[variant].error === undefined);
    progress(`${name}: warm-up ${live.join(', ')}`);
    for (const variant of live) await load(servers[variant], headers, settings.adapters.warmup);
    for (let index = 0; index < settings.adapters.rounds; index++) {
      const order = index % 2 === 0 ? live : [...live].reverse();
      for (const variant of order) {
        const run = await load(servers[variant], headers, settings.adapters.duration);
        out.variants[variant].runs.push({ round: index + 1, ...run });
        if (run.non2xx > 0 || run.errors > 0)
          progress(`${name}/${variant}: ${run.non2xx} non-2xx, ${run.errors} errors in round ${index + 1}`);
      }
      progress(`${name}: round ${index + 1}/${settings.adapters.rounds} done`);
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => stopServer(server)));
  }
  for (const variant of VARIANTS) {
    const data = out.variants[variant];
    data.medianRps = median(data.runs.map((run) => run.rps));
    data.medianLatencyMean = median(data.runs.map((run) => run.latencyMean));
    data.medianLatencyP99 = median(data.runs.map((run) => run.latencyP99));
    data.medianCpuUsPerRequest = median(data.runs.map((run) => run.serverCpuUsPerRequest));
  }
  const pair = (label, baseline, candidate, goal, cpuGoal = false) => {
    const a = out.variants[baseline];
    const b = out.variants[candidate];
    const perRound = b.runs.map((run, index) => run.rps / (a.runs[index]?.rps ?? Number.NaN)).filter(Number.isFinite);
    const ratio = b.medianRps / a.medianRps;
    out.pairs.push({
      label,
      baseline,
      candidate,
      baselineRps: a.medianRps,
      candidateRps: b.medianRps,
      ratio,
      baselineCpuUs: a.medianCpuUsPerRequest,
      candidateCpuUs: b.medianCpuUsPerRequest,
      // Throughput-equivalent: baseline CPU per request / candidate CPU per request (>1: candidate cheaper).
      cpuRatio: a.medianCpuUsPerRequest / b.medianCpuUsPerRequest,
      perRoundMin: perRound.length > 0 ? Math.min(...perRound) : Number.NaN,
      perRoundMax: perRound.length > 0 ? Math.max(...perRound) : Number.NaN,
      goal,
      meetsGoal: Number.isFinite(ratio) ? ratio >= goal : null,
      // JWT pairs: the guard must also cost no more server CPU per request than the middleware.
      cpuGoal,
      meetsCpuGoal:
        cpuGoal && Number.isFinite(a.medianCpuUsPerRequest / b.medianCpuUsPerRequest)
          ? a.medianCpuUsPerRequest / b.medianCpuUsPerRequest >= 1
          : null,
      error: a.error ?? b.error,
    });
  };
  pair('host + origin', 'bare', 'guard', 0.97);
  // The framework's own price for one hook/middleware, which any guard pays: the guard's own cost
  // is guard vs empty-hook.
  pair('host + origin vs an empty hook', 'empty-hook', 'guard', 0.97);
  pair('HS256 JWT, usual setups', 'usual-jwt', 'guard-jwt', 1.0, true);
  pair('HS256 JWT, no cache, key prepared', framework.prepared, 'guard-jwt-nocache', 1.0, true);
  pair('HS256 JWT, best setups', framework.best, 'guard-jwt', 1.0, true);
  return out;
}

async function adapters() {
  const token = jsonwebtoken.sign({ sub: 'bench-user', scope: 'read' }, JWT.secret, {
    algorithm: 'HS256',
    audience: JWT.audience,
    issuer: JWT.issuer,
    expiresIn: '1h',
  });
  const headers = { host: 'localhost', authorization: `Bearer ${token}` };
  const results = [];
  for (const framework of FRAMEWORKS) {
    progress(`${framework.name}: starting ${variantsOf(framework).length} servers`);
    results.push(await benchFramework(framework, headers));
  }
  return results;
}

function printAdapters(results) {
  const { rounds, duration, connections, pipelining } = settings.adapters;
  say(
    `## Adapters (issue #4) — autocannon, ${connections} connections, pipelining ${pipelining}, ${duration} s x ${rounds} alternating round(s), median req/s`,
  );
  say();
  const rows = [];
  for (const result of results) {
    for (const pair of result.pairs) {
      const baselineName = variantLabel(result.usual, pair.baseline);
      const candidateName = variantLabel(result.usual, pair.candidate);
      rows.push([
        result.framework,
        pair.label,
        `${baselineName} ${fmt(pair.baselineRps)}`,
        `${candidateName} ${fmt(pair.candidateRps)}`,
        Number.isFinite(pair.ratio) ? `${pair.ratio.toFixed(3)}x` : 'n/a',
        Number.isFinite(pair.perRoundMin) ? `${pair.perRoundMin.toFixed(3)}-${pair.perRoundMax.toFixed(3)}` : 'n/a',
        `${fmt(pair.baselineCpuUs, 1)} / ${fmt(pair.candidateCpuUs, 1)}`,
        Number.isFinite(pair.cpuRatio) ? `${pair.cpuRatio.toFixed(3)}x` : 'n/a',
        `>= ${pair.goal.toFixed(2)}x${pair.cpuGoal ? ' (both)' : ''}`,
        pair.error !== undefined
          ? `ERROR: ${pair.error}`
          : `${pair.meetsGoal ? 'yes' : 'no'}${pair.cpuGoal ? ` / CPU ${pair.meetsCpuGoal ? 'yes' : 'no'}` : ''}`,
      ]);
    }
  }
  say(
    table(
      [
        'framework',
        'comparison',
        'baseline req/s',
        'candidate req/s',
        'ratio',
        'per-round',
        'server CPU µs/req',
        'CPU ratio',
        'goal',
        'meets goal',
      ],
      rows,
    ),
  );
  say(
    'ratio = candidate / baseline median req/s (the goal applies to it); CPU ratio = baseline / candidate server CPU per request,',
  );
  say('the same comparison expressed as cost, which stays meaningful when other processes compete for the cores.');
  say(
    'JWT goals (issue 17) apply to both: req/s ratio >= 1 and CPU ratio >= 1 (the guard, with Host + Origin checks included,',
  );
  say("costs no more server CPU per request than the framework's usual JWT middleware).");
  const failedChecks = results.flatMap((result) =>
    result.variantNames.flatMap((variant) =>
      result.variants[variant].checks
        .filter((check) => !check.pass)
        .map((check) => `${result.framework}/${variant}: ${check.name} got ${check.status}`),
    ),
  );
  const checkCount = results.reduce(
    (sum, result) =>
      sum + result.variantNames.reduce((inner, variant) => inner + result.variants[variant].checks.length, 0),
    0,
  );
  say(
    failedChecks.length === 0
      ? `sanity checks before timing: ${checkCount} passed (valid token 200; rebound Host 403; no/bad token 401)`
      : `!! sanity checks failed: ${failedChecks.join('; ')}`,
  );
  say();
  const latencyRows = [];
  for (const result of results) {
    for (const variant of result.variantNames) {
      const data = result.variants[variant];
      const label = variantLabel(result.usual, variant);
      const bad = data.runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0);
      latencyRows.push([
        result.framework,
        label,
        data.error ?? fmt(data.medianRps),
        Number.isFinite(data.medianLatencyMean) ? data.medianLatencyMean.toFixed(2) : 'n/a',
        Number.isFinite(data.medianLatencyP99) ? String(data.medianLatencyP99) : 'n/a',
        fmt(data.medianCpuUsPerRequest, 1),
        data.runs.map((run) => fmt(run.rps)).join(' / ') || '-',
        String(bad),
      ]);
    }
  }
  say(
    table(
      [
        'framework',
        'variant',
        'median req/s',
        'mean lat ms',
        'p99 lat ms',
        'server CPU µs/req',
        'runs req/s',
        'non-2xx+errors',
      ],
      latencyRows,
    ),
  );
  say();
}

// ---------------------------------------------------------------------------------------------
// 2. ESLint

const LINT_VARIANTS = ['base', 'ours', 'security'];
const LINT_LABELS = {
  base: 'js.configs.recommended',
  ours: '+ @rebind-guard recommended',
  security: '+ eslint-plugin-security recommended',
};

function lintRun(variant, dir) {
  return new Promise((resolvePromise) => {
    const start = performance.now();
    execFile(
      process.execPath,
      [join(HERE, 'lint-worker.mjs'), variant, dir],
      { cwd: TEST_DIR, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const processMs = performance.now() - start;
        const line = stdout.trim().split('\n').at(-1) ?? '';
        try {
          resolvePromise({ ...JSON.parse(line), processMs });
        } catch {
          resolvePromise({
            ok: false,
            variant,
            stage: 'process',
            error: (error?.message ?? stderr.trim()) || 'no output',
            processMs,
          });
        }
      },
    );
  });
}

async function pluginRuleSets() {
  try {
    const mod = await import('@rebind-guard/eslint-plugin');
    const plugin = mod.default ?? mod;
    return {
      ok: true,
      version: plugin.meta?.version,
      rules: Object.keys(plugin.rules ?? {}).sort(),
      recommended: Object.keys(plugin.configs?.recommended?.rules ?? {}),
      strict: Object.keys(plugin.configs?.strict?.rules ?? {}),
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function eslintBench() {
  const out = { corpus: undefined, plugin: await pluginRuleSets(), runs: {}, summary: {}, findings: {} };
  progress(`building lint corpus (${settings.eslint.files} files from node_modules)`);
  const corpus = await buildCorpus({ modules: join(REPO, 'node_modules'), target: settings.eslint.files });
  out.corpus = {
    files: corpus.files,
    bytes: corpus.bytes,
    lines: corpus.lines,
    packages: corpus.packages,
    skipped: corpus.skipped,
    dir: corpus.dir,
  };
  try {
    // Untimed first: our strict config, for the findings table (also warms the OS file cache).
    progress('findings run (@rebind-guard strict)');
    const strict = await lintRun('ours-strict', corpus.dir);
    out.findings.strict = strict.ok
      ? { byRule: pick(strict.byRule), findings: strict.findings, fatalFiles: strict.fatalFiles }
      : { error: strict.error };

    const unavailable = {};
    for (const variant of LINT_VARIANTS) out.runs[variant] = [];
    for (let index = 0; index < settings.eslint.rounds; index++) {
      const order = index % 2 === 0 ? LINT_VARIANTS : [...LINT_VARIANTS].reverse();
      for (const variant of order) {
        if (unavailable[variant] !== undefined) continue;
        const run = await lintRun(variant, corpus.dir);
        if (!run.ok) {
          unavailable[variant] = `${run.stage}: ${String(run.error).split('\n')[0]}`;
          progress(`${variant} unavailable — ${unavailable[variant]}`);
          continue;
        }
        out.runs[variant].push({
          round: index + 1,
          lintMs: run.lintMs,
          cpuMs: run.cpuMs,
          processMs: run.processMs,
          loadMs: run.loadMs,
          files: run.files,
          fatalFiles: run.fatalFiles,
          messages: run.messages,
        });
        if (variant === 'ours' && out.findings.recommended === undefined) {
          out.findings.recommended = { byRule: pick(run.byRule), findings: run.findings };
        }
        if (variant === 'security' && out.findings.security === undefined) {
          out.findings.security = {
            byRule: Object.fromEntries(Object.entries(run.byRule).filter(([rule]) => rule.startsWith('security/'))),
          };
        }
      }
      progress(`eslint: round ${index + 1}/${settings.eslint.rounds} done`);
    }
    const base = median(out.runs.base.map((run) => run.lintMs));
    const baseProcess = median(out.runs.base.map((run) => run.processMs));
    const baseCpu = median(out.runs.base.map((run) => run.cpuMs));
    for (const variant of LINT_VARIANTS) {
      const lint = median(out.runs[variant].map((run) => run.lintMs));
      const processMs = median(out.runs[variant].map((run) => run.processMs));
      const perRound = out.runs[variant]
        .map((run) => {
          const baseRun = out.runs.base.find((candidate) => candidate.round === run.round);
          return baseRun === undefined ? Number.NaN : run.lintMs / baseRun.lintMs - 1;
        })
        .filter(Number.isFinite);
      out.summary[variant] = {
        label: LINT_LABELS[variant],
        error: unavailable[variant],
        medianLintMs: lint,
        medianProcessMs: processMs,
        overhead: lint / base - 1,
        processOverhead: processMs / baseProcess - 1,
        medianCpuMs: median(out.runs[variant].map((run) => run.cpuMs)),
        cpuOverhead: median(out.runs[variant].map((run) => run.cpuMs)) / baseCpu - 1,
        perRoundOverheadMin: perRound.length > 0 ? Math.min(...perRound) : Number.NaN,
        perRoundOverheadMax: perRound.length > 0 ? Math.max(...perRound) : Number.NaN,
        medianLoadMs: median(out.runs[variant].map((run) => run.loadMs)),
        fatalFiles: out.runs[variant][0]?.fatalFiles,
      };
    }
    const ours = out.summary.ours;
    const security = out.summary.security;
    out.goals = {
      oursAtMost10Percent: ours.error === undefined && Number.isFinite(ours.overhead) ? ours.overhead <= 0.1 : null,
      oursBelowSecurity:
        ours.error === undefined && security.error === undefined && Number.isFinite(ours.overhead)
          ? ours.overhead < security.overhead
          : null,
    };
  } finally {
    await corpus.remove();
  }
  return out;
}

function pick(byRule = {}) {
  return Object.fromEntries(Object.entries(byRule).filter(([rule]) => rule.startsWith('@rebind-guard/')));
}

function printEslint(result) {
  const { corpus } = result;
  say(
    `## ESLint (issue #5) — ${fmt(corpus.files)} files, ${fmt(corpus.bytes / 1e6, 1)} MB, ${fmt(corpus.lines)} lines from ${corpus.packages.length} packages in node_modules; ${settings.eslint.rounds} alternating round(s), a fresh process per run, median`,
  );
  say();
  if (!result.plugin.ok) say(`!! @rebind-guard/eslint-plugin could not be loaded: ${result.plugin.error}\n`);
  const rows = LINT_VARIANTS.map((variant) => {
    const summary = result.summary[variant];
    if (summary.error !== undefined)
      return [summary.label, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', `UNAVAILABLE (${summary.error})`];
    return [
      summary.label,
      fmt(summary.medianLintMs),
      variant === 'base' ? '—' : pct(summary.overhead),
      variant === 'base' || !Number.isFinite(summary.perRoundOverheadMin)
        ? '—'
        : `${pct(summary.perRoundOverheadMin)} .. ${pct(summary.perRoundOverheadMax)}`,
      `${fmt(summary.medianCpuMs)} (${variant === 'base' ? '—' : pct(summary.cpuOverhead)})`,
      `${fmt(summary.medianProcessMs)} (${variant === 'base' ? '—' : pct(summary.processOverhead)})`,
      result.runs[variant].map((run) => fmt(run.lintMs)).join(' / '),
    ];
  });
  say(
    table(
      [
        'config',
        'lint ms',
        'overhead',
        'per-round overhead',
        'lint CPU ms (overhead)',
        'process ms (overhead)',
        'runs lint ms',
      ],
      rows,
    ),
  );
  say();
  const goals = result.goals ?? {};
  const show = (value) => (value === null || value === undefined ? 'n/a' : value ? 'yes' : 'no');
  say(
    'overhead = median lint wall time / median of js.configs.recommended alone - 1 (goals apply to it); lint CPU = user + system',
  );
  say('time of the lint call; process = spawn to exit of the worker (Node start, imports, plugin load, lint).');
  say(
    `goal: ours <= 10% overhead: ${show(goals.oursAtMost10Percent)}; ours below eslint-plugin-security: ${show(goals.oursBelowSecurity)}`,
  );
  say(
    `plugin load time (import, median): ours ${fmt(result.summary.ours.medianLoadMs, 1)} ms, eslint-plugin-security ${fmt(result.summary.security.medianLoadMs, 1)} ms (not in lint ms)`,
  );
  say(`files with parse errors: ${result.summary.base.fatalFiles ?? 'n/a'}`);
  say();
}

function printFindings(result) {
  say('## Findings of @rebind-guard configs over the lint corpus (for the false-positive review)');
  say();
  const plugin = result.plugin;
  if (!plugin.ok) {
    say(`n/a: @rebind-guard/eslint-plugin could not be loaded (${plugin.error})`);
    say();
    return;
  }
  const strict = result.findings.strict;
  const recommended = result.findings.recommended;
  const rows = plugin.rules.map((rule) => {
    const id = `@rebind-guard/${rule}`;
    const strictFindings = strict?.findings?.filter((finding) => finding.rule === id) ?? [];
    const packages = {};
    for (const finding of strictFindings) {
      const name = finding.file.split('/')[1]?.replace('__', '/') ?? '?';
      packages[name] = (packages[name] ?? 0) + 1;
    }
    const top = Object.entries(packages)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
    return [
      rule,
      plugin.recommended.includes(id) ? 'yes' : 'no',
      recommended === undefined ? 'n/a' : plugin.recommended.includes(id) ? String(recommended.byRule[id] ?? 0) : '—',
      strict?.error !== undefined || strict === undefined ? 'n/a' : String(strict.byRule[id] ?? 0),
      top || '—',
    ];
  });
  say(table(['rule', 'recommended', 'recommended findings', 'strict findings', 'top packages (strict)'], rows));
  if (strict?.error !== undefined) say(`strict run failed: ${strict.error}`);
  const security = result.findings.security?.byRule;
  if (security !== undefined) {
    const total = Object.values(security).reduce((sum, count) => sum + count, 0);
    say(
      `for comparison, eslint-plugin-security recommended: ${fmt(total)} findings (${Object.entries(security)
        .sort((a, b) => b[1] - a[1])
        .map(([rule, count]) => `${rule.replace('security/', '')} ${count}`)
        .join(', ')})`,
    );
  }
  say(`every finding with file:line is in ${join('test', 'artifacts', 'bench.json')} (eslint.findings)`);
  say();
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemGB: round(totalmem() / 2 ** 30, 1),
    loadavgStart: loadavg().map((value) => round(value, 2)),
    settings,
    versions: Object.fromEntries(
      [
        'express',
        'koa',
        'fastify',
        'express-jwt',
        'koa-jwt',
        '@fastify/jwt',
        'jsonwebtoken',
        'autocannon',
        'eslint',
        '@eslint/js',
        'eslint-plugin-security',
        '@rebind-guard/core',
        '@rebind-guard/eslint-plugin',
      ].map((name) => [name, versionOf(name)]),
    ),
  };
  say(`# rebind-guard bench${quick ? ' (--quick: smoke run, numbers are indicative only)' : ''}`);
  say(
    `node ${meta.node}, ${meta.cpus} x ${meta.cpuModel ?? 'cpu'}, load average at start ${meta.loadavgStart.join(' ')}`,
  );
  if (meta.loadavgStart[0] > meta.cpus)
    say(
      `!! the machine is busy (load ${meta.loadavgStart[0]} on ${meta.cpus} cores): ratios are measured side by side, but expect wider spreads`,
    );
  say();

  const results = { meta };
  if (runAdapters) {
    results.adapters = await adapters();
    printAdapters(results.adapters);
  }
  if (runEslint) {
    results.eslint = await eslintBench();
    printEslint(results.eslint);
    printFindings(results.eslint);
  }
  if (runSoak) await soak();
  meta.loadavgEnd = loadavg().map((value) => round(value, 2));
  meta.elapsedSeconds = round((performance.now() - started) / 1000, 1);
  await mkdir(dirname(ARTIFACT), { recursive: true });
  await writeFile(
    ARTIFACT,
    `${JSON.stringify(results, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`,
  );
  say(
    `total ${meta.elapsedSeconds} s; load average at end ${meta.loadavgEnd.join(' ')}; full results: ${ARTIFACT.slice(REPO.length + 1)}`,
  );
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
