import { Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Competition } from '../../../../schemas/competition.schema.ts';
import type { StandingsRow } from '../api-client.ts';
import type { I18n } from '../i18n/i18n.tsx';
import { points } from '../model/format.ts';
import { RankChange } from './status-tag.tsx';

/**
 * The standings table's columns. With many indicators and categories the table scrolls sideways
 * instead of squeezing its headers to one character a line: rank and entrant stay fixed on the
 * left and the total on the right, every column has a width, and long names end in "…" with the
 * whole name in a tooltip. Indicators and 考核细则 categories sit under a header each.
 */

/** A header or cell that keeps to one line: "…" and the whole text on hover. */
function Clipped(props: { text: string }) {
  return (
    <Tooltip title={props.text} placement="topLeft">
      <span className="cell-clip">{props.text}</span>
    </Tooltip>
  );
}

const NAME_WIDTH = 160;
const VALUE_WIDTH = 120;

/** The entrant column's header by the competition's entrants (参赛对象). */
export function entrantTitleKey(level: Competition['entrants']) {
  return level === 'unit'
    ? 'standings.unit'
    : level === 'branch'
      ? 'standings.branch'
      : level === 'person'
        ? 'standings.person'
        : 'standings.crew';
}

export function standingsColumns(
  definition: Competition,
  rows: readonly StandingsRow[],
  { t, name, lang }: Pick<I18n, 't' | 'name' | 'lang'>,
): ColumnsType<StandingsRow> {
  const level = definition.entrants;
  const clipped = (title: string, width: number, text: (r: StandingsRow) => string) => ({
    title: <Clipped text={title} />,
    width,
    ellipsis: { showTitle: false },
    render: (_: unknown, r: StandingsRow) => <Clipped text={text(r)} />,
  });
  const indicators = definition.indicators.map((indicator) => ({
    key: `indicator:${indicator.id}`,
    ...clipped(name(indicator.name) || indicator.id, VALUE_WIDTH, (r) =>
      points(r.indicators.find((i) => i.indicatorId === indicator.id)?.points),
    ),
    align: 'right' as const,
  }));
  // 考核细则: each category's points and rate.
  const categories = (definition.sheet?.categories ?? []).map((category) => ({
    key: `category:${category.id}`,
    title: <Clipped text={`${name(category.name)}（${category.maxPoints}）`} />,
    width: VALUE_WIDTH,
    ellipsis: { showTitle: false },
    align: 'right' as const,
    render: (_: unknown, r: StandingsRow) => {
      const c = r.sheet?.categories.find((x) => x.categoryId === category.id);
      return c ? (
        <span className="nowrap" data-category-id={category.id}>
          {points(c.points)}
          <Typography.Text type="secondary">（{c.rate}%）</Typography.Text>
        </span>
      ) : (
        '—'
      );
    },
  }));
  const judged = rows.some((r) => r.sheet !== null);
  return [
    {
      key: 'rank',
      title: t('standings.rank'),
      width: 72,
      fixed: 'left',
      render: (_, r) => (r.rank === null ? <Tag color="red">{t('standings.vetoed')}</Tag> : r.rank),
    },
    {
      key: 'movement',
      title: t('standings.movement'),
      width: 64,
      fixed: 'left',
      render: (_, r) => <RankChange change={r.rankChange} isNew={r.rank !== null && r.previousRank === null} />,
    },
    {
      key: 'entrant',
      title: t(entrantTitleKey(level)),
      width: NAME_WIDTH,
      fixed: 'left',
      ellipsis: { showTitle: false },
      render: (_, r) => (
        <Tooltip title={r.crewName} placement="topLeft">
          <a className="cell-clip" data-crew-id={r.crewId}>
            {r.crewName}
          </a>
        </Tooltip>
      ),
    },
    // 个人赛: the crew each person belongs to.
    ...(level === 'person'
      ? [
          {
            key: 'personCrew',
            title: <Clipped text={t('standings.personCrew')} />,
            width: 140,
            ellipsis: { showTitle: false },
            render: (_: unknown, r: StandingsRow) => (
              <span data-testid={`person-crew-${r.crewId}`}>
                <Clipped text={r.person?.crewName ?? ''} />
              </span>
            ),
          },
        ]
      : []),
    // A unit's own row is its unit; a branch's, its branch: no column repeats the entrant.
    ...(level === 'crew' || level === 'person'
      ? [{ key: 'unit', ...clipped(t('standings.unit'), 140, (r) => r.unitName) }]
      : []),
    ...(level !== 'branch' ? [{ key: 'branch', ...clipped(t('standings.branch'), 120, (r) => r.branchName) }] : []),
    ...(indicators.length > 0
      ? [{ key: 'indicators', title: t('standings.indicators'), className: 'group-head', children: indicators }]
      : []),
    ...(categories.length > 0
      ? [{ key: 'categories', title: t('standings.categories'), className: 'group-head', children: categories }]
      : []),
    ...(judged
      ? [
          {
            key: 'grade',
            title: t('standings.grade'),
            width: 300,
            render: (_: unknown, r: StandingsRow) => {
              if (!r.sheet) return '—';
              const failed = r.sheet.gates.filter((g) => !g.passed);
              if (failed.length > 0) {
                return (
                  <span data-testid={`gates-${r.crewId}`} className="gate-tags">
                    {failed.map((g) => (
                      <Tag color="red" key={g.gateId}>
                        {t('standings.gateFailed', {
                          gate: name(g.name),
                          reason: lang === 'en' ? g.reason.en : g.reason.zh,
                        })}
                      </Tag>
                    ))}
                  </span>
                );
              }
              return r.sheet.grade ? (
                <Tag color="gold" data-testid={`grade-${r.crewId}`}>
                  {name(r.sheet.grade.name)}
                </Tag>
              ) : (
                '—'
              );
            },
          },
        ]
      : []),
    {
      key: 'score',
      title: t('standings.score'),
      width: 90,
      fixed: 'right',
      align: 'right',
      render: (_, r) => <strong data-testid={`score-${r.crewId}`}>{points(r.score)}</strong>,
    },
  ];
}
