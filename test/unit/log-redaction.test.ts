import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../services/shared/log-redaction.ts';
import { percentEncodeEvery } from '../support/raw-http.ts';

const API = `lbt_${'Ab9-_'.repeat(8)}xyz`;
const LINK = `dl_${'Zq3_'.repeat(8)}`;
const BOOTSTRAP = 'change-me-admin-token-of-at-least-32-characters';

describe('createRedactor().url', () => {
  const redactor = createRedactor([BOOTSTRAP, undefined]);
  it.each([
    { name: 'a display link', url: `/screens/s1?token=${LINK}&lang=en`, out: '/screens/s1?token=[redacted]&lang=en' },
    { name: 'another query name', url: `/v1/x?access_token=${API}`, out: '/v1/x?access_token=[redacted]' },
    { name: 'an encoded name', url: `/v1/x?%74oken=${API}`, out: '/v1/x?%74oken=[redacted]' },
    { name: 'any name, by shape', url: `/v1/x?q=${API}&limit=5`, out: '/v1/x?q=[redacted]&limit=5' },
    { name: 'an encoded value', url: `/v1/x?q=${percentEncodeEvery(API)}`, out: '/v1/x?q=[redacted]' },
    {
      name: 'a doubly encoded value',
      url: `/v1/x?q=${encodeURIComponent(percentEncodeEvery(LINK))}`,
      out: '/v1/x?q=[redacted]',
    },
    { name: 'a secret as a name', url: `/v1/x?${API}`, out: '/v1/x?[redacted]' },
    { name: 'in the path', url: `/v1/tokens/${API}/x`, out: '/v1/tokens/[redacted]/x' },
    { name: 'the bootstrap token', url: `/v1/x?q=${BOOTSTRAP}`, out: '/v1/x?q=[redacted]' },
    { name: 'the bootstrap token encoded', url: `/v1/x?q=${percentEncodeEvery(BOOTSTRAP)}`, out: '/v1/x?q=[redacted]' },
    { name: 'a cut-short token', url: `/v1/x?q=lbt_abcdefgh`, out: '/v1/x?q=[redacted]' },
    { name: 'a secret-named value of any shape', url: '/v1/x?password=hunter2', out: '/v1/x?password=[redacted]' },
    { name: 'nothing secret', url: '/v1/competitions/model_abcdefgh/standings?limit=5', out: null },
    { name: 'malformed escapes', url: '/v1/x?q=%zz%4', out: null },
  ])('$name', ({ url, out }) => {
    expect(redactor.url(url)).toBe(out ?? url);
  });
});

describe('createRedactor().header', () => {
  const redactor = createRedactor([]);
  it.each([
    { name: 'authorization', value: 'Bearer anything', out: '[redacted]' },
    { name: 'Cookie', value: 'a=b', out: '[redacted]' },
    { name: 'referer', value: `http://h/screens/s1?token=${LINK}`, out: '[redacted]' },
    { name: 'host', value: 'h:3000', out: 'h:3000' },
    { name: 'x-forwarded-for', value: ['1.2.3.4', API], out: ['1.2.3.4', '[redacted]'] },
  ])('$name', ({ name, value, out }) => {
    expect(redactor.header(name, value)).toEqual(out);
  });
});
