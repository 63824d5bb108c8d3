/**
 * RFC 7239 `Forwarded` header parsing: the `host=` parameter of every element.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A parameter value read from `value` at some index, and the index just after it. */
interface Read {
  readonly text: string;
  readonly end: number;
}

/** A quoted-string starting at `start` (on the opening quote), unescaped; `undefined` if unterminated. */
function readQuoted(value: string, start: number): Read | undefined {
  let text = '';
  for (let index = start + 1; index < value.length; index++) {
    const char = value[index];
    if (char === '"') return { text, end: index + 1 };
    if (char === '\\') index++;
    if (index >= value.length) return undefined;
    text += value.charAt(index);
  }
  return undefined;
}

/** A token starting at `start`, up to the next `;`, `,` or space; `undefined` if it is not a token. */
function readToken(value: string, start: number): Read | undefined {
  let end = start;
  while (end < value.length && !';, \t'.includes(value.charAt(end))) end++;
  const text = value.slice(start, end);
  return TOKEN.test(text) ? { text, end } : undefined;
}

function skipSpaces(value: string, start: number): number {
  let index = start;
  while (value[index] === ' ' || value[index] === '\t') index++;
  return index;
}

/**
 * Returns the `host` values of every element of a `Forwarded` header value, in order, or
 * `undefined` when the value is not valid RFC 7239 syntax. Never throws.
 *
 * Grammar: elements separated by `,` (empty ones tolerated, as in lists: RFC 9110 §5.6.1), each
 * `pair *( ";" pair )`, each pair `token "=" ( token / quoted-string )`.
 */
export function forwardedHosts(value: string): string[] | undefined {
  const hosts: string[] = [];
  let index = skipSpaces(value, 0);
  let pairRequired = false; // after a ";", another pair must follow
  while (index < value.length) {
    if (!pairRequired && value[index] === ',') {
      index = skipSpaces(value, index + 1);
      continue;
    }
    const equals = value.indexOf('=', index);
    if (equals === -1) return undefined;
    const name = value.slice(index, equals).trim();
    if (!TOKEN.test(name)) return undefined;
    const parameter = value[equals + 1] === '"' ? readQuoted(value, equals + 1) : readToken(value, equals + 1);
    if (parameter === undefined) return undefined;
    if (name.toLowerCase() === 'host') hosts.push(parameter.text);
    index = skipSpaces(value, parameter.end);
    pairRequired = value[index] === ';';
    if (index < value.length && !pairRequired && value[index] !== ',') return undefined;
    if (pairRequired) index = skipSpaces(value, index + 1);
  }
  return pairRequired ? undefined : hosts;
}
