import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../services/api/config.ts';

/** The evidence store's variables, parsed once with the API's. */
describe('evidence configuration', () => {
  it('defaults to a folder beside the data and 10 MiB', () => {
    expect(parseConfig({ DATA_DIR: '/srv/leaderboard' }).evidence).toEqual({
      store: 'local',
      dir: '/srv/leaderboard/evidence',
      maxBytes: 10 * 1024 * 1024,
      maxPixels: 50_000_000,
    });
  });

  it('takes S3 with its endpoint, bucket and key', () => {
    const config = parseConfig({
      EVIDENCE_STORE: 's3',
      EVIDENCE_S3_ENDPOINT: 'http://minio:9000',
      EVIDENCE_S3_ACCESS_KEY: 'leaderboard',
      EVIDENCE_S3_SECRET_KEY: 'secret-secret',
      EVIDENCE_MAX_BYTES: '2097152',
    }).evidence;
    expect(config).toMatchObject({
      store: 's3',
      maxBytes: 2 * 1024 * 1024,
      s3: { endpoint: 'http://minio:9000', bucket: 'evidence', region: 'us-east-1', prefix: '' },
    });
  });

  it('refuses s3 without what it needs, naming each variable', () => {
    expect(() => parseConfig({ EVIDENCE_STORE: 's3', EVIDENCE_S3_ENDPOINT: 'http://minio:9000' })).toThrow(ConfigError);
    expect(() => parseConfig({ EVIDENCE_STORE: 's3' })).toThrow(
      /EVIDENCE_S3_ENDPOINT: needed with EVIDENCE_STORE=s3.*EVIDENCE_S3_ACCESS_KEY: needed.*EVIDENCE_S3_SECRET_KEY: needed/,
    );
  });

  it('refuses an unknown store, a bucket name S3 would refuse and a limit below 1 KiB', () => {
    expect(() => parseConfig({ EVIDENCE_STORE: 'ftp' })).toThrow(/EVIDENCE_STORE/);
    expect(() => parseConfig({ EVIDENCE_S3_BUCKET: 'Evidence_Photos' })).toThrow(/EVIDENCE_S3_BUCKET/);
    expect(() => parseConfig({ EVIDENCE_MAX_BYTES: '10' })).toThrow(/EVIDENCE_MAX_BYTES/);
  });
});
