/**
 * RFC 7239 `Forwarded` header parsing: the `host=` parameter of every element.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Returns the `host` values of every element of a `Forwarded` header value, in order, or
 * `undefined` when the value is not valid RFC 7239 syntax. Never throws.
 */
export function forwardedHosts(value: string): string[] | undefined {
  const hosts: string[] = [];
  let index = 0;
  const length = value.length;
  const skipSpaces = (): void => {
    while (index < length && (value[index] === ' ' || value[index] === '\t')) index++;
  };
  for (;;) {
    // One forwarded-element: pair *( ";" pair ); empty elements are tolerated as in lists (RFC 9110 §5.6.1).
    skipSpaces();
    if (value[index] === ',') {
      index++;
      continue;
    }
    if (index >= length) return hosts;
    for (;;) {
      skipSpaces();
      const equals = value.indexOf('=', index);
      if (equals === -1) return undefined;
      const name = value.slice(index, equals).trim();
      if (!TOKEN.test(name)) return undefined;
      index = equals + 1;
      let parameter: string;
      if (value[index] === '"') {
        index++;
        parameter = '';
        for (;;) {
          if (index >= length) return undefined;
          const char = value[index];
          if (char === '"') {
            index++;
            break;
          }
          if (char === '\\') {
            index++;
            if (index >= length) return undefined;
          }
          parameter += value.charAt(index);
          index++;
        }
      } else {
        const start = index;
        while (
          index < length &&
          value[index] !== ';' &&
          value[index] !== ',' &&
          value[index] !== ' ' &&
          value[index] !== '\t'
        )
          index++;
        parameter = value.slice(start, index);
        if (!TOKEN.test(parameter)) return undefined;
      }
      if (name.toLowerCase() === 'host') hosts.push(parameter);
      skipSpaces();
      if (index >= length) return hosts;
      if (value[index] === ';') {
        index++;
        continue;
      }
      if (value[index] === ',') {
        index++;
        break;
      }
      return undefined;
    }
  }
}
