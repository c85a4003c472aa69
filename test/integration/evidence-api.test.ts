import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { GPS_MARK, SMALL_PDF, jpegWithLocation, pngImage } from '../support/evidence-files.ts';
import { smallOrg } from '../support/fixtures.ts';
import { fixedClock, startTestLeaderboard, testDataDir } from '../support/test-leaderboard.ts';

/**
 * Evidence upload and download through the API on the real embedded engine with access control
 * on and the local store: limits and types with zh/en errors, photos re-encoded without their GPS
 * location, the same file stored once, and files served only within a token's scope.
 */
const clock = fixedClock('2026-03-10T12:00:00+08:00');
const ADMIN = `lbt_${'e'.repeat(43)}`;
const MAX = 64 * 1024;
let lb: Leaderboard;
const tokens: Record<string, string> = {};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function upload(crewId: string, body: Buffer | string, type: string, token = ADMIN, extra = '') {
  return lb.app.inject({
    method: 'POST',
    url: `/v1/evidence?crewId=${crewId}${extra}`,
    headers: { 'content-type': type, authorization: `Bearer ${token}` },
    payload: body,
  });
}
const download = (id: string, token = ADMIN) =>
  lb.app.inject({ method: 'GET', url: `/v1/evidence/${id}`, headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  lb = await startTestLeaderboard(clock, {
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
    EVIDENCE_MAX_BYTES: String(MAX),
  });
  const put = await lb.app.inject({
    method: 'PUT',
    url: '/v1/org',
    headers: { authorization: `Bearer ${ADMIN}` },
    payload: smallOrg,
  });
  expect(put.statusCode).toBe(200);
  for (const [key, body] of Object.entries({
    hz: { name: '杭州工会', role: 'organiser', branchIds: ['B1'] },
    nbStation: { name: '北仑加油站上报', role: 'ingest', unitIds: ['U3'] },
    viewer: { name: '查看', role: 'viewer' },
    reporter: { name: '西湖乙班安全员', role: 'reporter', crewIds: ['C2'] },
  })) {
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: body,
    });
    expect(res.statusCode).toBe(201);
    tokens[key] = res.json<{ token: string }>().token;
  }
});
afterAll(async () => {
  await lb.close();
});

describe('POST /v1/evidence', () => {
  it('re-encodes a photo without its EXIF: the served bytes carry no GPS location', async () => {
    const photo = await jpegWithLocation();
    // The crafted photo does carry a location, or this test would prove nothing.
    expect(photo.includes(GPS_MARK)).toBe(true);
    expect((await sharp(photo).metadata()).exif).toBeDefined();

    const res = await upload('C1', photo, 'image/jpeg', tokens['hz']);
    expect(res.statusCode).toBe(201);
    const stored = res.json<{ id: string; contentType: string; bytes: number; width: number; height: number }>();
    expect(stored).toMatchObject({ contentType: 'image/jpeg', width: 64, height: 48 });

    const served = await download(stored.id, tokens['hz']);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    const bytes = served.rawPayload;
    expect(stored.id).toBe(`sha256:${sha256(bytes)}`);
    expect(stored.bytes).toBe(bytes.length);
    expect(bytes.includes(GPS_MARK)).toBe(false);
    expect(bytes.includes('TestPhone')).toBe(false);
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
  });

  it('keeps the location only when an organiser asks (keepLocation=true); a sender may not', async () => {
    const photo = await jpegWithLocation({ r: 10, g: 200, b: 10 });
    const kept = await upload('C1', photo, 'image/jpeg', tokens['hz'], '&keepLocation=true');
    expect(kept.statusCode).toBe(201);
    const served = await download(kept.json<{ id: string }>().id, tokens['hz']);
    expect(served.rawPayload.includes(GPS_MARK)).toBe(true);

    const refused = await upload('C4', photo, 'image/jpeg', tokens['nbStation'], '&keepLocation=true');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'keep_location_forbidden' } });
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/只有组织者.*only an organiser/);
  });

  it('stores the same file once: same id, one file in DATA_DIR/evidence', async () => {
    const photo = await jpegWithLocation({ r: 1, g: 2, b: 3 });
    const first = await upload('C4', photo, 'image/jpeg', tokens['nbStation']);
    const second = await upload('C5', photo, 'image/jpeg', tokens['nbStation']);
    expect(first.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    const hex = first.json<{ id: string }>().id.slice('sha256:'.length);
    const folder = join(testDataDir(), 'evidence', hex.slice(0, 2));
    expect(readdirSync(folder).filter((f) => f.startsWith(hex))).toEqual([hex]);
    // Both uploads are recorded (who, for which crew); the bytes are not in ClickHouse.
    const rows = await lb.client.query({
      query: `SELECT crew_id, uploaded_by, content_type, bytes FROM evidence_uploads WHERE evidence_id = {id:String} ORDER BY crew_id`,
      query_params: { id: `sha256:${hex}` },
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([
      { crew_id: 'C4', uploaded_by: '北仑加油站上报', content_type: 'image/jpeg', bytes: expect.anything() },
      { crew_id: 'C5', uploaded_by: '北仑加油站上报', content_type: 'image/jpeg', bytes: expect.anything() },
    ]);
  });

  it('turns a photo upright from its EXIF orientation before dropping the EXIF', async () => {
    // Taken with the phone on its side: 64 × 48 pixels, orientation 6 (turn 90° clockwise to view).
    const sideways = await sharp(await jpegWithLocation({ r: 90, g: 90, b: 90 }))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
    const res = await upload('C1', sideways, 'image/jpeg');
    expect(res.json()).toMatchObject({ width: 48, height: 64 });
    const served = await download(res.json<{ id: string }>().id);
    const meta = await sharp(served.rawPayload).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([48, 64, undefined]);
  });

  it('takes PNG and PDF; a PDF is stored as sent', async () => {
    const png = await upload('C1', await pngImage(), 'image/png');
    expect(png.statusCode).toBe(201);
    expect(png.json()).toMatchObject({ contentType: 'image/png', width: 20, height: 10 });
    const pdf = await upload('C1', SMALL_PDF, 'application/pdf');
    expect(pdf.statusCode).toBe(201);
    expect(pdf.json()).toEqual({
      id: `sha256:${sha256(Buffer.from(SMALL_PDF))}`,
      contentType: 'application/pdf',
      bytes: Buffer.byteLength(SMALL_PDF),
    });
  });

  it('checks the bytes, not only the Content-Type: HTML labelled a JPEG, a PNG labelled a JPEG', async () => {
    const html = await upload('C1', '<html><script>alert(1)</script></html>', 'image/jpeg');
    expect(html.statusCode).toBe(415);
    expect(html.json()).toMatchObject({ error: { code: 'evidence_type_unknown' } });
    expect(html.json<{ error: { message: string } }>().error.message).toMatch(/不是 JPEG.*not a JPEG/);
    const mislabelled = await upload('C1', await pngImage(), 'image/jpeg');
    expect(mislabelled.statusCode).toBe(415);
    expect(mislabelled.json<{ error: { message: string } }>().error.message).toContain(
      'the Content-Type header says image/jpeg but the body is a PNG image: send Content-Type: image/png',
    );
  });

  it('refuses other types with the list of allowed ones (zh/en)', async () => {
    for (const type of ['text/html', 'application/json', 'image/gif']) {
      const res = await upload('C1', type === 'application/json' ? '{"a":1}' : 'GIF89a', type);
      expect(res.statusCode, type).toBe(415);
      expect(res.json(), type).toMatchObject({ error: { code: 'evidence_content_type' } });
      expect(res.json<{ error: { message: string } }>().error.message).toContain(
        'image/jpeg, image/png, image/webp, application/pdf',
      );
    }
  });

  it('refuses a body without a Content-Type, saying which types it takes', async () => {
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/evidence?crewId=C1',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: await pngImage(),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json<{ error: { message: string } }>().error.message).toContain(
      'image/jpeg, image/png, image/webp, application/pdf',
    );
  });

  it('refuses a file over EVIDENCE_MAX_BYTES with the limit in zh and en (413)', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX)]);
    const res = await upload('C1', big, 'application/pdf');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'evidence_too_large' } });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(
      /文件超过 0\.1 MiB 上限.*larger than the limit of 65536 bytes/,
    );
  });

  it('refuses a cut-off photo instead of storing it half grey (422)', async () => {
    const photo = await jpegWithLocation({ r: 9, g: 9, b: 9 }, 400, 300);
    const res = await upload('C1', photo.subarray(0, Math.floor(photo.length / 2)), 'image/jpeg');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: { code: 'evidence_image_unreadable' } });
  });

  it('refuses a crew out of the token’s scope (403) and an unknown crew (422 at crewId)', async () => {
    const photo = await jpegWithLocation();
    const out = await upload('C4', photo, 'image/jpeg', tokens['hz']);
    expect(out.statusCode).toBe(403);
    expect(out.json()).toMatchObject({ error: { code: 'crew_out_of_scope' } });
    const unknown = await upload('C-NONE', photo, 'image/jpeg');
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ error: { code: 'unknown_crew', details: [{ path: 'crewId' }] } });
    const viewer = await upload('C1', photo, 'image/jpeg', tokens['viewer']);
    expect(viewer.statusCode).toBe(403);
    const anonymous = await lb.app.inject({
      method: 'POST',
      url: '/v1/evidence?crewId=C1',
      headers: { 'content-type': 'image/jpeg' },
      payload: photo,
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('a reporter (limited to crew C2)', () => {
  it('uploads for its crew and sees it; not for another crew, not what others uploaded elsewhere', async () => {
    const photo = await jpegWithLocation({ r: 33, g: 44, b: 55 });
    const own = await upload('C2', photo, 'image/jpeg', tokens['reporter']);
    expect(own.statusCode).toBe(201);
    const { id } = own.json<{ id: string }>();
    const served = await download(id, tokens['reporter']);
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.includes(GPS_MARK)).toBe(false);
    // The unit's organiser (branch B1) sees the reporter's photo too: it reviews the report.
    expect((await download(id, tokens['hz'])).statusCode).toBe(200);

    expect((await upload('C1', photo, 'image/jpeg', tokens['reporter'])).statusCode).toBe(403);
    const elsewhere = await upload('C1', await jpegWithLocation({ r: 5, g: 4, b: 3 }), 'image/jpeg', tokens['hz']);
    expect((await download(elsewhere.json<{ id: string }>().id, tokens['reporter'])).statusCode).toBe(404);
  });

  it('may not keep a photo’s location', async () => {
    const res = await upload('C2', await jpegWithLocation(), 'image/jpeg', tokens['reporter'], '&keepLocation=true');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'keep_location_forbidden' } });
  });
});

describe('GET /v1/evidence/<id>', () => {
  it('serves a file only to tokens whose scope covers a crew it was uploaded for; 404 to others, as for no file', async () => {
    const photo = await jpegWithLocation({ r: 77, g: 66, b: 55 });
    const res = await upload('C4', photo, 'image/jpeg', tokens['nbStation']);
    const { id } = res.json<{ id: string }>();
    expect((await download(id, tokens['nbStation'])).statusCode).toBe(200);
    expect((await download(id, ADMIN)).statusCode).toBe(200);
    const outOfScope = await download(id, tokens['hz']);
    expect(outOfScope.statusCode).toBe(404);
    const missing = await download(`sha256:${'0'.repeat(64)}`, tokens['hz']);
    expect(missing.statusCode).toBe(404);
    // Nothing tells the two apart.
    expect(outOfScope.json()).toEqual({
      error: { ...missing.json<{ error: object }>().error, message: expect.any(String) },
    });
    expect(outOfScope.json<{ error: { code: string } }>().error.code).toBe('evidence_not_found');
    expect((await download(id, tokens['viewer'])).statusCode).toBe(403);
    const bad = await download('sha256:XYZ');
    expect(bad.statusCode).toBe(400);
  });

  it('serves files as private, immutable and sandboxed', async () => {
    const res = await upload('C1', SMALL_PDF, 'application/pdf');
    const served = await download(res.json<{ id: string }>().id);
    expect(served.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(served.headers['content-security-policy']).toContain('sandbox');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.body).toBe(SMALL_PDF);
  });
});
