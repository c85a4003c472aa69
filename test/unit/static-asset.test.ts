import Fastify from 'fastify';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sendStaticAsset, staticAsset } from '../../services/shared/static-asset.ts';

/** The phone page's bundle goes gzipped to browsers that accept it, as it is to those that do not. */
describe('static assets with a gzipped copy', () => {
  const body = Buffer.from('export const words = "安全上报";\n'.repeat(200));
  const app = Fastify();
  const zipped = staticAsset(body, 'text/javascript; charset=utf-8', { gzip: true });
  const plain = staticAsset(body, 'text/javascript; charset=utf-8');
  app.get('/zipped.js', (request, reply) => sendStaticAsset(request, reply, zipped));
  app.get('/plain.js', (request, reply) => sendStaticAsset(request, reply, plain));

  it('sends the gzipped bytes with their own ETag to a browser that accepts gzip, and revalidates them', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/zipped.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(res.rawPayload.length).toBeLessThan(body.length / 10);
    expect(gunzipSync(res.rawPayload).equals(body)).toBe(true);
    expect(res.headers.etag).not.toBe(zipped.etag);
    const again = await app.inject({
      method: 'GET',
      url: '/zipped.js',
      headers: { 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('sends the bytes as they are without accept-encoding, and for an asset built without a copy', async () => {
    const res = await app.inject({ method: 'GET', url: '/zipped.js' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rawPayload.equals(body)).toBe(true);
    expect(res.headers.etag).toBe(zipped.etag);
    const other = await app.inject({ method: 'GET', url: '/plain.js', headers: { 'accept-encoding': 'gzip' } });
    expect(other.headers['content-encoding']).toBeUndefined();
    expect(other.headers['vary']).toBeUndefined();
    expect(other.rawPayload.equals(body)).toBe(true);
  });
});
