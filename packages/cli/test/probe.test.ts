import { afterEach, describe, expect, it } from 'vitest';
import {
  BaselineError,
  ConnectionError,
  readSpec,
  runProbe,
  UsageError,
  type ProbeReport,
  type Verdict,
} from '../src/index.js';
import { decide } from '../src/probe/engine.js';
import {
  AUDIENCE,
  listen,
  SECRET,
  startFixture,
  startGuarded,
  startPosts,
  startSilent,
  startWebSocket,
  TRUSTED,
  validToken,
  type Running,
} from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start<T extends Running>(server: Promise<T>): Promise<T> {
  const started = await server;
  running.push(started);
  return started;
}

const accepted = (report: ProbeReport): string[] =>
  [...new Set(report.results.filter((result) => result.verdict === 'accepted').map((result) => result.id))].sort();
const verdictOf = (report: ProbeReport, id: string, method = 'GET'): Verdict | undefined =>
  report.results.find((result) => result.id === id && result.operation.startsWith(method))?.verdict;

describe('probe verdicts against deliberately vulnerable servers', () => {
  it('a server that answers any Host: every rebinding and host-parsing probe gets through', async () => {
    const server = await start(startFixture('any-host'));
    const report = await runProbe({ url: server.url });
    expect(report.summary.vulnerable).toBe(true);
    for (const id of [
      'host-foreign',
      'host-lookalike',
      'host-userinfo',
      'host-path',
      'host-duplicate',
      'host-absolute-form',
      'host-missing',
      'forwarded-host-spoof',
    ]) {
      expect(verdictOf(report, id), id).toBe('accepted');
    }
    const foreign = report.results.find((result) => result.id === 'host-foreign');
    expect(foreign?.severity).toBe('high');
    expect(foreign?.docs).toBe('https://rebind-guard.dev/reference/result-codes#host_not_allowed');
    expect(foreign?.response.status).toBe(200);
    expect(foreign?.response.bodyStart).toContain('"ok":true');
    expect(foreign?.request.headers).toContainEqual(['Host', `rebind.test:${server.port}`]);
    expect(report.summary.acceptedBySeverity.high).toBeGreaterThan(0);
    // Reasons say what was observed: no Host check at all, not a prefix match.
    for (const id of ['host-foreign', 'host-lookalike', 'host-path', 'forwarded-host-spoof']) {
      const reason = report.results.find((result) => result.id === id)?.reason ?? '';
      expect(reason, id).toContain('no Host check at all (a foreign name is accepted)');
      expect(reason, id).not.toMatch(/prefix|suffix/);
    }
    expect(foreign?.class).toBe('browser-reachable');
    expect(report.results.find((result) => result.id === 'host-duplicate')?.class).toBe('hardening');
    expect(report.summary.acceptedByClass).toEqual({ 'browser-reachable': 3, hardening: 5 });
    // Safe by default: no state-changing request, and the report says what was left out.
    expect(report.mode).toEqual({ unsafe: false, strict: false });
    expect(report.results.every((result) => ['GET', 'HEAD', 'OPTIONS'].includes(result.request.method))).toBe(true);
    expect(report.skipped.join(' ')).toMatch(/POST \/.*--unsafe/);
    // No token and no spec: auth probes are skipped, and say so.
    expect(report.results.some((result) => result.category === 'auth')).toBe(false);
    expect(report.skipped.join(' ')).toMatch(/--token/);
  });

  it('--host-name changes the foreign host', async () => {
    const server = await start(startFixture('any-host'));
    const report = await runProbe({ url: server.url, hostName: 'attacker.example' });
    expect(report.foreignHost).toBe(`attacker.example:${server.port}`);
    expect(report.results.find((result) => result.id === 'host-foreign')?.request.headers).toContainEqual([
      'Host',
      `attacker.example:${server.port}`,
    ]);
  });

  it('a server that reads only the first Host header: only the duplicate Host gets through, a hardening finding', async () => {
    const server = await start(startFixture('duplicate-host'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED] });
    expect(accepted(report)).toEqual(['host-duplicate']);
    const duplicate = report.results.find((result) => result.id === 'host-duplicate');
    expect(duplicate?.severity).toBe('medium');
    expect(duplicate?.class).toBe('hardening');
    expect(duplicate?.reason).toMatch(/only the first of two Host headers is checked/);
    expect(report.summary.vulnerable).toBe(false);
    const strict = await runProbe({ url: server.url, origins: [TRUSTED], strict: true });
    expect(strict.mode.strict).toBe(true);
    expect(strict.summary.vulnerable).toBe(true);
  });

  it('a prefix Host check: the lookalike Host gets through and the reason names the prefix match', async () => {
    // The classic mistake: host.startsWith(allowedName).
    const server = await start(
      listen((req, res) => {
        const allowed = (req.headers.host ?? '').startsWith('127.0.0.1');
        res.writeHead(allowed ? 200 : 403).end(allowed ? 'ok' : 'denied');
      }),
    );
    const report = await runProbe({ url: server.url });
    expect(verdictOf(report, 'host-foreign')).toBe('blocked');
    const lookalike = report.results.find((result) => result.id === 'host-lookalike');
    expect(lookalike?.verdict).toBe('accepted');
    expect(lookalike?.reason).toMatch(/matches by prefix or suffix/);
    expect(lookalike?.reason).not.toContain('no Host check');
    expect(report.summary.vulnerable).toBe(true);
  });

  it('a prefix (startsWith) origin check: the lookalike origin gets through, a foreign one does not', async () => {
    const server = await start(startFixture('prefix-origin'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], unsafe: true });
    expect(accepted(report)).toEqual(['origin-lookalike']);
    expect(report.results.find((result) => result.id === 'origin-lookalike')?.reason).toMatch(/compared by prefix/);
    expect(verdictOf(report, 'origin-foreign', 'POST')).toBe('blocked');
    const lookalike = report.results.find((result) => result.id === 'origin-lookalike');
    expect(lookalike?.request.headers).toContainEqual(['Origin', `${TRUSTED}.evil.test`]);
    expect(lookalike?.category).toBe('csrf');
    expect(lookalike?.severity).toBe('medium');
  });

  it('an origin allowlist containing "null": Origin: null gets through', async () => {
    const server = await start(startFixture('null-origin'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], unsafe: true });
    expect(accepted(report)).toEqual(['origin-null']);
  });

  it('without --origin, CSRF probes whose legitimate control fails are inconclusive, not blocked', async () => {
    const server = await start(startFixture('prefix-origin'));
    const report = await runProbe({ url: server.url, unsafe: true });
    expect(verdictOf(report, 'origin-lookalike', 'POST')).toBe('inconclusive');
    expect(report.results.find((result) => result.id === 'origin-lookalike')?.reason).toMatch(/control/);
  });

  it('a server without auth: a request without Authorization gets through', async () => {
    const server = await start(startFixture('no-auth'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], token: validToken() });
    expect(accepted(report)).toEqual([
      'auth-duplicate',
      'auth-malformed',
      'auth-missing',
      'auth-wrong-scheme',
      'token-alg-none',
    ]);
    expect(report.results.find((result) => result.id === 'auth-missing')?.severity).toBe('high');
  });

  it('a server that decodes tokens without verifying them: alg none, wrong audience and expired tokens get through', async () => {
    const server = await start(startFixture('unverified-token'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], key: SECRET, audience: AUDIENCE });
    for (const id of ['token-alg-none', 'token-wrong-audience', 'token-expired'])
      expect(verdictOf(report, id), id).toBe('accepted');
    expect(verdictOf(report, 'auth-missing')).toBe('blocked');
    expect(verdictOf(report, 'host-foreign')).toBe('blocked');
  });

  it('an Express + ws server without an Origin check: the cross-site handshake is accepted (browser-reachable)', async () => {
    const server = await start(startWebSocket());
    const report = await runProbe({ url: server.url, origins: [TRUSTED] });
    const websocket = report.results.find((result) => result.id === 'websocket-foreign-origin');
    expect(websocket).toMatchObject({ verdict: 'accepted', class: 'browser-reachable', controlStatus: 101 });
    expect(websocket?.response.status).toBe(101);
    expect(websocket?.request.headers).toContainEqual(['Origin', 'https://evil.test']);
    // RFC 6455: a base64-encoded 16-byte nonce, fresh for every handshake.
    const key = websocket?.request.headers.find(([name]) => name === 'Sec-WebSocket-Key')?.[1] ?? '';
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(Buffer.from(key, 'base64')).toHaveLength(16);
    const again = await runProbe({ url: server.url, origins: [TRUSTED] });
    expect(
      again.results.find((result) => result.id === 'websocket-foreign-origin')?.request.headers,
    ).not.toContainEqual(['Sec-WebSocket-Key', key]);
    expect(report.summary.vulnerable).toBe(true);
    expect(server.connections()).toBeGreaterThanOrEqual(2); // control and attack, both real connections
  });

  it('the same ws server behind guardUpgrades: the cross-site handshake is blocked, the control gets 101', async () => {
    const server = await start(startWebSocket({ guarded: true }));
    const report = await runProbe({ url: server.url, origins: [TRUSTED] });
    const websocket = report.results.find((result) => result.id === 'websocket-foreign-origin');
    expect(websocket).toMatchObject({ verdict: 'blocked', controlStatus: 101 });
    expect(websocket?.response.status).toBe(403);
  });

  it('a WebSocket server that needs a subprotocol: inconclusive without --ws-protocol, judged with it', async () => {
    const server = await start(startWebSocket({ protocol: 'vite-hmr' }));
    const without = await runProbe({ url: server.url, origins: [TRUSTED] });
    const inconclusive = without.results.find((result) => result.id === 'websocket-foreign-origin');
    expect(inconclusive?.verdict).toBe('inconclusive');
    expect(inconclusive?.reason).toMatch(/--ws-protocol/);
    const withProtocol = await runProbe({
      url: server.url,
      origins: [TRUSTED],
      websocketProtocol: 'vite-hmr',
      websocketPath: '/hmr',
    });
    const websocket = withProtocol.results.find((result) => result.id === 'websocket-foreign-origin');
    expect(websocket).toMatchObject({ verdict: 'accepted', operation: 'GET /hmr', controlStatus: 101 });
    expect(websocket?.request.headers).toContainEqual(['Sec-WebSocket-Protocol', 'vite-hmr']);
  });

  it('tokens never appear in full in the evidence', async () => {
    const server = await start(startFixture('no-auth'));
    const token = validToken();
    const report = await runProbe({ url: server.url, origins: [TRUSTED], token });
    expect(JSON.stringify(report)).not.toContain(token);
  });
});

describe('safe by default, --unsafe on a stateful API', () => {
  const spec = {
    openapi: '3.0.3',
    paths: { '/posts': { get: {}, post: {} }, '/posts/{id}': { get: {}, delete: {} } },
  };

  it('without --unsafe, not one state-changing request reaches the server', async () => {
    const server = await start(startPosts());
    const plain = await runProbe({ url: `${server.url}posts` });
    const withSpec = await runProbe({ url: server.url, openapi: readSpec(spec) });
    const withMethod = await runProbe({ url: `${server.url}posts`, method: 'DELETE' });
    expect(server.unsafeRequests()).toBe(0);
    expect(server.posts()).toEqual([1, 2]);
    expect(withSpec.skipped.join(' ')).toContain('POST /posts, DELETE /posts/1');
    expect(withMethod.skipped.join(' ')).toMatch(/DELETE \/posts.*--unsafe/);
    for (const report of [plain, withSpec, withMethod])
      expect(report.results.filter((result) => result.category === 'csrf')).toEqual([]);
  });

  it('with --unsafe, attacks go before the control and an unprotected DELETE is never "blocked"', async () => {
    const server = await start(startPosts());
    const report = await runProbe({ url: server.url, openapi: readSpec(spec), unsafe: true });
    expect(report.mode.unsafe).toBe(true);
    expect(server.unsafeRequests()).toBeGreaterThan(0);
    const deletes = report.results.filter((result) => result.operation === 'DELETE /posts/1');
    expect(deletes.map((result) => result.id)).toEqual([
      'host-foreign',
      'origin-foreign',
      'origin-null',
      'origin-lookalike',
    ]);
    // The first attack deleted post 1; the rest got 404, which proves nothing on a DELETE route.
    expect(deletes[0]).toMatchObject({ verdict: 'accepted', class: 'browser-reachable' });
    expect(deletes.slice(1).map((result) => result.verdict)).toEqual(['inconclusive', 'inconclusive', 'inconclusive']);
    expect(deletes[1]?.reason).toMatch(/404.*earlier request/);
    // The control went last: it found the post already gone.
    expect(deletes[0]?.controlStatus).toBe(404);
    expect(report.results.some((result) => result.verdict === 'blocked' && result.operation.startsWith('DELETE'))).toBe(
      false,
    );
    expect(
      report.results
        .filter((result) => result.operation === 'POST /posts')
        .every((result) => result.verdict === 'accepted'),
    ).toBe(true);
  });

  it('with --unsafe, safe routes are probed before state-changing ones, whatever the spec order', async () => {
    const server = await start(startPosts());
    const deleteFirst = readSpec({
      openapi: '3.0.3',
      paths: { '/posts/{id}': { delete: {} }, '/posts/1': { get: {} } },
    });
    const report = await runProbe({ url: server.url, openapi: deleteFirst, unsafe: true });
    // Had DELETE gone first, the foreign-Host GET would have found post 1 gone (404) and been "blocked".
    expect(
      report.results.find((result) => result.id === 'host-foreign' && result.operation === 'GET /posts/1'),
    ).toMatchObject({ verdict: 'accepted', controlStatus: 200 });
    expect(
      report.results.find((result) => result.id === 'host-foreign' && result.operation === 'DELETE /posts/1')?.verdict,
    ).toBe('accepted');
    expect(server.posts()).toEqual([2]);
  });

  it('decide: 404/405/410 on a state-changing route is inconclusive; elsewhere it is blocked when the control succeeded', () => {
    const response = (status: number) => ({
      status,
      reason: '',
      headers: {},
      bodyStart: '',
      outcome: 'response' as const,
      timeMs: 1,
    });
    const definition = { impact: 'x' };
    for (const status of [404, 405, 410]) {
      expect(decide(definition, response(status), response(200), true).verdict).toBe('inconclusive');
      expect(decide(definition, response(status), response(200), false).verdict).toBe('blocked');
    }
    expect(decide(definition, response(403), response(200), true).verdict).toBe('blocked');
    expect(decide(definition, response(200), response(404), true).verdict).toBe('accepted');
    expect(decide(definition, response(200), response(404), false).verdict).toBe('inconclusive');
    // No answer to the attack: an error when the control was answered, inconclusive when it was not
    // either (a WebSocket server that ignores handshakes without its subprotocol).
    const silent = {
      status: null,
      reason: 'timed out',
      headers: {},
      bodyStart: '',
      outcome: 'timeout' as const,
      timeMs: 5000,
    };
    const websocket = decide({ impact: 'x', upgrade: true }, silent, silent);
    expect(websocket.verdict).toBe('inconclusive');
    expect(websocket.reason).toMatch(/no answer \(timed out\)/);
    expect(decide(definition, silent, response(200)).verdict).toBe('error');
    expect(decide(definition, silent, response(200), true).verdict).toBe('error');
  });

  it('a spec without a GET operation needs --unsafe', async () => {
    await expect(
      runProbe({ url: 'http://127.0.0.1:1/', openapi: readSpec({ openapi: '3.0.0', paths: { '/x': { post: {} } } }) }),
    ).rejects.toThrow(/--unsafe/);
  });
});

describe.each(['express', 'koa', 'fastify'] as const)('probe against the guarded %s adapter', (framework) => {
  it('blocks everything (with tokens minted from --key)', async () => {
    const server = await start(startGuarded(framework));
    const report = await runProbe({
      url: server.url,
      origins: [TRUSTED],
      key: SECRET,
      audience: AUDIENCE,
      unsafe: true,
    });
    expect(report.baseline.response.status).toBe(200);
    expect(accepted(report)).toEqual([]);
    expect(report.summary.vulnerable).toBe(false);
    expect(report.summary.errors).toBe(0);
    // Everything ran: host, csrf and auth probes on GET / and POST /.
    for (const id of [
      'host-foreign',
      'host-duplicate',
      'host-absolute-form',
      'host-missing',
      'forwarded-host-spoof',
      'auth-missing',
      'auth-malformed',
      'auth-duplicate',
      'token-alg-none',
      'token-wrong-audience',
      'token-expired',
    ]) {
      expect(verdictOf(report, id), id).toBe('blocked');
    }
    for (const id of ['origin-foreign', 'origin-null', 'origin-lookalike'])
      expect(verdictOf(report, id, 'POST'), id).toBe('blocked');
    const foreign = report.results.find((result) => result.id === 'host-foreign');
    expect(foreign?.response.status).toBe(403);
    expect(foreign?.response.bodyStart).toContain('host_not_allowed');
  });

  it('blocks everything with a replayed --token', async () => {
    const server = await start(startGuarded(framework));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], token: validToken() });
    expect(accepted(report)).toEqual([]);
    expect(report.results.find((result) => result.id === 'host-foreign')?.title).toMatch(/token replayed/);
  });
});

describe('probe errors', () => {
  it('a bad URL is a usage error', async () => {
    await expect(runProbe({ url: 'localhost:3000' })).rejects.toThrow(UsageError);
    await expect(runProbe({ url: 'ftp://localhost/' })).rejects.toThrow(/only http: and https:/);
    await expect(runProbe({ url: 'not a url' })).rejects.toThrow(/not a URL/);
  });

  it('a refused connection is a ConnectionError', async () => {
    const server = await startFixture('any-host');
    await server.close();
    await expect(runProbe({ url: server.url })).rejects.toThrow(ConnectionError);
    await expect(runProbe({ url: server.url })).rejects.toThrow(/connection refused/);
  });

  it('a server that never answers times out after --timeout', async () => {
    const server = await start(startSilent());
    const started = Date.now();
    await expect(runProbe({ url: server.url, timeoutMs: 200 })).rejects.toThrow(/within 200 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a failing baseline is a BaselineError that says what to do', async () => {
    const server = await start(startGuarded('express'));
    await expect(runProbe({ url: server.url })).rejects.toThrow(BaselineError);
    await expect(runProbe({ url: server.url })).rejects.toThrow(/--token/);
  });

  it('bad options are usage errors', async () => {
    await expect(runProbe({ url: 'http://127.0.0.1:1/', hostName: 'a b' })).rejects.toThrow(/--host-name/);
    await expect(runProbe({ url: 'http://127.0.0.1:1/', connect: 'nope' })).rejects.toThrow(/--connect/);
    await expect(runProbe({ url: 'http://127.0.0.1:1/', origins: ['https://a.test/path'] })).rejects.toThrow(
      /--origin/,
    );
    await expect(runProbe({ url: 'http://127.0.0.1:1/', websocketPath: 'socket' })).rejects.toThrow(/--ws-path/);
    await expect(runProbe({ url: 'http://127.0.0.1:1/', websocketProtocol: 'a b' })).rejects.toThrow(/--ws-protocol/);
  });

  it('--connect reaches the server while Host stays the URL host', async () => {
    const server = await start(startGuarded('koa'));
    const report = await runProbe({
      url: 'http://localhost/',
      connect: `127.0.0.1:${server.port}`,
      key: SECRET,
      audience: AUDIENCE,
      origins: [TRUSTED],
    });
    expect(report.connectedTo).toBe(`127.0.0.1:${server.port}`);
    expect(report.foreignHost).toBe('rebind.test');
    expect(report.summary.vulnerable).toBe(false);
  });
});
