import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Sidebar entries for the generated rule pages (docs/rules/, written by scripts/sync-rules.mjs). */
function ruleItems(): DefaultTheme.SidebarItem[] {
  const dir = join(docsRoot, 'rules');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file !== 'index.md')
    .sort()
    .map((file) => ({ text: file.slice(0, -3), link: `/rules/${file.slice(0, -3)}` }));
}

/** Sidebar entries for the generated API reference (docs/api/, written by typedoc). */
function apiItems(): DefaultTheme.SidebarItem[] {
  const dir = join(docsRoot, 'api');
  if (!existsSync(dir)) return [];
  const modules: DefaultTheme.SidebarItem[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (!statSync(path).isDirectory()) continue;
      if (existsSync(join(path, 'index.md'))) {
        const route = relative(docsRoot, path).split('\\').join('/');
        const label = route.replace(/^api\//, '');
        modules.push({ text: label, link: `/${route}/` });
      }
      if (!['functions', 'interfaces', 'type-aliases', 'variables', 'classes'].includes(name)) walk(path);
    }
  };
  walk(dir);
  return [{ text: 'Overview', link: '/api/' }, ...modules];
}

export default defineConfig({
  title: 'rebind-guard',
  description: 'DNS rebinding, Host, Origin and Bearer/JWT protection for Node.js HTTP APIs',
  lang: 'en-US',
  cleanUrls: true,
  ignoreDeadLinks: false,
  lastUpdated: false,
  srcExclude: ['scripts/**', 'README.md', 'node_modules/**'],
  sitemap: { hostname: 'https://rebind-guard.dev' },
  head: [
    ['link', { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }],
    ['meta', { name: 'theme-color', content: '#3c8772' }],
  ],
  themeConfig: {
    search: { provider: 'local' },
    nav: [
      { text: 'Guide', link: '/guide/why' },
      { text: 'Reference', link: '/reference/options' },
      { text: 'Result codes', link: '/reference/result-codes' },
      { text: 'ESLint rules', link: '/rules/' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/api/': [{ text: 'API reference', items: apiItems() }],
      '/': [
        {
          text: 'Guide',
          items: [
            { text: 'Why rebind-guard', link: '/guide/why' },
            { text: 'Express quick start', link: '/guide/express' },
            { text: 'Koa quick start', link: '/guide/koa' },
            { text: 'Fastify quick start', link: '/guide/fastify' },
            { text: 'Test tokens and curl', link: '/guide/tokens' },
            { text: 'Supported versions', link: '/guide/compatibility' },
            { text: 'Probe a running server (CLI)', link: '/guide/cli' },
          ],
        },
        {
          text: 'Reference',
          items: [
            { text: 'Configuration', link: '/reference/options' },
            { text: 'Result codes', link: '/reference/result-codes' },
            { text: 'Lint rule precision', link: '/reference/lint-precision' },
            { text: 'API (generated)', link: '/api/' },
          ],
        },
        {
          text: 'Recipes',
          collapsed: false,
          items: [
            { text: 'Reverse proxies and Kubernetes', link: '/recipes/reverse-proxy' },
            { text: 'Health checks', link: '/recipes/health-checks' },
            { text: 'JWKS and key rotation', link: '/recipes/jwks' },
            { text: 'WebSockets', link: '/recipes/websockets' },
            { text: 'Local dev and MCP servers', link: '/recipes/localhost' },
            { text: 'CORS from the same list', link: '/recipes/cors' },
          ],
        },
        {
          text: 'Migrating',
          collapsed: true,
          items: [
            { text: 'From host-validation', link: '/migrate/host-validation' },
            { text: 'From express-jwt', link: '/migrate/express-jwt' },
            { text: 'From koa-jwt', link: '/migrate/koa-jwt' },
            { text: 'From @fastify/jwt', link: '/migrate/fastify-jwt' },
            { text: 'From the MCP SDK host validation', link: '/migrate/mcp-sdk' },
          ],
        },
        { text: 'ESLint rules', link: '/rules/', collapsed: true, items: ruleItems() },
      ],
    },
    socialLinks: [{ icon: 'github', link: 'https://github.com/rebind-guard/rebind-guard' }],
    outline: { level: [2, 3] },
  },
});
