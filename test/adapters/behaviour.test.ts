/**
 * Runs the one case table (cases.ts) against Express, Koa and Fastify over real loopback sockets,
 * then checks that the three frameworks answered every case identically (issue #4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, VARIANTS, expectedContentType, type Case, type Variant } from './cases.js';
import { rawRequest, type RawResponse } from '../helpers/http.js';
import { FRAMEWORKS, startServer, type Framework, type RunningServer } from './servers.js';

/** What must be identical across frameworks and equal to the table. */
interface Observed {
  status: number;
  code: string | null;
  contentType: string | null;
  wwwAuthenticate: string | null;
  body: unknown;
}

function observe(response: RawResponse, testCase: Case): Observed {
  let body: unknown = null;
  if (testCase.expect.body !== undefined) {
    try {
      body = JSON.parse(response.body);
    } catch {
      body = response.body;
    }
  }
  return {
    status: response.status,
    code: response.code,
    contentType: response.header('content-type'),
    wwwAuthenticate: response.header('www-authenticate'),
    body,
  };
}

function expected(testCase: Case): Observed {
  return {
    status: testCase.expect.status,
    code: testCase.expect.code,
    contentType: expectedContentType(testCase.expect),
    wwwAuthenticate: testCase.expect.wwwAuthenticate ?? null,
    body: testCase.expect.body ?? null,
  };
}

const observed = new Map<string, Partial<Record<Framework, Observed>>>();
const variants = Object.keys(VARIANTS) as Variant[];

it('the table is big enough and its names are unique', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(60);
  expect(new Set(CASES.map((testCase) => testCase.name)).size).toBe(CASES.length);
});

for (const framework of FRAMEWORKS) {
  describe(framework, () => {
    const servers = new Map<Variant, RunningServer>();
    beforeAll(async () => {
      for (const variant of variants) servers.set(variant, await startServer(framework, VARIANTS[variant]));
    });
    afterAll(async () => {
      await Promise.all([...servers.values()].map((server) => server.close()));
    });

    it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
      const server = servers.get(testCase.variant);
      if (server === undefined) throw new Error(`no server for ${testCase.variant}`);
      const response = await rawRequest(server.port, testCase.request());
      const seen = observe(response, testCase);
      const row = observed.get(testCase.name) ?? {};
      row[framework] = seen;
      observed.set(testCase.name, row);
      expect(seen, `${framework}: ${response.statusLine}\n${response.body}`).toEqual(expected(testCase));
      // Rejections never echo what was sent: no Host, Origin or token values in the body.
      if (testCase.expect.code !== null) {
        expect(response.body).not.toMatch(/rebind\.test|evil|eyJ/);
        expect(response.header('cache-control')).toBe('no-store');
      }
      if (testCase.expect.status === 101) expect(response.header('upgrade')?.toLowerCase()).toBe('websocket');
    });

    if (framework !== 'fastify') {
      it('the ws server was attached before guardUpgrades, and the guard still ran first', () => {
        // One upgrade listener (ws) existed before guardUpgrades; the websocket rejection cases above
        // prove that the guard nevertheless decided first.
        expect(servers.get('default')?.upgradeListenersBeforeGuard).toBe(1);
      });
    }
  });
}

describe('cross-framework identity', () => {
  it('every case was answered identically by Express, Koa and Fastify', () => {
    const differences: string[] = [];
    for (const testCase of CASES) {
      const row = observed.get(testCase.name);
      if (row === undefined || FRAMEWORKS.some((framework) => row[framework] === undefined)) {
        differences.push(`${testCase.name}: not run on every framework`);
        continue;
      }
      const [first, ...rest] = FRAMEWORKS.map((framework) => JSON.stringify(row[framework]));
      if (rest.some((other) => other !== first)) {
        differences.push(
          `${testCase.name}: ${FRAMEWORKS.map((framework) => `${framework}=${JSON.stringify(row[framework])}`).join(' ')}`,
        );
      }
    }
    expect(differences).toEqual([]);
  });
});
