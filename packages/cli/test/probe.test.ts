import { afterEach, describe, expect, it } from 'vitest';
import { BaselineError, ConnectionError, runProbe, UsageError, type ProbeReport, type Verdict } from '../src/index.js';
import { AUDIENCE, SECRET, startFixture, startGuarded, startSilent, TRUSTED, validToken, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(server: Promise<Running>): Promise<Running> {
  const started = await server;
  running.push(started);
  return started;
}

const accepted = (report: ProbeReport): string[] => [...new Set(report.results.filter((result) => result.verdict === 'accepted').map((result) => result.id))].sort();
const verdictOf = (report: ProbeReport, id: string, method = 'GET'): Verdict | undefined =>
  report.results.find((result) => result.id === id && result.operation.startsWith(method))?.verdict;

describe('probe verdicts against deliberately vulnerable servers', () => {
  it('a server that answers any Host: every rebinding and host-parsing probe gets through', async () => {
    const server = await start(startFixture('any-host'));
    const report = await runProbe({ url: server.url });
    expect(report.summary.vulnerable).toBe(true);
    for (const id of ['host-foreign', 'host-lookalike', 'host-userinfo', 'host-path', 'host-duplicate', 'host-absolute-form', 'host-missing', 'forwarded-host-spoof']) {
      expect(verdictOf(report, id), id).toBe('accepted');
    }
    const foreign = report.results.find((result) => result.id === 'host-foreign');
    expect(foreign?.severity).toBe('high');
    expect(foreign?.docs).toBe('https://rebind-guard.dev/reference/result-codes#host_not_allowed');
    expect(foreign?.response.status).toBe(200);
    expect(foreign?.response.bodyStart).toContain('"ok":true');
    expect(foreign?.request.headers).toContainEqual(['Host', `rebind.test:${server.port}`]);
    expect(report.summary.acceptedBySeverity.high).toBeGreaterThan(0);
    // No token and no spec: auth probes are skipped, and say so.
    expect(report.results.some((result) => result.category === 'auth')).toBe(false);
    expect(report.skipped.join(' ')).toMatch(/--token/);
  });

  it('--host-name changes the foreign host', async () => {
    const server = await start(startFixture('any-host'));
    const report = await runProbe({ url: server.url, hostName: 'attacker.example' });
    expect(report.foreignHost).toBe(`attacker.example:${server.port}`);
    expect(report.results.find((result) => result.id === 'host-foreign')?.request.headers).toContainEqual(['Host', `attacker.example:${server.port}`]);
  });

  it('a server that reads only the first Host header: only the duplicate Host gets through', async () => {
    const server = await start(startFixture('duplicate-host'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED] });
    expect(accepted(report)).toEqual(['host-duplicate']);
    expect(report.results.find((result) => result.id === 'host-duplicate')?.severity).toBe('medium');
  });

  it('a prefix (startsWith) origin check: the lookalike origin gets through, a foreign one does not', async () => {
    const server = await start(startFixture('prefix-origin'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED] });
    expect(accepted(report)).toEqual(['origin-lookalike']);
    expect(verdictOf(report, 'origin-foreign', 'POST')).toBe('blocked');
    const lookalike = report.results.find((result) => result.id === 'origin-lookalike');
    expect(lookalike?.request.headers).toContainEqual(['Origin', `${TRUSTED}.evil.test`]);
    expect(lookalike?.category).toBe('csrf');
    expect(lookalike?.severity).toBe('medium');
  });

  it('an origin allowlist containing "null": Origin: null gets through', async () => {
    const server = await start(startFixture('null-origin'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED] });
    expect(accepted(report)).toEqual(['origin-null']);
  });

  it('without --origin, CSRF probes whose legitimate control fails are inconclusive, not blocked', async () => {
    const server = await start(startFixture('prefix-origin'));
    const report = await runProbe({ url: server.url });
    expect(verdictOf(report, 'origin-lookalike', 'POST')).toBe('inconclusive');
    expect(report.results.find((result) => result.id === 'origin-lookalike')?.reason).toMatch(/control/);
  });

  it('a server without auth: a request without Authorization gets through', async () => {
    const server = await start(startFixture('no-auth'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], token: validToken() });
    expect(accepted(report)).toEqual(['auth-duplicate', 'auth-malformed', 'auth-missing', 'auth-wrong-scheme', 'token-alg-none']);
    expect(report.results.find((result) => result.id === 'auth-missing')?.severity).toBe('high');
  });

  it('a server that decodes tokens without verifying them: alg none, wrong audience and expired tokens get through', async () => {
    const server = await start(startFixture('unverified-token'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], key: SECRET, audience: AUDIENCE });
    for (const id of ['token-alg-none', 'token-wrong-audience', 'token-expired']) expect(verdictOf(report, id), id).toBe('accepted');
    expect(verdictOf(report, 'auth-missing')).toBe('blocked');
    expect(verdictOf(report, 'host-foreign')).toBe('blocked');
  });

  it('a server that accepts any WebSocket origin: the cross-site upgrade gets through', async () => {
    const server = await start(startFixture('websocket-any-origin'));
    const report = await runProbe({ url: server.url, origins: [TRUSTED] });
    expect(accepted(report)).toEqual(['websocket-foreign-origin']);
    expect(report.results.find((result) => result.id === 'websocket-foreign-origin')?.response.status).toBe(101);
  });

  it('tokens never appear in full in the evidence', async () => {
    const server = await start(startFixture('no-auth'));
    const token = validToken();
    const report = await runProbe({ url: server.url, origins: [TRUSTED], token });
    expect(JSON.stringify(report)).not.toContain(token);
  });
});

describe.each(['express', 'koa', 'fastify'] as const)('probe against the guarded %s adapter', (framework) => {
  it('blocks everything (with tokens minted from --key)', async () => {
    const server = await start(startGuarded(framework));
    const report = await runProbe({ url: server.url, origins: [TRUSTED], key: SECRET, audience: AUDIENCE });
    expect(report.baseline.response.status).toBe(200);
    expect(accepted(report)).toEqual([]);
    expect(report.summary.vulnerable).toBe(false);
    expect(report.summary.errors).toBe(0);
    // Everything ran: host, csrf and auth probes on GET / and POST /.
    for (const id of ['host-foreign', 'host-duplicate', 'host-absolute-form', 'host-missing', 'forwarded-host-spoof', 'auth-missing', 'auth-malformed', 'auth-duplicate', 'token-alg-none', 'token-wrong-audience', 'token-expired']) {
      expect(verdictOf(report, id), id).toBe('blocked');
    }
    for (const id of ['origin-foreign', 'origin-null', 'origin-lookalike']) expect(verdictOf(report, id, 'POST'), id).toBe('blocked');
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
    await expect(runProbe({ url: 'http://127.0.0.1:1/', origins: ['https://a.test/path'] })).rejects.toThrow(/--origin/);
  });

  it('--connect reaches the server while Host stays the URL host', async () => {
    const server = await start(startGuarded('koa'));
    const report = await runProbe({ url: 'http://localhost/', connect: `127.0.0.1:${server.port}`, key: SECRET, audience: AUDIENCE, origins: [TRUSTED] });
    expect(report.connectedTo).toBe(`127.0.0.1:${server.port}`);
    expect(report.foreignHost).toBe('rebind.test');
    expect(report.summary.vulnerable).toBe(false);
  });
});
