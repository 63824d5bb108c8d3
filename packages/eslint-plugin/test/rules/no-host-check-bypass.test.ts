import { hostEntryProblem } from '@rebind-guard/core';
import rule from '../../src/rules/no-host-check-bypass.js';
import { runRule } from '../rule-tester.js';

runRule('no-host-check-bypass', rule, {
  valid: [
    // Entries core accepts; host-validation lists are not judged by core's rules.
    `import { rebindGuard } from '@rebind-guard/koa';
app.use(rebindGuard({ hosts: ['api.example.com', '.example.com', '*.tenant.example.com', /^[a-z]+\\.example\\.com$/, '10.0.0.0/8'] }));`,
    `const hostValidation = require('host-validation');
app.use(hostValidation({ hosts: ['0.0.0.0:3000'] }));`,
    // The Host itself compared against loopback names.
    `app.use((req, res, next) => {
  if (!['localhost:3000', '127.0.0.1:3000'].includes(req.headers.host)) return res.sendStatus(403);
  next();
});`,
    // X-Forwarded-Host read for a presence check or for logging, not for a decision.
    "if (req.headers['x-forwarded-host'] === undefined) next();",
    "console.log('forwarded for', req.get('X-Forwarded-Host'));",
    // Issue 14 miss 4: v2 transports with protection on.
    `import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
const transport = new NodeStreamableHTTPServerTransport({ enableDnsRebindingProtection: true, allowedHosts: ['127.0.0.1'] });`,
    // webpack-dev-server with explicit hosts.
    `module.exports = { devServer: { allowedHosts: ['dev.example.com', '.example.com'] } };`,
    `module.exports = { devServer: { allowedHosts: 'auto', disableHostCheck: false } };`,
    `import WebpackDevServer from 'webpack-dev-server';
const server = new WebpackDevServer({ allowedHosts: ['localhost'] }, compiler);`,
    // Vite with an explicit list; '.localhost' is loopback only.
    `import { defineConfig } from 'vite';
export default defineConfig({ server: { allowedHosts: ['dev.example.com', '.localhost'] } });`,
    // A defineConfig that is not Vite's.
    `import { defineConfig } from './my-config.js';
export default defineConfig({ server: { allowedHosts: true } });`,
    // A plain object default export outside a vite.config file.
    { code: `export default { server: { allowedHosts: true } };`, filename: 'settings.js' },
    // Env switch read, not set; or set to 'false'.
    `if (process.env.DANGEROUSLY_DISABLE_HOST_CHECK === 'true') console.warn('unsafe');`,
    `process.env.DANGEROUSLY_DISABLE_HOST_CHECK = 'false';`,
    // MCP transport with protection on.
    `import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
const transport = new StreamableHTTPServerTransport({ enableDnsRebindingProtection: true, allowedHosts: ['127.0.0.1'] });`,
    // A same-named class that is not the MCP SDK's.
    `class StreamableHTTPServerTransport { constructor(o) { this.o = o; } }
new StreamableHTTPServerTransport({ enableDnsRebindingProtection: false });`,
    // rebind-guard with specific hosts and anchored RegExps.
    `import { createGuard, LOOPBACK_HOSTS } from '@rebind-guard/core';
const guard = createGuard({ hosts: ['api.example.com', /^[a-z]+\\.tenant\\.example\\.com$/, ...LOOPBACK_HOSTS] });`,
    `const hostValidation = require('host-validation');
app.use(hostValidation({ hosts: ['127.0.0.1:3000', /^(?:www\\.)?example\\.com$/] }));`,
    // Unresolvable hosts: silent.
    `import { rebindGuard } from '@rebind-guard/express';
app.use(rebindGuard({ hosts: process.env.HOSTS.split(',') }));`,
  ],
  invalid: [
    {
      // Issue 14 miss 6: entries core refuses at start-up, reported in the editor in core's words.
      code: `import { rebindGuard } from '@rebind-guard/express';
app.use(rebindGuard({ hosts: ['api.example.com', '0.0.0.0', '.co.uk', /^[\\w.-]+$/] }));`,
      errors: [
        {
          messageId: 'hostEntryRefused',
          data: { problem: hostEntryProblem('0.0.0.0') ?? '' },
          line: 2,
          column: 50,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `import { rebindGuard } from '@rebind-guard/express';
app.use(rebindGuard({ hosts: ['api.example.com', '.co.uk', /^[\\w.-]+$/] }));`,
            },
          ],
        },
        {
          messageId: 'hostEntryRefused',
          data: { problem: hostEntryProblem('.co.uk') ?? '' },
          line: 2,
          column: 61,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `import { rebindGuard } from '@rebind-guard/express';
app.use(rebindGuard({ hosts: ['api.example.com', '0.0.0.0', /^[\\w.-]+$/] }));`,
            },
          ],
        },
        {
          messageId: 'hostEntryRefused',
          data: { problem: hostEntryProblem(/^[\w.-]+$/) ?? '' },
          line: 2,
          column: 71,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `import { rebindGuard } from '@rebind-guard/express';
app.use(rebindGuard({ hosts: ['api.example.com', '0.0.0.0', '.co.uk'] }));`,
            },
          ],
        },
      ],
    },
    {
      code: `import { createGuard } from '@rebind-guard/core';
const HOSTS = ['https://api.example.com'];
createGuard({ hosts: HOSTS });`,
      errors: [
        {
          messageId: 'hostEntryRefused',
          data: { problem: hostEntryProblem('https://api.example.com') ?? '' },
          line: 2,
          column: 16,
          suggestions: [],
        },
      ],
    },
    {
      // guardUpgrades from @rebind-guard/core/node and rebindGuard.optional are rebind-guard factories too.
      code: `import { guardUpgrades } from '@rebind-guard/core/node';
guardUpgrades(server, { hosts: ['*'] });`,
      errors: [{ messageId: 'hostsMatchAll', line: 2, column: 33, suggestions: [] }],
    },
    {
      code: `import { rebindGuard } from '@rebind-guard/express';
app.use(rebindGuard.optional({ hosts: ['api.example.com', /.*/] }));`,
      errors: [
        {
          messageId: 'hostsMatchAll',
          line: 2,
          column: 59,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `import { rebindGuard } from '@rebind-guard/express';
app.use(rebindGuard.optional({ hosts: ['api.example.com'] }));`,
            },
          ],
        },
      ],
    },
    {
      // Issue 14 miss 2: a loopback check that reads X-Forwarded-Host before Host.
      code: `app.use((req, res, next) => {
  const host = req.headers['x-forwarded-host'] || req.headers.host;
  if (host !== 'localhost:3000') return res.status(403).end();
  next();
});`,
      errors: [{ messageId: 'forwardedHostTrusted', line: 3, column: 7 }],
    },
    {
      code: `const LOOPBACK = new Set(['localhost', '127.0.0.1']);
export function isLocal(req) {
  return LOOPBACK.has((req.get('X-Forwarded-Host') ?? req.hostname).split(':')[0]);
}`,
      errors: [{ messageId: 'forwardedHostTrusted', line: 3, column: 10 }],
    },
    {
      code: "if (ctx.get('Forwarded').includes('host=localhost')) ctx.state.local = true;",
      errors: [{ messageId: 'forwardedHostTrusted', line: 1, column: 5 }],
    },
    {
      // Issue 14 miss 4: v2 package names of the MCP transports.
      code: `import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableDnsRebindingProtection: false });`,
      errors: [{ messageId: 'mcpRebindingProtectionDisabled', line: 2, column: 90 }],
    },
    {
      code: `const { WebStandardStreamableHTTPServerTransport } = require('@modelcontextprotocol/server');
new WebStandardStreamableHTTPServerTransport({ enableDnsRebindingProtection: false });`,
      errors: [{ messageId: 'mcpRebindingProtectionDisabled', line: 2, column: 48 }],
    },
    {
      code: `import { SSEServerTransport } from '@modelcontextprotocol/server-legacy';
new SSEServerTransport('/messages', res, { enableDnsRebindingProtection: false });`,
      errors: [{ messageId: 'mcpRebindingProtectionDisabled', line: 2, column: 44 }],
    },
    {
      code: `module.exports = {
  devServer: { allowedHosts: 'all' },
};`,
      errors: [
        {
          messageId: 'webpackAllowedHostsAll',
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'useAuto',
              output: `module.exports = {
  devServer: { allowedHosts: 'auto' },
};`,
            },
          ],
        },
      ],
    },
    {
      // webpack-dev-server 3 style, const options.
      code: `const devServer = { disableHostCheck: true, hot: true };
module.exports = { devServer };`,
      errors: [
        {
          messageId: 'webpackDisableHostCheck',
          line: 1,
          column: 21,
          suggestions: [
            {
              messageId: 'useFalse',
              output: `const devServer = { disableHostCheck: false, hot: true };
module.exports = { devServer };`,
            },
          ],
        },
      ],
    },
    {
      code: `const Server = require('webpack-dev-server');
const server = new Server({ allowedHosts: 'all', port: 8080 }, compiler);`,
      errors: [
        {
          messageId: 'webpackAllowedHostsAll',
          line: 2,
          column: 29,
          suggestions: [
            {
              messageId: 'useAuto',
              output: `const Server = require('webpack-dev-server');
const server = new Server({ allowedHosts: 'auto', port: 8080 }, compiler);`,
            },
          ],
        },
      ],
    },
    {
      code: `import { defineConfig } from 'vite';
export default defineConfig({ server: { allowedHosts: true } });`,
      errors: [{ messageId: 'viteAllowedHostsTrue', line: 2, column: 41, suggestions: [] }],
    },
    {
      // Function config, preview section, aliased import.
      code: `import { defineConfig as config } from 'vitest/config';
export default config(({ mode }) => ({ preview: { allowedHosts: ['app.example.com', '.io'] } }));`,
      errors: [
        {
          messageId: 'topLevelDomainHost',
          line: 2,
          column: 85,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `import { defineConfig as config } from 'vitest/config';
export default config(({ mode }) => ({ preview: { allowedHosts: ['app.example.com'] } }));`,
            },
          ],
        },
      ],
    },
    {
      // Plain default export in vite.config.js.
      code: `export default { server: { host: true, allowedHosts: true } };`,
      filename: 'vite.config.js',
      errors: [{ messageId: 'viteAllowedHostsTrue', line: 1, column: 40, suggestions: [] }],
    },
    {
      code: `process.env.DANGEROUSLY_DISABLE_HOST_CHECK = 'true';`,
      errors: [{ messageId: 'disableHostCheckEnv', line: 1, column: 1, suggestions: [] }],
    },
    {
      code: `import process from 'node:process';
process.env['DANGEROUSLY_DISABLE_HOST_CHECK'] = true;`,
      errors: [{ messageId: 'disableHostCheckEnv', line: 2, column: 1, suggestions: [] }],
    },
    {
      code: `spawn('react-scripts', ['start'], { env: { ...process.env, DANGEROUSLY_DISABLE_HOST_CHECK: 'true' } });`,
      errors: [{ messageId: 'disableHostCheckEnv', line: 1, column: 60, suggestions: [] }],
    },
    {
      code: `import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableDnsRebindingProtection: false });`,
      errors: [{ messageId: 'mcpRebindingProtectionDisabled', line: 2, column: 86, suggestions: [] }],
    },
    {
      code: `const { SSEServerTransport } = require('@modelcontextprotocol/sdk/server/sse.js');
const transport = new SSEServerTransport('/messages', res, { enableDnsRebindingProtection: false });`,
      errors: [{ messageId: 'mcpRebindingProtectionDisabled', line: 2, column: 62, suggestions: [] }],
    },
    {
      code: `import { createGuard } from '@rebind-guard/core';
const guard = createGuard({ hosts: ['api.example.com', /.*/] });`,
      errors: [
        {
          messageId: 'hostsMatchAll',
          line: 2,
          column: 56,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `import { createGuard } from '@rebind-guard/core';
const guard = createGuard({ hosts: ['api.example.com'] });`,
            },
          ],
        },
      ],
    },
    {
      // Namespace import, const list, CIDR that matches everything.
      code: `import * as guardExpress from '@rebind-guard/express';
const HOSTS = ['0.0.0.0/0'];
app.use(guardExpress.rebindGuard({ hosts: HOSTS }));`,
      errors: [{ messageId: 'hostsMatchAll', line: 2, column: 16, suggestions: [] }],
    },
    {
      // Fastify plugin registration.
      code: `import rebindGuard from '@rebind-guard/fastify';
await app.register(rebindGuard, { hosts: ['localhost', new RegExp('^.*$')] });`,
      errors: [
        {
          messageId: 'hostsMatchAll',
          line: 2,
          column: 56,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `import rebindGuard from '@rebind-guard/fastify';
await app.register(rebindGuard, { hosts: ['localhost'] });`,
            },
          ],
        },
      ],
    },
    {
      code: `const { rebindGuard: guard } = require('@rebind-guard/koa');
app.use(guard({ hosts: ['::/0', 'api.example.com'] }));`,
      errors: [
        {
          messageId: 'hostsMatchAll',
          line: 2,
          column: 25,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `const { rebindGuard: guard } = require('@rebind-guard/koa');
app.use(guard({ hosts: ['api.example.com'] }));`,
            },
          ],
        },
      ],
    },
    {
      code: `import hostValidation from 'host-validation';
app.use(hostValidation({ hosts: [/.*/] }));`,
      errors: [{ messageId: 'hostsMatchAll', line: 2, column: 34, suggestions: [] }],
    },
    {
      // webpack allowedHosts with a TLD-wide entry.
      code: `module.exports = { devServer: { allowedHosts: ['.com', 'dev.example.com'] } };`,
      errors: [
        {
          messageId: 'topLevelDomainHost',
          line: 1,
          column: 48,
          suggestions: [
            {
              messageId: 'removeEntry',
              output: `module.exports = { devServer: { allowedHosts: ['dev.example.com'] } };`,
            },
          ],
        },
      ],
    },
  ],
  typescript: {
    valid: [
      `import type { UserConfig } from 'vite';
export const config: UserConfig = { server: { allowedHosts: ['dev.example.com'] } };`,
      `import { createGuard, type GuardOptions } from '@rebind-guard/core';
const options: GuardOptions = { hosts: ['api.example.com'] };
createGuard(options);`,
    ],
    invalid: [
      {
        code: `import type { UserConfig } from 'vite';
export default { server: { allowedHosts: true } } satisfies UserConfig;`,
        filename: 'vite.config.mts',
        errors: [{ messageId: 'viteAllowedHostsTrue', line: 2, column: 28, suggestions: [] }],
      },
      {
        code: `import type { Configuration } from 'webpack-dev-server';
const devServer: Configuration = { allowedHosts: 'all' as const };
export default { devServer } as const;`,
        errors: [
          {
            messageId: 'webpackAllowedHostsAll',
            line: 2,
            column: 36,
            suggestions: [
              {
                messageId: 'useAuto',
                output: `import type { Configuration } from 'webpack-dev-server';
const devServer: Configuration = { allowedHosts: 'auto' as const };
export default { devServer } as const;`,
              },
            ],
          },
        ],
      },
      {
        code: `import { createGuard } from '@rebind-guard/core';
const guard = createGuard({ hosts: ['*'] as string[] });`,
        errors: [{ messageId: 'hostsMatchAll', line: 2, column: 37, suggestions: [] }],
      },
    ],
  },
});
