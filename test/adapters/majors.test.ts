/**
 * The adapters support Express `^4.21 || ^5`, Koa `^2.15 || ^3` and Fastify `^4.23 || ^5`
 * (issue 13). behaviour.test.ts runs the one case table on the majors this repository develops
 * against (Express 5, Koa 3, Fastify 5); this file runs the very same table, unchanged, on the
 * previous majors, installed as npm aliases of the test workspace (`express4`, `koa2`, `fastify4`,
 * and `fastify-websocket10`, the @fastify/websocket major for Fastify 4).
 *
 * `vi.mock` swaps the framework modules for the whole module graph of this file, so servers.ts
 * builds its apps from the old majors; importing behaviour.test.ts then registers every case of
 * the table (and the cross-framework identity check) in this file.
 */
import { createRequire } from 'node:module';
import { rebindGuard as fastifyPlugin } from '@rebind-guard/fastify';
import { describe, expect, it, vi } from 'vitest';

vi.mock('express', () => import('express4'));
vi.mock('koa', () => import('koa2'));
vi.mock('fastify', () => import('fastify4'));
vi.mock('@fastify/websocket', () => import('fastify-websocket10'));

const require = createRequire(import.meta.url);

/** The installed version of an aliased package. */
function versionOf(alias: string): string {
  return (require(`${alias}/package.json`) as { version: string }).version;
}

describe('the servers are built from the previous majors', () => {
  it('the aliases are Express 4, Koa 2 and Fastify 4', () => {
    expect(versionOf('express4')).toMatch(/^4\./);
    expect(versionOf('koa2')).toMatch(/^2\./);
    expect(versionOf('fastify4')).toMatch(/^4\./);
  });

  it('servers.ts imports the aliases in this file', async () => {
    const [express, express4, koa, koa2, fastify, fastify4] = await Promise.all([
      import('express'),
      import('express4'),
      import('koa'),
      import('koa2'),
      import('fastify'),
      import('fastify4'),
    ]);
    expect(express.default).toBe(express4.default);
    expect(koa.default).toBe(koa2.default);
    expect(fastify.default).toBe(fastify4.default);
    const app = fastify.default();
    expect(app.version).toMatch(/^4\./);
    await app.close();
  });
});

describe('declared ranges', () => {
  /** The peerDependencies of a workspace package, read through its exports map. */
  function peersOf(name: string): Record<string, string> {
    return (
      (require(`@rebind-guard/${name}/package.json`) as { peerDependencies?: Record<string, string> })
        .peerDependencies ?? {}
    );
  }

  it('the adapters and the plugin declare the supported majors as peer ranges', () => {
    expect(peersOf('express')).toEqual({ express: '^4.21.0 || ^5.0.0' });
    expect(peersOf('koa')).toEqual({ koa: '^2.15.0 || ^3.0.0' });
    expect(peersOf('fastify')).toEqual({ fastify: '^4.23.0 || ^5.0.0' });
    expect(peersOf('eslint-plugin')).toEqual({ eslint: '^8.57.0 || ^9.0.0 || ^10.0.0' });
  });

  it('the Fastify plugin checks the same range at registration (fastify-plugin metadata)', () => {
    const meta = (fastifyPlugin as unknown as Record<symbol, { fastify?: string } | undefined>)[
      Symbol.for('plugin-meta')
    ];
    expect(meta?.fastify).toBe(peersOf('fastify').fastify);
  });
});

await import('./behaviour.test.js');
