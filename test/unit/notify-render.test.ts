import { describe, expect, it } from 'vitest';
import {
  TRUNCATED,
  WECOM_MAX_BYTES,
  dingtalkText,
  feishuMarkdown,
  fitBytes,
  wecomContent,
} from '../../services/notify/markdown-render.ts';
import { dingtalkSign, feishuSign } from '../../services/notify/signing.ts';
import { readAnswer, webhookRequest } from '../../services/notify/webhook-request.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const LINK = '[打开大屏](https://lb.example.cn/screens/s1)';
const fact = {
  title: '安康杯 · 12月5日亮晒',
  markdown: [
    '## 安康杯 · 12月5日亮晒',
    '**第一名** 西湖甲班 98.5 分',
    '- 2. 西湖乙班 90 分',
    '> 数据截至 18:00',
    LINK,
  ].join('\n'),
};

describe('markdown in each platform’s dialect', () => {
  it('企业微信 keeps the subset as written', () => {
    expect(wecomContent(fact.title, fact.markdown)).toBe(fact.markdown);
  });

  it('adds the title as a heading when the body has none', () => {
    expect(wecomContent('标题', '正文\n' + LINK)).toBe(`### 标题\n正文\n${LINK}`);
    expect(dingtalkText('标题', '正文')).toBe('### 标题\n\n正文');
  });

  it('钉钉 puts a blank line between lines so each stays on its own', () => {
    expect(dingtalkText(fact.title, fact.markdown)).toBe(fact.markdown.split('\n').join('\n\n'));
  });

  it('飞书 card markdown: headings become bold lines, quotes plain text', () => {
    expect(feishuMarkdown(fact.markdown).split('\n')).toEqual([
      '**安康杯 · 12月5日亮晒**',
      '**第一名** 西湖甲班 98.5 分',
      '- 2. 西湖乙班 90 分',
      '数据截至 18:00',
      LINK,
    ]);
  });
});

describe('fitting a size limit', () => {
  const rows = Array.from({ length: 400 }, (_, i) => `- ${i + 1}. 某某加油站第${i + 1}班组 ${(1000 - i) / 10} 分`);
  const long = ['## 每日亮晒', ...rows, LINK].join('\n');

  it('企业微信 content stays within 4096 bytes, keeps whole lines, the note and the link', () => {
    const content = wecomContent('每日亮晒', long);
    expect(bytes(long)).toBeGreaterThan(WECOM_MAX_BYTES);
    expect(bytes(content)).toBeLessThanOrEqual(WECOM_MAX_BYTES);
    const lines = content.split('\n');
    expect(lines[0]).toBe('## 每日亮晒');
    expect(lines.at(-1)).toBe(LINK);
    expect(lines.at(-2)).toBe(TRUNCATED);
    // Whole lines from the start, in order, nothing cut mid-line.
    expect(lines.slice(1, -2)).toEqual(rows.slice(0, lines.length - 3));
    expect(lines.length).toBeGreaterThan(50);
  });

  it('text that fits is unchanged; a single over-long line is cut at a code point', () => {
    expect(fitBytes('短消息', 100)).toBe('短消息');
    const cut = fitBytes('长'.repeat(2000), 300);
    expect(bytes(cut)).toBeLessThanOrEqual(300);
    expect(cut.endsWith(TRUNCATED)).toBe(true);
    expect(cut.startsWith('长长长')).toBe(true);
  });

  it('飞书 and 钉钉 bodies stay under 20 KB', () => {
    const huge = ['## 排名', ...rows, ...rows, ...rows, LINK].join('\n');
    for (const platform of ['dingtalk', 'feishu'] as const) {
      const request = webhookRequest(
        { platform, webhookUrl: 'https://x.example/robot', secret: 's' },
        { title: 't', markdown: huge },
        0,
      );
      expect(bytes(request.body)).toBeLessThan(20 * 1024);
      expect(request.body).toContain('lb.example.cn/screens/s1');
    }
  });
});

describe('signatures', () => {
  // Worked out with openssl (printf '<ts>\n<secret>' | openssl dgst -sha256 -hmac <key> -binary | base64).
  it('钉钉: HmacSHA256(key=secret, timestamp\\nsecret), in the query string URL-encoded', () => {
    expect(dingtalkSign('SECabc', 1_700_000_000_000)).toBe('jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM=');
    const request = webhookRequest(
      { platform: 'dingtalk', webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=tok', secret: 'SECabc' },
      fact,
      1_700_000_000_000,
    );
    const url = new URL(request.url);
    expect(url.searchParams.get('access_token')).toBe('tok');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(dingtalkSign('SECabc', 1_700_000_000_000));
    expect(request.url).not.toMatch(/sign=[^&]*[+/=]/u);
  });

  it('飞书: HmacSHA256(key=timestamp\\nsecret, empty message), in the body with the timestamp in seconds', () => {
    expect(feishuSign('abc', 1_700_000_000)).toBe('VIS10b0EBvzzSdFnuk4tznEmK5wHaruvf/WnViv2yR4=');
    const request = webhookRequest(
      { platform: 'feishu', webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/h', secret: 'abc' },
      fact,
      1_700_000_000_999,
    );
    expect(JSON.parse(request.body)).toMatchObject({
      timestamp: '1700000000',
      sign: feishuSign('abc', 1_700_000_000),
      msg_type: 'interactive',
      card: { header: { title: { tag: 'plain_text', content: fact.title } }, elements: [{ tag: 'markdown' }] },
    });
  });

  it('no secret: no signature', () => {
    const request = webhookRequest(
      { platform: 'dingtalk', webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=tok', secret: '' },
      fact,
      1,
    );
    expect(request.url).toBe('https://oapi.dingtalk.com/robot/send?access_token=tok');
  });
});

describe('reading the answer', () => {
  it.each([
    ['wecom', 200, '{"errcode":0,"errmsg":"ok"}', true],
    ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', false],
    ['dingtalk', 200, '{"errcode":0,"errmsg":"ok"}', true],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', false],
    ['feishu', 200, '{"code":0,"msg":"success"}', true],
    ['feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}', true],
    ['feishu', 200, '{"code":11232,"msg":"frequency limited"}', false],
    ['wecom', 500, '{"errcode":0}', false],
    ['wecom', 502, '<html>bad gateway</html>', false],
  ] as const)('%s HTTP %i %s → ok %s', (platform, status, text, ok) => {
    expect(readAnswer(platform, status, text).ok).toBe(ok);
  });

  it('says what the platform answered', () => {
    expect(readAnswer('wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}').answer).toBe(
      'errcode 45009: api freq out of limit',
    );
    expect(readAnswer('feishu', 200, '{"code":0,"msg":"success"}').answer).toBe('code 0: success');
    // A gateway's JSON error without the platform's fields: its body, not "errcode ?".
    expect(readAnswer('dingtalk', 500, '{"error":"internal"}').answer).toBe('HTTP 500: {"error":"internal"}');
  });
});
