/**
 * Keeps secrets out of the log. Display links carry their token in the URL (a TV cannot send a
 * header) and people paste tokens into any query name, percent-encoded or not; so anything shaped
 * like one of our tokens, and the configured secrets themselves, is replaced wherever it appears
 * in a logged URL or header, as are the values of parameters whose name says they hold a secret.
 */

export const REDACTED = '[redacted]';

/** API tokens (lbt_ and 43 base64url characters) and display-link tokens (dl_ and 32), cut short or not. */
const TOKEN_SHAPE = /(?<![A-Za-z0-9])(?:lbt|dl)_[A-Za-z0-9_-]{8,}/i;
const SECRET_NAME = /token|secret|passw|auth|key|sig/i;
/** Headers whose whole value is a credential. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Undoes percent-encoding byte by byte, repeatedly (double encoding too); malformed escapes stay. */
function decode(text: string): string {
  let current = text;
  for (let i = 0; i < 5; i++) {
    const next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) return next;
    current = next;
  }
  return current;
}

export interface Redactor {
  /** Whether the text, decoded, holds a secret. */
  holdsSecret(text: string): boolean;
  /** The URL with every path segment and query value that holds a secret replaced. */
  url(url: string): string;
  /** A header's value, or [redacted] when it is a credential or holds a secret. */
  header(name: string, value: unknown): unknown;
}

export function createRedactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const known = secrets.filter((s): s is string => s !== undefined && s.length >= 8);
  const holdsSecret = (text: string): boolean => {
    const plain = decode(text);
    return TOKEN_SHAPE.test(plain) || known.some((s) => plain.includes(s));
  };

  function queryPair(pair: string): string {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (holdsSecret(name)) return REDACTED;
    if (eq < 0) return pair;
    return SECRET_NAME.test(decode(name)) || holdsSecret(pair.slice(eq + 1)) ? `${name}=${REDACTED}` : pair;
  }

  function url(raw: string): string {
    const q = raw.indexOf('?');
    const path = (q < 0 ? raw : raw.slice(0, q))
      .split('/')
      .map((segment) => (holdsSecret(segment) ? REDACTED : segment))
      .join('/');
    const out =
      q < 0
        ? path
        : `${path}?${raw
            .slice(q + 1)
            .split('&')
            .map(queryPair)
            .join('&')}`;
    // A secret split in a way the parts above do not see: keep nothing of it.
    return holdsSecret(out) ? REDACTED : out;
  }

  return {
    holdsSecret,
    url,
    header(name, value) {
      if (CREDENTIAL_HEADERS.has(name.toLowerCase())) return REDACTED;
      if (typeof value === 'string') return holdsSecret(value) ? REDACTED : value;
      if (Array.isArray(value))
        return value.map((v: unknown) => (typeof v === 'string' && holdsSecret(v) ? REDACTED : v));
      return value;
    },
  };
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

/**
 * pino options for a service's HTTP logger: fastify's request serializer with the URL and Host
 * redacted, and every header anyone logs (req.headers, headers) passed through the redactor.
 */
export function redactingLogOptions(secrets: readonly (string | undefined)[]) {
  const redactor = createRedactor(secrets);
  return {
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: typeof req.url === 'string' ? redactor.url(req.url) : req.url,
        host: redactor.header('host', req.host),
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
    redact: {
      paths: ['req.headers.*', 'headers.*', 'request.headers.*', 'url', 'request.url'],
      censor: (value: unknown, path: string[]) => {
        const name = path[path.length - 1] ?? '';
        if (name === 'url') return typeof value === 'string' ? redactor.url(value) : value;
        return redactor.header(name, value);
      },
    },
  };
}
