import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSpec, readSpec, runProbe, SpecError } from '../src/index.js';
import { AUDIENCE, SECRET, startFixture, startGuarded, TRUSTED, type Running } from './servers.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

const document = (servers: string[]) => ({
  openapi: '3.0.3',
  info: { title: 'T', version: '1' },
  servers: servers.map((url) => ({ url })),
  security: [{ bearer: [] }],
  paths: {
    '/': { get: { responses: {} }, post: { responses: {} } },
    '/items/{id}': { get: { security: [], responses: {} }, delete: { responses: {} } },
    '/mixed': { get: { security: [{ bearer: [] }, {}], responses: {} } },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      key: { type: 'apiKey', in: 'header', name: 'X-Key' },
    },
  },
});

describe('reading specs', () => {
  it('finds operations, fills path parameters and reads global and per-operation security', () => {
    const spec = readSpec(document(['https://api.test', 'http://localhost:3000/v1', '/relative']));
    expect(
      spec.operations.map((operation) => `${operation.method} ${operation.path} ${operation.requiresToken}`),
    ).toEqual(['GET / true', 'POST / true', 'GET /items/1 false', 'DELETE /items/1 true', 'GET /mixed false']);
    expect(spec.serverHosts).toEqual(['api.test', 'localhost:3000']);
  });

  it('reads YAML and JSON files and explains bad ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebind-guard-spec-'));
    await writeFile(
      join(dir, 'a.yaml'),
      'openapi: 3.0.0\ninfo: {title: Y, version: "1"}\npaths:\n  /x:\n    get: {}\n',
    );
    await writeFile(join(dir, 'b.json'), JSON.stringify(document([])));
    await writeFile(join(dir, 'c.yaml'), 'not: [valid');
    await writeFile(join(dir, 'd.yaml'), 'openapi: 3.0.0\n');
    expect((await loadSpec(join(dir, 'a.yaml'))).operations[0]?.path).toBe('/x');
    expect((await loadSpec(join(dir, 'b.json'))).operations).toHaveLength(5);
    await expect(loadSpec(join(dir, 'c.yaml'))).rejects.toThrow(SpecError);
    await expect(loadSpec(join(dir, 'd.yaml'))).rejects.toThrow(/no "paths"/);
    await expect(loadSpec(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read/);
  });
});

describe('probing with a spec', () => {
  it('probes every operation and reports documented hosts the server refuses', async () => {
    const server = await start(startGuarded('fastify'));
    // The guard allows loopback names only: api.test is documented but refused.
    const spec = readSpec({
      ...document([`http://localhost:${server.port}`, 'https://api.test']),
      paths: { '/': { get: {}, post: {} } },
    });
    const report = await runProbe({
      url: server.url,
      openapi: spec,
      key: SECRET,
      audience: AUDIENCE,
      origins: [TRUSTED],
      unsafe: true,
    });
    expect(report.summary.vulnerable).toBe(false);
    expect(new Set(report.results.map((result) => result.operation))).toEqual(new Set(['GET /', 'POST /']));
    expect(report.spec?.serverHosts).toEqual([
      { host: `localhost:${server.port}`, answered: true, status: 200 },
      { host: 'api.test', answered: false, status: 403 },
    ]);
    expect(report.spec?.findings.map((finding) => finding.id)).toEqual(['spec-documented-host-refused']);
  });

  it('reports that the server accepts hosts the spec does not list', async () => {
    const server = await start(startFixture('any-host'));
    const spec = readSpec({ openapi: '3.0.0', servers: [{ url: 'https://api.test' }], paths: { '/': { get: {} } } });
    const report = await runProbe({ url: server.url, openapi: spec });
    expect(report.spec?.findings).toEqual([
      expect.objectContaining({
        id: 'spec-undocumented-host-accepted',
        severity: 'high',
        host: `rebind.test:${server.port}`,
      }),
    ]);
  });

  it('uses the spec security: auth probes run on secured operations only', async () => {
    const server = await start(startFixture('no-auth'));
    const spec = readSpec({
      openapi: '3.0.0',
      paths: { '/': { get: { security: [{ b: [] }] } }, '/open': { get: {} } },
      components: { securitySchemes: { b: { type: 'http', scheme: 'Bearer' } } },
    });
    const report = await runProbe({ url: server.url, openapi: spec });
    expect(
      report.results
        .filter((result) => result.id === 'auth-missing')
        .map((result) => [result.operation, result.verdict]),
    ).toEqual([['GET /', 'accepted']]);
  });
});

async function start(server: Promise<Running>): Promise<Running> {
  const started = await server;
  running.push(started);
  return started;
}
