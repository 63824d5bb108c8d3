/**
 * Command-line parsing (`node:util` `parseArgs`) and help texts.
 *
 * @packageDocumentation
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { UsageError } from './usage-error.js';

export const MAIN_HELP = `rebind-guard — DNS rebinding, Host, Origin and Bearer-token checks for Node.js HTTP APIs

Usage:
  rebind-guard <command> [options]

Commands:
  probe <url>   Send rebinding, CSRF, WebSocket and token attacks to a running server and
                report which ones got through (GET/HEAD/OPTIONS only unless --unsafe;
                exit 0: no browser-reachable attack did, 1: one did, 2: error)

Options:
  -h, --help     Show help (also: rebind-guard <command> --help)
  -v, --version  Show the version

Docs: https://rebind-guard.dev
`;

export const PROBE_HELP = `Usage:
  rebind-guard probe <url> [options]

Sends attack requests to the server at <url> (and nowhere else), each next to a legitimate
control request to the same route, after one legitimate baseline GET with Host = the URL's host.

Safe by default: without --unsafe only GET, HEAD and OPTIONS requests and WebSocket handshakes
are sent. POST/PUT/PATCH/DELETE routes (the --method route, unsafe --openapi operations) and
their CSRF probes are skipped and listed at the end of the report.

  rebinding   foreign Host (rebind.test), lookalike Host, foreign Host with a spoofed
              X-Forwarded-Host, valid token replayed under a foreign Host
  csrf        unsafe method with a cross-site Origin, Origin: null, lookalike Origin/Referer
              (only with --unsafe)
  websocket   RFC 6455 handshake with a foreign Origin (fresh random key per request)
  auth        missing, wrong-scheme, malformed and duplicate Authorization; alg:none,
              wrong-audience and expired tokens (minted with --key)
  parsing     userinfo and path in Host, duplicate Host, absolute-form target, HTTP/1.0
              without Host

Verdicts: "accepted" when the attack gets 2xx/3xx (101 for a handshake), "blocked" on 4xx/5xx
or a closed connection, "inconclusive" when the legitimate control to the same route fails too.

Findings are browser-reachable (a web page can send the request: cross-site, or same-origin
after a DNS rebind) or hardening (no browser can send it: duplicate Host, absolute-form,
HTTP/1.0, userinfo or path in Host; or it needs a valid token the page lacks).

Options:
      --unsafe           Also send state-changing requests (POST/PUT/PATCH/DELETE). They are
                         real: they may create, change or delete data on the target. Attacks
                         go before the legitimate control, and a 404/405/410 answer to an
                         attack counts as inconclusive, never as blocked
      --strict           Hardening findings fail the run too (exit 1)
      --openapi FILE     OpenAPI 3 / Swagger 2 document (JSON or YAML): probe every operation
                         (unsafe ones only with --unsafe), learn which need a Bearer token,
                         compare servers[] hosts with the hosts the server actually answers
      --token TOKEN      A valid Bearer token for the API (enables the token probes)
      --key KEY          Signing key to mint tokens: an HS* secret, a PEM private key, or
                         @FILE to read it from a file
      --alg ALG          Algorithm for minted tokens (default HS256, RS256 for a PEM key)
      --audience AUD     Audience of minted tokens
      --issuer ISS       Issuer of minted tokens
      --origin ORIGIN    An origin the server trusts, e.g. https://app.example.com, sent on
                         control requests (repeatable; the first is used)
      --method METHOD    Method of the state-changing route without --openapi (default POST;
                         needs --unsafe)
      --ws-path PATH     Path of the WebSocket endpoint (default: the URL's path)
      --ws-protocol P    Subprotocol to offer in WebSocket handshakes, e.g. vite-hmr
      --host-name NAME   Foreign host name for rebinding probes (default rebind.test)
      --connect H:P      Connect to host:port instead of the URL's host (Host stays the URL's)
      --timeout MS       Per-request timeout in milliseconds (default 5000)
      --insecure         Accept any TLS certificate
      --json             Print one JSON document on stdout instead of the human report
      --sarif FILE       Also write a SARIF 2.1.0 log to FILE (for GitHub code scanning)
      --no-color         No colours (also when NO_COLOR is set or stdout is not a TTY)
  -h, --help             Show this help

Exit codes: 0 no browser-reachable attack got through (hardening findings alone pass unless
--strict), 1 at least one did (or any finding, with --strict), 2 usage or connection error.

Examples:
  rebind-guard probe http://localhost:3000/
  rebind-guard probe http://localhost:5173/ --ws-protocol vite-hmr
  rebind-guard probe http://localhost:3000/ --openapi openapi.yaml --token "$TOKEN" --unsafe
  rebind-guard probe https://api.example.com/ --connect 127.0.0.1:8443 --insecure \\
      --sarif probe.sarif

Docs: https://rebind-guard.dev/guide/cli
`;

/** Parsed `probe` command line. */
export interface ProbeArgs {
  readonly help: boolean;
  readonly url?: string | undefined;
  readonly openapi?: string | undefined;
  readonly token?: string | undefined;
  readonly key?: string | undefined;
  readonly alg?: string | undefined;
  readonly audience?: string | undefined;
  readonly issuer?: string | undefined;
  readonly origins: readonly string[];
  readonly method?: string | undefined;
  readonly unsafe: boolean;
  readonly strict: boolean;
  readonly wsPath?: string | undefined;
  readonly wsProtocol?: string | undefined;
  readonly hostName?: string | undefined;
  readonly connect?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly insecure: boolean;
  readonly json: boolean;
  readonly sarif?: string | undefined;
  readonly noColor: boolean;
}

/** `parseArgs` options of the `probe` command. */
const PROBE_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  openapi: { type: 'string' },
  token: { type: 'string' },
  key: { type: 'string' },
  alg: { type: 'string' },
  audience: { type: 'string' },
  issuer: { type: 'string' },
  origin: { type: 'string', multiple: true },
  method: { type: 'string' },
  unsafe: { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  'ws-path': { type: 'string' },
  'ws-protocol': { type: 'string' },
  'host-name': { type: 'string' },
  connect: { type: 'string' },
  timeout: { type: 'string' },
  insecure: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  sarif: { type: 'string' },
  'no-color': { type: 'boolean', default: false },
} as const satisfies ParseArgsOptionsConfig;

/**
 * The usage message for an option the command does not know. `help` is the command that lists the
 * options, e.g. `rebind-guard probe --help`.
 */
export function unknownOption(raw: string, help: string): string {
  return `unknown option ${raw}; run ${help} for the options.`;
}

/**
 * One line that says what is wrong with `args`, after `parseArgs` refused them. The offending
 * argument is found from `parseArgs`' own tokens (parsed again, leniently), not from its message
 * text; Node's first message line is the fallback.
 */
function describeParseError(args: readonly string[], options: ParseArgsOptionsConfig, error: unknown): string {
  const help = 'rebind-guard probe --help';
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const { rawName, value } = token;
    const option = options[token.name];
    if (option === undefined) return unknownOption(rawName, help);
    if (option.type === 'boolean' && value !== undefined)
      return `${rawName} takes no value (got ${rawName}=${value}); it is a switch: write ${rawName}.`;
    if (option.type === 'string' && value === undefined)
      return `${rawName} needs a value; run ${help} for the options.`;
    if (option.type === 'string' && token.inlineValue === false && value?.startsWith('-') === true) {
      return `${rawName} needs a value, got the option ${value}; to pass a value that starts with -, write ${rawName}=${value}.`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

function timeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--timeout ${JSON.stringify(value)} must be a positive number of milliseconds, e.g. 5000`);
  return Number(value);
}

function parseProbeLine(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: PROBE_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(args, PROBE_OPTIONS, error));
  }
}

type ProbeValues = ReturnType<typeof parseProbeLine>['values'];

function helpOnly(values: ProbeValues): ProbeArgs {
  return {
    help: true,
    origins: [],
    unsafe: false,
    strict: false,
    insecure: false,
    json: false,
    noColor: values['no-color'],
  };
}

function targetUrl(positionals: readonly string[]): string {
  const [url] = positionals;
  if (url === undefined)
    throw new UsageError('probe needs the URL of the server to probe, e.g. rebind-guard probe http://localhost:3000/');
  if (positionals.length > 1)
    throw new UsageError(`probe takes one URL, got ${positionals.length}: ${positionals.join(' ')}`);
  return url;
}

/**
 * Parses the arguments after `probe`. Throws {@link UsageError} with one line that names the
 * offending argument for an unknown option, a missing value or a bad one.
 */
export function parseProbeArgs(args: readonly string[]): ProbeArgs {
  const { values, positionals } = parseProbeLine(args);
  if (values.help) return helpOnly(values);
  return {
    help: false,
    url: targetUrl(positionals),
    openapi: values.openapi,
    token: values.token,
    key: values.key,
    alg: values.alg,
    audience: values.audience,
    issuer: values.issuer,
    origins: values.origin ?? [],
    method: values.method,
    unsafe: values.unsafe,
    strict: values.strict,
    wsPath: values['ws-path'],
    wsProtocol: values['ws-protocol'],
    hostName: values['host-name'],
    connect: values.connect,
    timeoutMs: timeout(values.timeout),
    insecure: values.insecure,
    json: values.json,
    sarif: values.sarif,
    noColor: values['no-color'],
  };
}
