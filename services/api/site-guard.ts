import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { AppError, ForbiddenError } from '../shared/errors.ts';
import type { AllowedHost } from '../shared/env.ts';

const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/;

/** "Example.com.:3000" → { name: 'example.com', port: 3000 }; undefined when it is no host. */
export function parseHost(value: string): AllowedHost | undefined {
  const match = HOST_HEADER.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const name = (match[1] ?? match[2] ?? '').replace(/\.$/, '');
  return name === '' ? undefined : { name, port: match[3] === undefined ? undefined : Number(match[3]) };
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The onRequest check of where a request comes from, before anything else runs.
 *
 * Host: a page on another site can make a browser send requests here by pointing its own name
 * at this address (DNS rebinding); the browser then treats this server as that site. So the Host
 * must be a name of this server: an IP address (a rebinding needs a name), localhost, or one of
 * `allowed` (ALLOWED_HOSTS and a named listen address). Anything else is answered 421.
 *
 * Writes: a browser sends a form or a text/plain POST to any site without asking first, and an
 * open server would act on it. A write whose Origin is not this server's (or, from a browser
 * that sends no Origin, whose Sec-Fetch-Site is cross-site or same-site) is refused 403. The CLI,
 * the simulator, the ingest service and scripts send neither and are not affected.
 */
export function createSiteGuard(allowed: readonly AllowedHost[]): (request: FastifyRequest) => Promise<void> {
  const listed = (host: AllowedHost) =>
    allowed.some((a) => a.name === host.name && (a.port === undefined || a.port === host.port));

  function hostAllowed(host: AllowedHost): boolean {
    return isIP(host.name) !== 0 || host.name === 'localhost' || host.name.endsWith('.localhost') || listed(host);
  }

  /** Same origin as the request (its Host), or a listed name. */
  function originAllowed(origin: string, host: AllowedHost | undefined): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file: pages) and anything unparsable
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const from = parseHost(url.host);
    if (!from) return false;
    const defaultPort = url.protocol === 'https:' ? 443 : 80;
    const samePort = (from.port ?? defaultPort) === (host?.port ?? defaultPort);
    return (host !== undefined && from.name === host.name && samePort) || listed(from);
  }

  return async (request) => {
    const header = request.headers.host;
    // HTTP/1.0 health checks send no Host; browsers always do.
    const host = header === undefined ? undefined : parseHost(header);
    if (header !== undefined && (host === undefined || !hostAllowed(host))) {
      throw new AppError(
        'host_not_allowed',
        `"${header}" 不是本服务的地址，请把它加入 ALLOWED_HOSTS / "${header}" is not a name of this server (Host header); if people reach the server by it, add it to ALLOWED_HOSTS`,
        421,
      );
    }
    if (READS.has(request.method)) return;
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    const crossSite =
      origin === undefined ? site === 'cross-site' || site === 'same-site' : !originAllowed(origin, host);
    if (crossSite) {
      const from = origin ?? `Sec-Fetch-Site: ${String(site)}`;
      throw new ForbiddenError(
        'cross_origin_refused',
        `拒绝来自其他网站的写入（${from}）/ a write from another site (${from}) is refused; if that page is yours, add its host to ALLOWED_HOSTS`,
      );
    }
  };
}
