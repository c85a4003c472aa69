import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A file served as it is from memory (a page's script or style), with an ETag of its bytes. */
export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** The same bytes gzipped once when built, for clients that accept it (with its own ETag). */
  gzip?: { body: Buffer; etag: string };
}

const tag = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/**
 * `gzip`: keep a gzipped copy too. The reporters' phone page asks for it: its React bundle is a
 * third of the size gzipped, which is seconds on a weak mobile signal (no compression plugin is
 * needed for a few files compressed once at build).
 */
export function staticAsset(body: Buffer, contentType: string, options: { gzip?: boolean } = {}): Asset {
  const asset: Asset = { body, contentType, etag: tag(body) };
  if (options.gzip) {
    const zipped = gzipSync(body, { level: 9 });
    asset.gzip = { body: zipped, etag: tag(zipped) };
  }
  return asset;
}

function acceptsGzip(request: FastifyRequest): boolean {
  return /\bgzip\b/i.test(request.headers['accept-encoding'] ?? '');
}

/**
 * Revalidated every time (no-cache with its ETag): a TV left on for weeks, or a print page kept
 * open, picks up a new release on its next reload, and an unchanged file costs a 304.
 */
export function sendStaticAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  const zipped = asset.gzip && acceptsGzip(request) ? asset.gzip : undefined;
  const etag = zipped?.etag ?? asset.etag;
  void reply.header('content-type', asset.contentType).header('etag', etag).header('cache-control', 'no-cache');
  if (asset.gzip) void reply.header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  if (zipped) return reply.header('content-encoding', 'gzip').send(zipped.body);
  return reply.send(asset.body);
}
