import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  APP_FRAMEWORKS_TEXT,
  type AppFramework,
  appFrameworkOf,
  findProperty,
  findVariableFor,
  type ImportRef,
  isCreateGuard,
  isHostAllowlistCheck,
  isHostValidatorFactory,
  isMcpTransport,
  isTestFile,
  matchesImport,
  memberName,
  mentions,
  resolveConstNode,
  resolveFunction,
  resolveImport,
  staticBoolean,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

/** A user-declared host validator: an imported identifier name, or a module export. */
export type ValidatorOption = string | { module: string; name?: string };

type Options = [{ validators: ValidatorOption[]; ignoreTestFiles?: boolean }];
type MessageIds = 'missingHostValidation';

const HTTP_MODULES = ['http', 'https', 'http2'] as const;

/** App methods that register routes (Express, Koa, Fastify). */
const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'get',
  'post',
  'put',
  'delete',
  'patch',
  'all',
  'options',
  'head',
  'route',
]);

/** App methods that return the app, so a call chain keeps talking to it. */
const CHAINABLE_METHODS: ReadonlySet<string> = new Set([
  ...ROUTE_METHODS,
  'use',
  'register',
  'addHook',
  'set',
  'enable',
  'disable',
  'engine',
  'param',
  'decorate',
  'decorateRequest',
  'decorateReply',
  'setErrorHandler',
  'setNotFoundHandler',
]);

const FRAMEWORK_LABEL: Record<AppFramework, { name: string; install: string }> = {
  express: { name: 'Express', install: "app.use(rebindGuard({ hosts: [...] })) from '@rebind-guard/express'" },
  koa: { name: 'Koa', install: "app.use(rebindGuard({ hosts: [...] })) from '@rebind-guard/koa'" },
  fastify: { name: 'Fastify', install: "app.register(rebindGuard, { hosts: [...] }) from '@rebind-guard/fastify'" },
};

interface TrackedApp {
  node: TSESTree.CallExpression | TSESTree.NewExpression;
  framework: AppFramework;
  declarator: TSESTree.VariableDeclarator;
  variable: TSESLint.Scope.Variable;
  /** Created in an export assignment: `const app = module.exports = new Koa()`. */
  exported: boolean;
}

interface AppFacts {
  routes: boolean;
  serves: boolean;
  validated: boolean;
  escaped: boolean;
}

export default createRule<Options, MessageIds>({
  name: 'require-host-validation',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require Express, Koa and Fastify apps that serve routes to register a Host header validator such as rebind-guard.',
      recommended: true,
    },
    messages: {
      missingHostValidation:
        'This {{framework}} app serves routes without validating the Host header, so a DNS-rebinding page can reach it as if it were same-origin. Register a Host allowlist first: {{install}}.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          validators: {
            type: 'array',
            description:
              'Extra middleware / plugins that validate the Host header. A string is an identifier name (the local name, or the imported name of an import); an object names a module export.',
            items: {
              oneOf: [
                { type: 'string', description: 'Identifier name of a Host-validating middleware factory or plugin.' },
                {
                  type: 'object',
                  description: 'A Host-validating export of a module.',
                  properties: {
                    module: {
                      type: 'string',
                      description: "Module specifier exactly as imported, e.g. '@acme/security' or './host-check.js'.",
                    },
                    name: {
                      type: 'string',
                      description:
                        "Export name; omit (or 'default') for the default export / the whole CommonJS module.",
                    },
                  },
                  required: ['module'],
                  additionalProperties: false,
                },
              ],
            },
          },
          ignoreTestFiles: {
            type: 'boolean',
            description:
              'Skip test files (paths relative to the ESLint cwd matching **/*.test.*, **/*.spec.*, **/test/**, **/tests/**, **/__tests__/** or **/__mocks__/**): tests start throwaway apps without a Host allowlist on purpose.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ validators: [], ignoreTestFiles: true }],
  },
  create(context, [options]) {
    if (!mentions(context, APP_FRAMEWORKS_TEXT)) return {};
    if (options.ignoreTestFiles !== false && isTestFile(context.filename, context.cwd)) return {};
    const apps: TrackedApp[] = [];
    let createsCoreGuard = false;
    let protectedMcpTransport = false;

    /** `new StreamableHTTPServerTransport({ enableDnsRebindingProtection: true, … })` (v1 or v2 names). */
    function isProtectedMcpTransport(node: TSESTree.NewExpression): boolean {
      if (!isMcpTransport(resolveImport(context, node.callee))) return false;
      return node.arguments.some((argument) => {
        if (argument.type === AST_NODE_TYPES.SpreadElement) return false;
        const options = resolveConstNode(context, argument);
        if (options?.type !== AST_NODE_TYPES.ObjectExpression) return false;
        const flag = findProperty(context, options, 'enableDnsRebindingProtection');
        return flag.found === true && staticBoolean(context, flag.value) === true;
      });
    }

    function isBuiltinValidator(ref: ImportRef | undefined): boolean {
      return isHostValidatorFactory(ref);
    }

    function isUserValidator(ref: ImportRef | undefined, node: TSESTree.Node): boolean {
      for (const spec of options.validators) {
        if (typeof spec === 'string') {
          if (node.type === AST_NODE_TYPES.Identifier && node.name === spec) return true;
          if (node.type === AST_NODE_TYPES.MemberExpression && memberName(node) === spec) return true;
          if (ref !== undefined && ref.path[ref.path.length - 1] === spec) return true;
        } else {
          const path = spec.name === undefined || spec.name === 'default' ? [] : [spec.name];
          if (matchesImport(ref, spec.module, path)) return true;
        }
      }
      return false;
    }

    /** Is this middleware / plugin argument a Host validator (or a call producing one)? */
    function isValidator(raw: TSESTree.Node, depth = 0): boolean {
      if (depth > 4) return false;
      const node = unwrapExpression(raw);
      switch (node.type) {
        case AST_NODE_TYPES.ArrayExpression:
          return node.elements.some(
            (element) =>
              element !== null && element.type !== AST_NODE_TYPES.SpreadElement && isValidator(element, depth + 1),
          );
        case AST_NODE_TYPES.CallExpression: {
          const callee = unwrapExpression(node.callee);
          const ref = resolveImport(context, callee);
          return isBuiltinValidator(ref) || isUserValidator(ref, callee);
        }
        case AST_NODE_TYPES.AwaitExpression:
          return isValidator(node.argument, depth + 1);
        case AST_NODE_TYPES.ArrowFunctionExpression:
        case AST_NODE_TYPES.FunctionExpression:
          // An inline middleware that rejects Hosts not on a list.
          return isHostAllowlistCheck(context, node);
        case AST_NODE_TYPES.ImportExpression:
        case AST_NODE_TYPES.MemberExpression:
          return (
            isBuiltinValidator(resolveImport(context, node)) || isUserValidator(resolveImport(context, node), node)
          );
        case AST_NODE_TYPES.Identifier: {
          const ref = resolveImport(context, node);
          if (isBuiltinValidator(ref) || isUserValidator(ref, node)) return true;
          const fn = resolveFunction(context, node);
          if (fn !== undefined) return isHostAllowlistCheck(context, fn);
          // `const guard = rebindGuard({...}); app.use(guard)`
          const variable = findVariableFor(context, node);
          const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
          if (
            def?.type !== TSESLint.Scope.DefinitionType.Variable ||
            def.node.init === null ||
            def.node.id.type !== AST_NODE_TYPES.Identifier
          )
            return false;
          return isValidator(def.node.init, depth + 1);
        }
        default:
          return false;
      }
    }

    function isCreateServer(call: TSESTree.CallExpression): boolean {
      const ref = resolveImport(context, call.callee);
      return (
        matchesImport(ref, HTTP_MODULES, ['createServer']) || matchesImport(ref, HTTP_MODULES, ['createSecureServer'])
      );
    }

    function isModuleExports(raw: TSESTree.Node): boolean {
      const node = unwrapExpression(raw);
      if (node.type === AST_NODE_TYPES.Identifier)
        return node.name === 'exports' && findVariableFor(context, node)?.defs.length !== 1;
      if (node.type !== AST_NODE_TYPES.MemberExpression) return false;
      const object = unwrapExpression(node.object);
      if (object.type === AST_NODE_TYPES.Identifier && object.name === 'module' && memberName(node) === 'exports')
        return true;
      return isModuleExports(object);
    }

    /** Skip wrappers that keep the value: `app as Express`, `app!`, `(app)`. */
    function climb(node: TSESTree.Node): TSESTree.Node {
      let current = node;
      while (
        current.parent !== undefined &&
        (current.parent.type === AST_NODE_TYPES.TSAsExpression ||
          current.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
          current.parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
          current.parent.type === AST_NODE_TYPES.TSTypeAssertion)
      ) {
        current = current.parent;
      }
      return current;
    }

    function handleMethod(method: string, call: TSESTree.CallExpression, facts: AppFacts): void {
      const args = call.arguments.filter(
        (argument): argument is TSESTree.Expression => argument.type !== AST_NODE_TYPES.SpreadElement,
      );
      if (ROUTE_METHODS.has(method)) {
        // `app.get('env')` with one argument reads an Express setting.
        if (method !== 'get' || call.arguments.length >= 2) facts.routes = true;
        return;
      }
      switch (method) {
        case 'use':
          if (args.some((argument) => isValidator(argument))) facts.validated = true;
          else facts.routes = true;
          return;
        case 'register': {
          const [plugin] = args;
          if (plugin !== undefined && isValidator(plugin)) facts.validated = true;
          else facts.routes = true;
          return;
        }
        case 'addHook': {
          if (args.slice(1).some((argument) => isValidator(argument))) facts.validated = true;
          return;
        }
        case 'listen':
        case 'callback':
          facts.serves = true;
          return;
        default:
          return;
      }
    }

    /** Is the object literal `object` exported (`module.exports = { app }`, `export default { app }`)? */
    function isExportedObject(object: TSESTree.ObjectExpression): boolean {
      const holder = climb(object);
      const parent = holder.parent;
      if (parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration) return true;
      return (
        parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === holder && isModuleExports(parent.left)
      );
    }

    function analyse(app: TrackedApp): AppFacts {
      const facts: AppFacts = { routes: false, serves: app.exported, validated: false, escaped: false };
      const declaration = app.declarator.parent;
      if (declaration.parent.type === AST_NODE_TYPES.ExportNamedDeclaration) facts.serves = true;

      for (const reference of app.variable.references) {
        if (reference.init === true) continue;
        if (reference.isWrite()) {
          facts.escaped = true; // reassigned: we no longer know which app this is
          continue;
        }
        const node = climb(reference.identifier);
        let current: TSESTree.Node = node;
        let usedAsObject = false;
        for (;;) {
          const parent = current.parent;
          if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== current) break;
          usedAsObject = true;
          const method = memberName(parent);
          const call = parent.parent;
          if (method === undefined || call.type !== AST_NODE_TYPES.CallExpression || call.callee !== parent) break;
          handleMethod(method, call, facts);
          if (!CHAINABLE_METHODS.has(method)) break;
          current = call;
        }
        if (usedAsObject) continue;

        const parent = node.parent;
        if (parent === undefined) continue;
        switch (parent.type) {
          case AST_NODE_TYPES.CallExpression:
            if (parent.callee === node) break;
            if (isCreateServer(parent)) facts.serves = true;
            else facts.escaped = true; // handed to code that may register a validator
            break;
          case AST_NODE_TYPES.NewExpression:
            if (parent.callee !== node) facts.escaped = true;
            break;
          case AST_NODE_TYPES.ExportDefaultDeclaration:
          case AST_NODE_TYPES.ExportSpecifier:
          case AST_NODE_TYPES.ReturnStatement:
            facts.serves = true;
            break;
          case AST_NODE_TYPES.ArrowFunctionExpression:
            if (parent.body === node) facts.serves = true;
            break;
          case AST_NODE_TYPES.AssignmentExpression:
            if (parent.right === node && isModuleExports(parent.left)) facts.serves = true;
            else facts.escaped = true;
            break;
          case AST_NODE_TYPES.Property:
            if (
              parent.value === node &&
              parent.parent.type === AST_NODE_TYPES.ObjectExpression &&
              isExportedObject(parent.parent)
            ) {
              facts.serves = true;
            } else {
              facts.escaped = true;
            }
            break;
          case AST_NODE_TYPES.VariableDeclarator:
          case AST_NODE_TYPES.ArrayExpression:
          case AST_NODE_TYPES.SpreadElement:
            facts.escaped = true;
            break;
          default:
            break;
        }
      }
      return facts;
    }

    function track(node: TSESTree.CallExpression | TSESTree.NewExpression): void {
      const framework = appFrameworkOf(context, node);
      if (framework === undefined) return;
      let holder: TSESTree.Node = climb(node);
      if (holder.parent?.type === AST_NODE_TYPES.AwaitExpression) holder = climb(holder.parent);
      // `const app = module.exports = new Koa()`, `const app = exports.app = express()`
      let exported = false;
      while (
        holder.parent?.type === AST_NODE_TYPES.AssignmentExpression &&
        holder.parent.right === holder &&
        isModuleExports(holder.parent.left)
      ) {
        exported = true;
        holder = climb(holder.parent);
      }
      const declarator = holder.parent;
      if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== holder) return;
      if (declarator.id.type !== AST_NODE_TYPES.Identifier) return;
      const variable = findVariableFor(context, declarator.id);
      if (variable === null) return;
      apps.push({ node, framework, declarator, variable, exported });
    }

    return {
      CallExpression(node) {
        if (isCreateGuard(resolveImport(context, node.callee))) {
          createsCoreGuard = true;
          return;
        }
        track(node);
      },
      NewExpression(node) {
        if (isProtectedMcpTransport(node)) protectedMcpTransport = true;
        track(node);
      },
      'Program:exit'() {
        // A module that builds a core guard wires it by hand (a custom adapter): stay silent.
        if (createsCoreGuard) return;
        // The MCP transport validates the Host of the requests it serves (the app's MCP routes).
        if (protectedMcpTransport) return;
        for (const app of apps) {
          const facts = analyse(app);
          if (!facts.routes || !facts.serves || facts.validated || facts.escaped) continue;
          const label = FRAMEWORK_LABEL[app.framework];
          context.report({
            node: app.node,
            messageId: 'missingHostValidation',
            data: { framework: label.name, install: label.install },
          });
        }
      },
    };
  },
});
