import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A file served as it is from memory (a page's script or style), with an ETag of its bytes. */
export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

export function staticAsset(body: Buffer, contentType: string): Asset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Revalidated every time (no-cache with its ETag): a TV left on for weeks, or a print page kept
 * open, picks up a new release on its next reload, and an unchanged file costs a 304.
 */
export function sendStaticAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  void reply.header('content-type', asset.contentType).header('etag', asset.etag).header('cache-control', 'no-cache');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.send(asset.body);
}
