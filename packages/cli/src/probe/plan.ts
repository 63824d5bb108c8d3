/**
 * Which routes are probed, which one is primary (baseline and host-level probes), what is skipped
 * and why, and in which order the probe groups are sent.
 *
 * @packageDocumentation
 */
import {
  hostProbes,
  isSafeMethod,
  routeProbes,
  type BatteryContext,
  type ProbeDefinition,
  type Route,
} from './battery.js';
import type { ProbeOptions } from './engine.js';
import type { ApiSpec } from './openapi.js';
import { UsageError } from '../usage-error.js';

/** The routes to probe; `skipped` says, for the report, what was left out and how to include it. */
export interface Plan {
  readonly spec?: ApiSpec | undefined;
  readonly routes: readonly Route[];
  readonly primary: Route;
  readonly skipped: string[];
}

function listRoutes(routes: readonly Route[]): string {
  const shown = routes.slice(0, 3).map((route) => `${route.method} ${route.target}`);
  return routes.length > shown.length
    ? `${shown.join(', ')} and ${routes.length - shown.length} more`
    : shown.join(', ');
}

/** Without `--unsafe`, drops the state-changing routes and records that in `skipped`. */
function keepAllowed(all: readonly Route[], unsafeAllowed: boolean, skipped: string[]): Route[] {
  const held = all.filter((route) => !isSafeMethod(route.method));
  if (unsafeAllowed || held.length === 0) return [...all];
  skipped.push(
    `state-changing requests (${listRoutes(held)}) and their CSRF probes: pass --unsafe to send them (they may create, change or delete data on the target)`,
  );
  return all.filter((route) => isSafeMethod(route.method));
}

/** Every operation of the spec; the primary route is its first static GET (else any GET). */
function specPlan(url: URL, spec: ApiSpec, unsafeAllowed: boolean, haveToken: boolean): Plan {
  const skipped: string[] = [];
  const base = url.pathname.replace(/\/+$/, '');
  const all = spec.operations.map((operation) => ({
    method: operation.method,
    target: `${base}${operation.path}`,
    requiresToken: operation.requiresToken,
  }));
  const routes = keepAllowed(all, unsafeAllowed, skipped);
  const staticGet = spec.operations.findIndex(
    (operation) => operation.method === 'GET' && !operation.specPath.includes('{'),
  );
  const anyGet = spec.operations.findIndex((operation) => operation.method === 'GET');
  const primary = all[staticGet >= 0 ? staticGet : anyGet >= 0 ? anyGet : 0];
  if (primary === undefined) throw new UsageError(`${spec.file}: no operations`);
  if (!unsafeAllowed && !isSafeMethod(primary.method)) {
    throw new UsageError(
      `${spec.file} has no GET operation, and without --unsafe the probe sends no other method; add a GET route to the spec or pass --unsafe`,
    );
  }
  if (!haveToken && routes.some((route) => route.requiresToken)) {
    skipped.push('token replay, malformed and duplicate Authorization probes: pass --token (or --key to mint tokens)');
  }
  return { spec, routes, primary, skipped };
}

/** Without a spec: GET on the URL, plus `--method` (default POST) on it when that is unsafe. */
function urlPlan(url: URL, options: ProbeOptions, haveToken: boolean): Plan {
  const skipped: string[] = [];
  const target = `${url.pathname}${url.search}`;
  const method = (options.method ?? 'POST').toUpperCase();
  if (!/^[A-Z]+$/.test(method))
    throw new UsageError(`--method ${JSON.stringify(options.method)} is not an HTTP method, e.g. POST`);
  const primary: Route = { method: 'GET', target, requiresToken: haveToken };
  const all = isSafeMethod(method) ? [primary] : [primary, { method, target, requiresToken: haveToken }];
  const routes = keepAllowed(all, options.unsafe === true, skipped);
  if (!haveToken)
    skipped.push(
      'auth probes: pass --token (or --key to mint tokens) or --openapi with Bearer security to say the route needs a token',
    );
  return { routes, primary, skipped };
}

/** Plans the run from the spec when there is one, else from the URL and `--method`. */
export function plan(url: URL, options: ProbeOptions, spec: ApiSpec | undefined, haveToken: boolean): Plan {
  return spec === undefined
    ? urlPlan(url, options, haveToken)
    : specPlan(url, spec, options.unsafe === true, haveToken);
}

/**
 * The probes in sending order: the host-level group (with the WebSocket probe) on the primary
 * route, then one group per route, safe routes first so that what a state-changing request deletes
 * cannot change their verdicts.
 */
export function probeGroups(context: BatteryContext, { routes, primary }: Plan): ProbeDefinition[][] {
  const ordered = [
    ...routes.filter((route) => isSafeMethod(route.method)),
    ...routes.filter((route) => !isSafeMethod(route.method)),
  ];
  return [hostProbes(context, primary), ...ordered.map((route) => routeProbes(context, route))];
}
