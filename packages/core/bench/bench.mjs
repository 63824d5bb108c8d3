// Micro-benchmarks for @rebind-guard/core. Run after a build: `npm run build && npm run bench`.
//
// Every comparison is measured side by side in one process: variants alternate within each round
// (the starting variant rotates), each round runs a calibrated batch, and the reported figure is the
// median of ROUNDS rounds. Timings use process.hrtime.bigint().
import { createHmac, createSecretKey, generateKeyPairSync, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { createGuard, HostAllowlist, JwtVerifier, parseHost } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 100);
let sink = 0;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * ns per call of `fn` over `iterations` calls (wall clock, process.hrtime.bigint); awaits when the
 * variant is async. The batch's CPU time (process.cpuUsage) is recorded alongside in `lastCpu`: on a
 * shared machine it is immune to the process being descheduled, so ratios are also shown from it.
 */
let lastCpu = 0;
async function measure(variant, iterations) {
  const { fn } = variant;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  if (variant.async) {
    for (let i = 0; i < iterations; i++) if ((await fn()).ok) sink++;
  } else {
    for (let i = 0; i < iterations; i++) if (fn()) sink++;
  }
  const wall = Number(process.hrtime.bigint() - start) / iterations;
  const used = process.cpuUsage(cpu);
  lastCpu = ((used.user + used.system) * 1000) / iterations;
  return wall;
}

/** Warms up and picks a batch size so one batch takes about BATCH_MS. */
async function calibrate(variant) {
  let iterations = 16;
  for (;;) {
    const ns = await measure(variant, iterations);
    if (ns * iterations > 10e6 || iterations >= 1 << 24) return Math.max(16, Math.round((BATCH_MS * 1e6) / ns));
    iterations *= 4;
  }
}

/** Runs a group of variants alternately; returns name -> median wall ns/op (and `.cpu`: name -> median CPU ns/op). */
async function group(variants) {
  for (const variant of variants) variant.iterations = await calibrate(variant);
  const samples = new Map(variants.map((v) => [v.name, []]));
  const cpuSamples = new Map(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + round) % variants.length];
      samples.get(variant.name).push(await measure(variant, variant.iterations));
      cpuSamples.get(variant.name).push(lastCpu);
    }
  }
  const result = new Map([...samples].map(([name, values]) => [name, median(values)]));
  result.cpu = new Map([...cpuSamples].map(([name, values]) => [name, median(values)]));
  return result;
}

const pad = (text, width) => String(text).padEnd(width);
const lpad = (text, width) => String(text).padStart(width);
function table(title, headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  console.log(headers.map((h, i) => (i === 0 ? pad(h, widths[i]) : lpad(h, widths[i]))).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? pad(c, widths[i]) : lpad(c, widths[i]))).join('  '));
}
const fmt = (value, digits = 1) => value.toFixed(digits);
const verdict = (ratio, goal) => `${fmt(ratio, 2)}x (goal <= ${goal}x: ${ratio <= goal ? 'met' : 'MISSED'})`;

// BENCH_ONLY=a,b,c,d runs some sections (default: all).
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d').split(',').map((part) => part.trim()));
const started = process.hrtime.bigint();
const startedCpu = process.cpuUsage();
console.log(
  `@rebind-guard/core bench — node ${process.version}, ${ROUNDS} rounds, ~${BATCH_MS} ms batches, median reported`,
);

// ---------------------------------------------------------------------------------------------
// (a) Host allowlist lookups and full guard.check of a GET, by allowlist size
// ---------------------------------------------------------------------------------------------
function entries(size) {
  const list = [];
  for (let i = 0; i < size; i++) {
    const kind = i % 3;
    if (kind === 0) list.push(`host${i}.svc${i % 97}.example.com`);
    else if (kind === 1) list.push(`.zone${i}.example.net`);
    else list.push(`*.tenant${i}.example.org`);
  }
  return list;
}
// Present in every list (index 1 is a suffix entry, index 2 a wildcard entry): a deep suffix match
// walks several labels, the worst matching path.
const MATCH = 'a.b.c.zone1.example.net';
const MISS = 'a.b.c.rebind-attacker.example.net:8080';
const SIZES = [10, 1000, 10000];
const hostVariants = [];
for (const size of ONLY.has('a') ? SIZES : []) {
  const hosts = entries(size);
  const list = new HostAllowlist(hosts);
  const guard = createGuard({ hosts });
  for (const [label, value] of [
    ['match', MATCH],
    ['miss', MISS],
  ]) {
    const parsed = parseHost(value);
    if (list.allows(parsed) !== (label === 'match')) throw new Error(`bench setup: ${value} ${label} on ${size}`);
    const request = { method: 'GET', url: '/', headers: { host: value } };
    hostVariants.push({ name: `allows ${size} ${label}`, fn: () => list.allows(parsed) });
    hostVariants.push({ name: `check ${size} ${label}`, fn: () => guard.check(request), async: true });
  }
}
const hostResults = await group(hostVariants);
const hostRows = [];
for (const kind of ONLY.has('a') ? ['allows', 'check'] : []) {
  for (const label of ['match', 'miss']) {
    const at = (size) => hostResults.get(`${kind} ${size} ${label}`);
    hostRows.push([
      `${kind === 'allows' ? 'HostAllowlist.allows' : 'guard.check GET'} (${label})`,
      ...SIZES.map((size) => fmt(at(size))),
      verdict(at(10000) / at(10), 1.2),
      `${fmt(hostResults.cpu.get(`${kind} 10000 ${label}`) / hostResults.cpu.get(`${kind} 10 ${label}`), 2)}x`,
    ]);
  }
}
if (ONLY.has('a'))
  table(
    '(a) Host check, ns/op by allowlist size',
    ['operation', ...SIZES.map((s) => `${s} entries`), '10,000 / 10 (wall)', '(CPU time)'],
    hostRows,
  );

// ---------------------------------------------------------------------------------------------
// (b) JwtVerifier.verify vs the raw node:crypto floor
// ---------------------------------------------------------------------------------------------
const now = Math.floor(Date.now() / 1000);
const AUD = 'https://api.example.com';
const ISS = 'https://idp.example.com';
const claims = { sub: 'user-1', aud: AUD, iss: ISS, iat: now, exp: now + 3600, scope: 'read write' };
const host = { hostname: 'api.example.com', port: undefined };
const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const secretKey = createSecretKey(Buffer.from(SECRET));

const setups = {
  HS256: { token: jsonwebtoken.sign(claims, SECRET, { algorithm: 'HS256' }), key: secretKey },
  RS256: { token: jsonwebtoken.sign(claims, rsa.privateKey, { algorithm: 'RS256' }), key: rsa.publicKey },
  ES256: { token: jsonwebtoken.sign(claims, ec.privateKey, { algorithm: 'ES256' }), key: ec.publicKey },
};

/** The floor: split, decode and parse header and payload, check the signature, compare exp. */
function rawVerify(alg, token, key) {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'));
  const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
  if (header.alg !== alg) return false;
  const data = Buffer.from(token.slice(0, second));
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  let valid;
  if (alg === 'HS256') {
    const expected = createHmac('sha256', key).update(data).digest();
    valid = expected.length === signature.length && timingSafeEqual(expected, signature);
  } else if (alg === 'RS256') valid = cryptoVerify('sha256', data, key, signature);
  else valid = cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  return valid && typeof payload.exp === 'number' && payload.exp > Date.now() / 1000;
}

const jwtVariants = [];
for (const [alg, { token, key }] of Object.entries(ONLY.has('b') ? setups : {})) {
  // Uncached: every call checks the signature (section d measures the cache).
  const verifier = new JwtVerifier({ key, algorithms: [alg], audience: AUD, issuer: ISS, cache: false });
  if (!(await verifier.verify(token, host)).ok || !rawVerify(alg, token, key))
    throw new Error(`bench setup: ${alg} token does not verify`);
  jwtVariants.push({ name: `${alg} verifier`, fn: () => verifier.verify(token, host), async: true });
  jwtVariants.push({ name: `${alg} floor`, fn: () => rawVerify(alg, token, key) });
  const libOptions = { algorithms: [alg], audience: AUD, issuer: ISS };
  jwtVariants.push({
    name: `${alg} jsonwebtoken`,
    fn: () => typeof jsonwebtoken.verify(token, key, libOptions) === 'object',
  });
}
const jwtResults = await group(jwtVariants);
const goals = { HS256: 1.4, RS256: 1.1, ES256: 1.1 };
if (ONLY.has('b'))
  table(
    '(b) JWT verify, µs/op: JwtVerifier.verify vs raw node:crypto floor',
    [
      'algorithm',
      'JwtVerifier',
      'jsonwebtoken alone',
      'raw floor',
      'jsonwebtoken / floor',
      'JwtVerifier / floor (wall)',
      '(CPU time)',
    ],
    Object.keys(setups).map((alg) => {
      const ours = jwtResults.get(`${alg} verifier`);
      const lib = jwtResults.get(`${alg} jsonwebtoken`);
      const floor = jwtResults.get(`${alg} floor`);
      const cpu = (name) => jwtResults.cpu.get(`${alg} ${name}`);
      return [
        alg,
        fmt(ours / 1000, 2),
        fmt(lib / 1000, 2),
        fmt(floor / 1000, 2),
        `${fmt(lib / floor, 2)}x`,
        verdict(ours / floor, goals[alg]),
        `${fmt(cpu('verifier') / cpu('floor'), 2)}x`,
      ];
    }),
  );

// ---------------------------------------------------------------------------------------------
// (c) jsonwebtoken.verify: string secret vs prepared KeyObject
// ---------------------------------------------------------------------------------------------
const hsToken = setups.HS256.token;
const options = { algorithms: ['HS256'], audience: AUD, issuer: ISS };
const libVariants = [
  { name: 'string', fn: () => typeof jsonwebtoken.verify(hsToken, SECRET, options) === 'object' },
  { name: 'KeyObject', fn: () => typeof jsonwebtoken.verify(hsToken, secretKey, options) === 'object' },
  { name: 'floor', fn: () => rawVerify('HS256', hsToken, secretKey) },
];
const libResults = await group(ONLY.has('c') ? libVariants : []);
if (ONLY.has('c'))
  table(
    '(c) jsonwebtoken.verify HS256, µs/op: key preparation per call vs once',
    ['key given as', 'µs/op', 'vs KeyObject'],
    [
      [
        'string secret (prepared per call)',
        fmt(libResults.get('string') / 1000, 2),
        `${fmt(libResults.get('string') / libResults.get('KeyObject'), 2)}x`,
      ],
      ['prepared KeyObject', fmt(libResults.get('KeyObject') / 1000, 2), '1.00x'],
      [
        '(raw node:crypto floor)',
        fmt(libResults.get('floor') / 1000, 2),
        `${fmt(libResults.get('floor') / libResults.get('KeyObject'), 2)}x`,
      ],
    ],
  );

// ---------------------------------------------------------------------------------------------
// (d) guard.check of a GET with a Bearer token: uncached, cache hit, jsonwebtoken alone, floor
// ---------------------------------------------------------------------------------------------
const checkVariants = [];
for (const [alg, { token, key }] of Object.entries(ONLY.has('d') ? setups : {})) {
  const auth = { key, algorithms: [alg], audience: AUD, issuer: ISS };
  const uncached = createGuard({ hosts: ['api.example.com'], auth: { ...auth, cache: false } });
  const cached = createGuard({ hosts: ['api.example.com'], auth });
  // A fresh header object and token string per call, as an HTTP server hands over.
  const request = () => ({
    method: 'GET',
    url: '/',
    headers: { host: 'api.example.com', authorization: `Bearer ${token.slice(0, 8)}${token.slice(8)}` },
  });
  for (const guard of [uncached, cached])
    if (!(await guard.check(request())).ok) throw new Error(`bench setup: ${alg} guard refuses its token`);
  checkVariants.push({ name: `${alg} uncached`, fn: () => uncached.check(request()), async: true });
  checkVariants.push({ name: `${alg} hit`, fn: () => cached.check(request()), async: true });
  const libOptions = { algorithms: [alg], audience: AUD, issuer: ISS };
  checkVariants.push({
    name: `${alg} jsonwebtoken`,
    fn: () => typeof jsonwebtoken.verify(token, key, libOptions) === 'object',
  });
  checkVariants.push({ name: `${alg} floor`, fn: () => rawVerify(alg, token, key) });
}
if (ONLY.has('d')) {
  const noAuth = createGuard({ hosts: ['api.example.com'] });
  const getRequest = () => ({ method: 'GET', url: '/', headers: { host: 'api.example.com' } });
  checkVariants.push({ name: 'no auth', fn: () => noAuth.check(getRequest()), async: true });
}
const checkResults = await group(checkVariants);
if (ONLY.has('d')) {
  const us = (name) => fmt(checkResults.get(name) / 1000, 2);
  const ratio = (a, b) => checkResults.get(a) / checkResults.get(b);
  const cpuRatio = (a, b) => `${fmt(checkResults.cpu.get(a) / checkResults.cpu.get(b), 2)}x`;
  table(
    '(d) guard.check GET + Bearer, µs/op: uncached (cache: false) and cache hit vs jsonwebtoken.verify (KeyObject) and the floor',
    [
      'algorithm',
      'uncached',
      'cache hit',
      'jsonwebtoken',
      'floor',
      'uncached / jsonwebtoken',
      '(CPU)',
      'uncached / floor',
      'cache hit / floor',
      '(CPU)',
    ],
    Object.keys(setups).map((alg) => [
      alg,
      us(`${alg} uncached`),
      us(`${alg} hit`),
      us(`${alg} jsonwebtoken`),
      us(`${alg} floor`),
      verdict(ratio(`${alg} uncached`, `${alg} jsonwebtoken`), 1.1),
      cpuRatio(`${alg} uncached`, `${alg} jsonwebtoken`),
      `${fmt(ratio(`${alg} uncached`, `${alg} floor`), 2)}x`,
      verdict(ratio(`${alg} hit`, `${alg} floor`), 0.5),
      cpuRatio(`${alg} hit`, `${alg} floor`),
    ]),
  );
  console.log(
    `guard.check GET without auth (Host + Origin only): ${us('no auth')} µs/op — part of every figure above except jsonwebtoken and floor`,
  );
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpuTotal = process.cpuUsage(startedCpu);
const cpuShare = (cpuTotal.user + cpuTotal.system) / 1e6 / seconds;
console.log(`\ndone in ${fmt(seconds)} s, CPU share ${fmt(cpuShare * 100, 0)}% (sink ${sink > 0 ? 'ok' : 'empty'})`);
if (cpuShare < 0.8)
  console.log(
    'note: this process got well under one core; wall-clock figures are inflated by contention, prefer the CPU-time ratios.',
  );
