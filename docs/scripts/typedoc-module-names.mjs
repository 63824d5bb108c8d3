// @ts-check
/**
 * TypeDoc plugin: names the API modules after their import specifiers ("@rebind-guard/core",
 * "@rebind-guard/core/node", …) instead of their source folders ("core/src", "core/src/node").
 */
import { Converter } from 'typedoc';

const NAMES = {
  'core/src': '@rebind-guard/core',
  'core/src/node': '@rebind-guard/core/node',
  'express/src': '@rebind-guard/express',
  'koa/src': '@rebind-guard/koa',
  'fastify/src': '@rebind-guard/fastify',
  'eslint-plugin/src': '@rebind-guard/eslint-plugin',
  'cli/src': '@rebind-guard/cli',
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.children ?? []) {
      const name = NAMES[/** @type {keyof typeof NAMES} */ (module.name)];
      if (name !== undefined) module.name = name;
    }
  });
}
