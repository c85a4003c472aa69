import { describe, expect, it } from 'vitest';
import { apiMessage } from '../../services/console/web/model/api-message.ts';
import { attachmentName } from '../../services/console/web/model/attachment-name.ts';
import { firstRunStep } from '../../services/console/web/model/first-run.ts';
import { points } from '../../services/console/web/model/format.ts';
import { branchAllowed, permissionsOf } from '../../services/console/web/model/permissions.ts';
import { matchRoute } from '../../services/console/web/model/route-match.ts';
import { isLoopbackOrigin, screenUrl } from '../../services/console/web/model/screen-url.ts';

describe('API messages in the console’s language', () => {
  it.each([
    ['令牌无效 / the API token is not known', 'zh', '令牌无效'],
    ['令牌无效 / the API token is not known', 'en', 'the API token is not known'],
    ['Too small: expected number to be >=0', 'zh', '不能小于 0'],
    ['Too small: expected number to be >0', 'zh', '必须大于 0'],
    ['Invalid input: expected number, received null', 'zh', '请填写数字'],
    ['Too small: expected string to have >=1 characters', 'zh', '不能为空'],
    ['cap is below floor', 'zh', '上限低于下限'],
    [
      'indicator weights add up to 3 (1 + 1 + 1); weightTotal says they must add up to 100',
      'zh',
      '各指标权重合计 3（1 + 1 + 1），应为 100',
    ],
    [
      'stage 2026-04-01 – 2026-04-30 is outside the competition period 2026-03-01 – 2026-03-31',
      'zh',
      '阶段 2026-04-01 至 2026-04-30 超出竞赛周期 2026-03-01 至 2026-03-31',
    ],
    // Unknown English stays as it is rather than being guessed at.
    ['something else entirely', 'zh', 'something else entirely'],
    ['Too small: expected number to be >=0', 'en', 'Too small: expected number to be >=0'],
  ] as const)('%s (%s)', (message, lang, shown) => {
    expect(apiMessage(message, lang)).toBe(shown);
  });
});

describe('what a token may do, as the API decides it', () => {
  const token = (role: 'admin' | 'organiser' | 'ingest' | 'viewer', branchIds: string[] = []) => ({
    authenticated: true,
    open: false,
    token: { id: 't', name: 'n', role, branchIds, unitIds: [] },
  });

  it.each([
    ['admin', token('admin'), { manage: true, manageGroup: true, tokens: true, readOnly: false }],
    ['HQ organiser', token('organiser'), { manage: true, manageGroup: true, tokens: false, readOnly: false }],
    [
      'branch organiser',
      token('organiser', ['B1']),
      { manage: true, manageGroup: false, tokens: false, readOnly: false },
    ],
    ['viewer', token('viewer'), { manage: false, manageGroup: false, tokens: false, readOnly: true }],
    ['ingest', token('ingest', ['B1']), { manage: false, manageGroup: false, tokens: false, readOnly: true }],
    ['open mode', { authenticated: false, open: true, token: null }, { manage: true, manageGroup: true, tokens: true }],
    [
      'no token, access control on',
      { authenticated: false, open: false, token: null },
      { manage: false, readOnly: true },
    ],
  ] as const)('%s', (_name, who, expected) => {
    expect(permissionsOf(who)).toMatchObject(expected);
  });

  it('limits a branch organiser’s rows to its branches', () => {
    const p = permissionsOf(token('organiser', ['B1']));
    expect([branchAllowed(p, 'B1'), branchAllowed(p, 'B2')]).toEqual([true, false]);
    expect(branchAllowed(permissionsOf(token('admin', [])), 'B2')).toBe(true);
    expect(branchAllowed(permissionsOf(token('viewer')), 'B1')).toBe(false);
  });
});

describe('the guided start', () => {
  const empty = { groupName: '集团公司', crews: [] };
  const ready = { groupName: '浙江能源集团', crews: [{}] };
  const published = [{ currentVersion: 1 }];
  it.each([
    ['an empty database', { org: empty, competitions: [], screenLinks: 0, fromGuide: false }, 0],
    [
      'colours chosen, no roster',
      { org: { ...empty, branding: {} }, competitions: [], screenLinks: 0, fromGuide: false },
      1,
    ],
    [
      'a roster, a draft only',
      { org: ready, competitions: [{ currentVersion: null }], screenLinks: 0, fromGuide: false },
      2,
    ],
    ['its competition just published', { org: ready, competitions: published, screenLinks: 0, fromGuide: true }, 3],
    ['its screen linked', { org: ready, competitions: published, screenLinks: 1, fromGuide: true }, 4],
    [
      'the demo, or a database set up with the CLI',
      { org: ready, competitions: published, screenLinks: 0, fromGuide: false },
      4,
    ],
  ] as const)('%s → step %i', (_name, state, step) => {
    expect(firstRunStep(state)).toBe(step);
  });
});

describe('small helpers', () => {
  it('matches console paths and decodes their parts', () => {
    expect(matchRoute('/competitions/:id', '/competitions/ankang-2026')).toEqual({ id: 'ankang-2026' });
    expect(matchRoute('/screens/:id', '/screens/competition.a%2Fb')).toEqual({ id: 'competition.a/b' });
    expect(matchRoute('/competitions/:id', '/competitions/a/edit')).toBeNull();
    expect(matchRoute('/', '/')).toEqual({});
    expect(matchRoute('/screens/:id', '/screens/%E0%A4%A')).toBeNull();
  });

  it('says when a TV could not reach the address the console runs on', () => {
    expect(['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000'].map(isLoopbackOrigin)).toEqual([
      true,
      true,
      true,
    ]);
    expect(isLoopbackOrigin('http://192.168.1.20:3000')).toBe(false);
    expect(screenUrl('http://192.168.1.20:3000/', '/screens/x?token=dl_1')).toBe(
      'http://192.168.1.20:3000/screens/x?token=dl_1',
    );
  });

  it('writes points without float noise', () => {
    expect([points(54.9), points(12.899999999), points(40), points(null), points(-10.5)]).toEqual([
      '54.9',
      '12.9',
      '40',
      '—',
      '-10.5',
    ]);
  });

  it('saves a download under the Chinese name the server gives, else its plain name, else its own', () => {
    const chinese = encodeURIComponent('安康杯竞赛-2026年3月-结算排名.xlsx');
    expect(attachmentName(`attachment; filename="final.xlsx"; filename*=UTF-8''${chinese}`, 'x.xlsx')).toBe(
      '安康杯竞赛-2026年3月-结算排名.xlsx',
    );
    expect(attachmentName(`attachment; filename*=utf-8''%E5%90%8D.xlsx; filename="a.xlsx"`, 'x.xlsx')).toBe('名.xlsx');
    expect(attachmentName(`attachment; filename="final.xlsx"; filename*=UTF-8''%E0%A4%A`, 'x.xlsx')).toBe('final.xlsx');
    expect(attachmentName('attachment', 'x.xlsx')).toBe('x.xlsx');
    expect(attachmentName(null, 'x.xlsx')).toBe('x.xlsx');
  });
});
