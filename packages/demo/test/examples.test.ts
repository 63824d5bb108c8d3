import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../src/demo.js';

const cliPackage = JSON.parse(readFileSync(new URL('../../cli/package.json', import.meta.url), 'utf8')) as {
  files: string[];
  dependencies: Record<string, string>;
};

describe('examples', () => {
  it('are not part of the published CLI, nor are the frameworks and ESLint they need', () => {
    expect(cliPackage.files).toEqual(['dist']);
    expect(Object.keys(cliPackage.dependencies).sort()).toEqual(['@rebind-guard/core', 'jsonwebtoken', 'yaml']);
  });

  it.each(['express', 'koa', 'fastify'])(
    '%s: all three versions export createApp and do not listen on import',
    async (framework) => {
      const unprotected = (await import(`${EXAMPLES_DIR}${framework}/unprotected.js`)) as {
        createApp: unknown;
        SECRET_KEY: string;
      };
      const naive = (await import(`${EXAMPLES_DIR}${framework}/naive.js`)) as { createApp: unknown };
      expect(typeof naive.createApp).toBe('function');
      const protectedApp = (await import(`${EXAMPLES_DIR}${framework}/protected.js`)) as {
        createApp: (options?: { secret?: string }) => unknown;
      };
      expect(typeof unprotected.createApp).toBe('function');
      expect(unprotected.SECRET_KEY).toBe('your-secret-key');
      // The protected version refuses to start without a secret instead of hard-coding one.
      const saved = process.env.JWT_SECRET;
      delete process.env.JWT_SECRET;
      try {
        await expect(Promise.resolve().then(() => protectedApp.createApp())).rejects.toThrow(/secret/);
      } finally {
        if (saved !== undefined) process.env.JWT_SECRET = saved;
      }
      // Nothing is listening: importing did not keep a server alive (the demo test probes them).
      expect(process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap')).toEqual([]);
    },
  );
});
