/**
 * The JWT APIs the JWT rules understand, recognised through import tracking.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { type ImportContext, matchesImport, resolveImport } from './imports.js';

/** One recognised JWT API. */
export type JwtApiId =
  | 'jsonwebtoken.verify'
  | 'jsonwebtoken.sign'
  | 'jose.jwtVerify'
  | 'express-jwt'
  | 'koa-jwt'
  | 'fastify-jwt'
  | 'fast-jwt'
  | 'jws.verify'
  | 'passport-jwt';

/** A call (or `new`) of a recognised JWT API. */
export interface JwtApiCall {
  id: JwtApiId;
  /** How messages name the API, e.g. `jwt.verify()`. */
  label: string;
  node: TSESTree.CallExpression | TSESTree.NewExpression;
  /** Index of the options argument. */
  optionsIndex: number;
  /** The options argument, if passed (may be any expression; resolve it). */
  options: TSESTree.Node | undefined;
  /** The key / secret argument for APIs that take it positionally. */
  key: TSESTree.Node | undefined;
  /** Name of the secret option for middleware-style APIs (`secret`, `secretOrKey`). */
  secretOption: string | undefined;
}

/** Arguments up to the first spread; a spread makes later positions unknown. */
function argumentAt(
  node: TSESTree.CallExpression | TSESTree.NewExpression,
  index: number,
): TSESTree.Node | undefined | null {
  for (let position = 0; position <= index; position += 1) {
    const argument = node.arguments[position];
    if (argument === undefined) return undefined;
    if (argument.type === AST_NODE_TYPES.SpreadElement) return null;
  }
  return node.arguments[index];
}

function make(
  id: JwtApiId,
  label: string,
  node: TSESTree.CallExpression | TSESTree.NewExpression,
  optionsIndex: number,
  keyIndex: number | undefined,
  secretOption: string | undefined,
): JwtApiCall | undefined {
  const options = argumentAt(node, optionsIndex);
  const key = keyIndex === undefined ? undefined : argumentAt(node, keyIndex);
  // A spread before the options/key position: positions are unknown, stay silent.
  if (options === null || key === null) return undefined;
  return { id, label, node, optionsIndex, options, key, secretOption };
}

/** Modules of @fastify/jwt (and its pre-scope name). */
export const FASTIFY_JWT_MODULES = ['@fastify/jwt', 'fastify-jwt'] as const;

/**
 * Recognises a call or `new` of a JWT API whose options / key the rules inspect:
 * jsonwebtoken `verify`/`sign`, jose `jwtVerify`, express-jwt `expressjwt` (and the pre-v7 default
 * export), koa-jwt's default export, `app.register(fastifyJwt, options)`, passport-jwt
 * `new Strategy(options, verify)`, fast-jwt `createVerifier(options)` and
 * `jws.verify(signature, algorithm, key)` (its "options" slot is the positional algorithm).
 *
 * @example
 * ```ts
 * const call = matchJwtApiCall(context, node);
 * if (call?.id === 'jsonwebtoken.verify') { ... }
 * ```
 */
export function matchJwtApiCall(
  context: ImportContext,
  node: TSESTree.CallExpression | TSESTree.NewExpression,
): JwtApiCall | undefined {
  if (node.type === AST_NODE_TYPES.NewExpression) {
    const ref = resolveImport(context, node.callee);
    if (matchesImport(ref, 'passport-jwt', ['Strategy']))
      return make('passport-jwt', 'passport-jwt Strategy', node, 0, undefined, 'secretOrKey');
    return undefined;
  }
  const ref = resolveImport(context, node.callee);
  if (matchesImport(ref, 'jsonwebtoken', ['verify']))
    return make('jsonwebtoken.verify', 'jwt.verify()', node, 2, 1, undefined);
  if (matchesImport(ref, 'jsonwebtoken', ['sign']))
    return make('jsonwebtoken.sign', 'jwt.sign()', node, 2, 1, undefined);
  if (matchesImport(ref, 'jose', ['jwtVerify']))
    return make('jose.jwtVerify', 'jose jwtVerify()', node, 2, 1, undefined);
  if (matchesImport(ref, 'express-jwt', ['expressjwt']) || matchesImport(ref, 'express-jwt', [])) {
    return make('express-jwt', 'expressjwt()', node, 0, undefined, 'secret');
  }
  if (matchesImport(ref, 'koa-jwt', [])) return make('koa-jwt', 'koa-jwt', node, 0, undefined, 'secret');
  if (matchesImport(ref, 'fast-jwt', ['createVerifier']))
    return make('fast-jwt', 'fast-jwt createVerifier()', node, 0, undefined, 'key');
  if (matchesImport(ref, 'jws', ['verify'])) return make('jws.verify', 'jws.verify()', node, 1, 2, undefined);
  // app.register(fastifyJwt, { secret, verify: { … } })
  const callee = node.callee;
  const first = node.arguments[0];
  if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    !callee.computed &&
    callee.property.type === AST_NODE_TYPES.Identifier &&
    callee.property.name === 'register' &&
    first !== undefined &&
    first.type !== AST_NODE_TYPES.SpreadElement
  ) {
    const plugin = resolveImport(context, first);
    if (matchesImport(plugin, FASTIFY_JWT_MODULES, []) || matchesImport(plugin, FASTIFY_JWT_MODULES, ['fastifyJwt'])) {
      return make('fastify-jwt', '@fastify/jwt', node, 1, undefined, 'secret');
    }
  }
  return undefined;
}
