import { describe, expect, it } from 'vitest';
import {
  chineseDayWithWeekday,
  dailyStandingsMessage,
  hazardOverdueMessage,
  noticeConfirmedMessage,
  noticeOpenedMessage,
  plain,
  points,
  publicLinks,
  vetoMessage,
} from '../../services/notify/facts/fact-messages.ts';
import { entrantName } from '../../services/notify/facts/standings-facts.ts';

const links = publicLinks('https://lb.example.cn/');

describe('message parts', () => {
  it.each([
    { text: '加油站*一班*', out: '加油站＊一班＊' },
    { text: '[城东](http://x)', out: '［城东］(http://x)' },
    { text: ' 二班\n> 引用 ', out: '二班 ＞ 引用' },
  ])('plain($text)', ({ text, out }) => {
    expect(plain(text)).toBe(out);
  });

  it.each([
    { score: 96.5, out: '96.5' },
    { score: 96.456, out: '96.46' },
    { score: 80, out: '80' },
    { score: -2.1, out: '-2.1' },
  ])('points($score) = $out', ({ score, out }) => {
    expect(points(score)).toBe(out);
  });

  it.each([
    // 2026-10-14 is a Wednesday; 2026-10-09 a Friday.
    { day: '2026-10-14', out: '2026年10月14日（星期三）' },
    { day: '2026-10-09', out: '2026年10月9日（星期五）' },
  ])('$day', ({ day, out }) => {
    expect(chineseDayWithWeekday(day, true)).toBe(out);
  });

  it('links to the competition screen, a crew on it, and a period’s printable results', () => {
    expect(links.screen('ankang-2026')).toBe('https://lb.example.cn/screens/competition.ankang-2026');
    expect(links.screen('ankang-2026', 'crew 1')).toBe(
      'https://lb.example.cn/screens/competition.ankang-2026?crew=crew%201',
    );
    expect(links.periodResults('ankang-2026', 'q3', 'notice')).toBe(
      'https://lb.example.cn/print/competitions/ankang-2026/periods/q3?title=notice',
    );
  });
});

describe('messages', () => {
  it('daily standings', () => {
    const message = dailyStandingsMessage(links, {
      competitionName: '安康杯',
      competitionId: 'ankang-2026',
      entrants: 'crew',
      total: 24,
      day: '2026-12-05',
      at: '18:00',
      rows: [
        { rank: 1, name: '城东站一班', score: 96.5, rankChange: 2, disqualified: false },
        { rank: 2, name: '城西站二班', score: 95, rankChange: -1, disqualified: false },
        { rank: 3, name: '北站三班', score: 90.25, rankChange: 0, disqualified: false },
      ],
    });
    expect(message.title).toBe('安康杯 · 12月5日亮晒');
    expect(message.markdown).toBe(
      [
        '## 安康杯 · 12月5日亮晒',
        '截至12月5日 18:00，共 24 个班组参赛，前 3 名：',
        '',
        '- **第1名** 城东站一班　96.5分 ↑2',
        '- **第2名** 城西站二班　95分 ↓1',
        '- **第3名** 北站三班　90.25分',
        '',
        '[查看大屏排名](https://lb.example.cn/screens/competition.ankang-2026)',
      ].join('\n'),
    );
  });

  it('a veto', () => {
    const message = vetoMessage(links, {
      competitionName: '安康杯',
      competitionId: 'ankang-2026',
      day: '2026-12-05',
      entrant: { id: 'crew-7', name: '北站三班' },
      veto: { name: '重伤事故', effect: 'disqualify', reason: '重伤 1 起' },
    });
    expect(message.title).toBe('安康杯 · 一票否决：北站三班');
    expect(message.markdown).toContain('12月5日，**北站三班** 触发「重伤事故」：重伤 1 起。\n> 本次竞赛取消评比资格。');
    expect(message.markdown).toContain('(https://lb.example.cn/screens/competition.ankang-2026?crew=crew-7)');
  });

  it('a 公示 opening says its last day in working days', () => {
    const message = noticeOpenedMessage(links, {
      competitionName: '安康杯',
      competitionId: 'ankang-2026',
      periodId: 'q3',
      periodName: '第三季度',
      startsOn: '2026-09-30',
      endsOn: '2026-10-14',
      workingDays: 5,
    });
    expect(message.title).toBe('安康杯 · 第三季度结果公示');
    expect(message.markdown).toContain(
      '第三季度已结算，结果自9月30日起公示 5 个工作日，至 **2026年10月14日（星期三）**（含）止，节假日不计。',
    );
    expect(message.markdown).toContain(
      '(https://lb.example.cn/print/competitions/ankang-2026/periods/q3?title=notice)',
    );
  });

  it('the results confirmed', () => {
    const message = noticeConfirmedMessage(links, {
      competitionName: '安康杯',
      competitionId: 'ankang-2026',
      periodId: 'q3',
      periodName: '第三季度',
      confirmedOn: '2026-10-16',
      objections: 1,
    });
    expect(message.markdown).toContain(
      '第三季度公示期满，1 条异议均已处理，结果已于2026年10月16日确认为**正式结果**。',
    );
  });

  it('an overdue hazard', () => {
    const message = hazardOverdueMessage(links, {
      competitionName: '安康杯',
      competitionId: 'ankang-2026',
      crewId: 'crew-1',
      crewName: '城东站一班',
      unitName: '城东加油站',
      foundOn: '2026-12-02',
      deadline: '2026-12-05',
      location: '3号加油机',
      description: null,
    });
    expect(message.title).toBe('隐患逾期未整改：城东站一班');
    expect(message.markdown).toBe(
      [
        '## 隐患逾期未整改：城东站一班',
        '**城东加油站 · 城东站一班** 12月2日发现的隐患，整改期限12月5日已过，仍未整改。',
        '- 地点：3号加油机',
        '> 逾期未整改按「安康杯」考核细则扣分，请尽快整改并上报整改情况。',
        '',
        '[查看班组排名](https://lb.example.cn/screens/competition.ankang-2026?crew=crew-1)',
      ].join('\n'),
    );
  });
});

describe('entrantName', () => {
  it.each([
    { entrants: 'crew' as const, row: { crewName: '西湖甲班', unitName: '西湖加油站' }, out: '西湖甲班（西湖加油站）' },
    {
      entrants: 'person' as const,
      row: { crewName: '张三', unitName: '西湖加油站', personCrewName: '西湖甲班' },
      out: '张三（西湖甲班）',
    },
    // A unit's row names the unit in both: once is enough.
    { entrants: 'unit' as const, row: { crewName: '西湖加油站', unitName: '西湖加油站' }, out: '西湖加油站' },
    { entrants: 'branch' as const, row: { crewName: '杭州分公司', unitName: '' }, out: '杭州分公司' },
  ])('$entrants → $out', ({ entrants, row, out }) => {
    expect(entrantName(entrants, row)).toBe(out);
  });
});
