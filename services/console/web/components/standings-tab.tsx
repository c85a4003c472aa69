import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, DatePicker, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { Competition } from '../../../../schemas/competition.schema.ts';
import { api, type StandingsRow } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { groupsOf, points } from '../model/format.ts';
import { useApi } from '../use-api.ts';
import { CrewDrawer } from './crew-drawer.tsx';
import { ResultsActions } from './results-actions.tsx';
import { RankChange } from './status-tag.tsx';
import { useOrg } from '../org-context.tsx';

/** The live standings of a competition, by ranking group and day, with each crew's breakdown. */
export function StandingsTab(props: { competitionId: string; definition: Competition }) {
  const { t, name, lang } = useI18n();
  const [group, setGroup] = useState('overall');
  const [asOf, setAsOf] = useState<string>();
  const [crewId, setCrewId] = useState<string>();
  const org = useOrg();
  const standings = useApi(
    () => api.standings(props.competitionId, { group, asOf, limit: 500 }),
    [props.competitionId, group, asOf],
  );
  const groups = groupsOf(props.definition.rankingGroups, org.data);
  const data = standings.data;
  return (
    <>
      <Space className="section-card" wrap>
        <Select
          value={group}
          onChange={setGroup}
          className="group-select"
          options={groups.map((g) => ({
            value: g.value,
            label:
              g.kind === 'overall'
                ? t('group.overall')
                : `${t(`group.${g.kind}`)}：${g.kind === 'unit_type' ? t(`unitType.${g.key}` as 'unitType.station') : g.key}`,
          }))}
        />
        <DatePicker
          value={asOf ? dayjs(asOf) : null}
          onChange={(d) => setAsOf(d ? d.format('YYYY-MM-DD') : undefined)}
          placeholder={t('standings.today')}
          allowClear
        />
        <Button icon={<ReloadOutlined />} onClick={() => void standings.reload()} data-testid="refresh-standings">
          {t('common.refresh')}
        </Button>
        <ResultsActions competitionId={props.competitionId} group={group} {...(asOf ? { asOf } : {})} />
        {data ? (
          <Typography.Text type="secondary">
            {t('standings.meta', { asOf: data.asOf, version: data.definitionVersion, total: data.total })}
          </Typography.Text>
        ) : null}
      </Space>
      {standings.error ? <Alert type="error" showIcon title={apiMessage(standings.error.message, lang)} /> : null}
      <Table<StandingsRow>
        rowKey="crewId"
        loading={standings.loading}
        dataSource={data?.rows ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(row) => ({ onClick: () => setCrewId(row.crewId), className: 'clickable-row' })}
        data-testid="standings-table"
        columns={[
          {
            title: t('standings.rank'),
            width: 80,
            render: (_, r) => (r.rank === null ? <Tag color="red">{t('standings.vetoed')}</Tag> : r.rank),
          },
          {
            title: t('standings.movement'),
            width: 80,
            render: (_, r) => <RankChange change={r.rankChange} isNew={r.rank !== null && r.previousRank === null} />,
          },
          {
            title: t('standings.crew'),
            render: (_, r) => (
              <a className="nowrap" data-crew-id={r.crewId}>
                {r.crewName}
              </a>
            ),
          },
          { title: t('standings.unit'), render: (_, r) => <span className="nowrap">{r.unitName}</span> },
          { title: t('standings.branch'), render: (_, r) => <span className="nowrap">{r.branchName}</span> },
          ...props.definition.indicators.slice(0, 5).map((indicator) => ({
            title: name(indicator.name),
            render: (_: unknown, r: StandingsRow) =>
              points(r.indicators.find((i) => i.indicatorId === indicator.id)?.points),
          })),
          // 考核细则: each category's points and rate, then the grade or the gates failed (as visible as a veto).
          ...(props.definition.sheet?.categories ?? []).map((category) => ({
            title: name(category.name),
            render: (_: unknown, r: StandingsRow) => {
              const c = r.sheet?.categories.find((x) => x.categoryId === category.id);
              return c ? (
                <span className="nowrap">
                  {points(c.points)}
                  <Typography.Text type="secondary">（{c.rate}%）</Typography.Text>
                </span>
              ) : (
                '—'
              );
            },
          })),
          ...(data?.rows.some((r) => r.sheet !== null)
            ? [
                {
                  title: t('standings.grade'),
                  render: (_: unknown, r: StandingsRow) => {
                    if (!r.sheet) return '—';
                    const failed = r.sheet.gates.filter((g) => !g.passed);
                    if (failed.length > 0) {
                      return (
                        <span data-testid={`gates-${r.crewId}`}>
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
            title: t('standings.score'),
            width: 90,
            render: (_, r) => <strong data-testid={`score-${r.crewId}`}>{points(r.score)}</strong>,
          },
        ]}
      />
      <CrewDrawer
        competitionId={props.competitionId}
        crewId={crewId}
        {...(asOf ? { asOf } : {})}
        onClose={() => setCrewId(undefined)}
      />
    </>
  );
}
