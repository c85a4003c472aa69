import { Alert, Descriptions, Drawer, Skeleton, Table, Tag, Typography } from 'antd';
import { api, type CrewBreakdown } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime, points } from '../model/format.ts';
import { useApi } from '../use-api.ts';
import { IndicatorEvents } from './indicator-events.tsx';
import { SheetBreakdown } from './sheet-breakdown.tsx';
import type { Competition } from '../../../../schemas/competition.schema.ts';

type Indicator = CrewBreakdown['crew']['indicators'][number];

/** 得分明细: where a crew's points came from, the vetoes that hit it and its rank in each group. */
export function CrewDrawer(props: {
  competitionId: string;
  /** The competition's rules: the names of its sheet's categories and items. */
  definition: Competition;
  crewId: string | undefined;
  asOf?: string;
  onClose: () => void;
}) {
  const { t, name, lang, metric } = useI18n();
  const breakdown = useApi(
    () => (props.crewId ? api.crew(props.competitionId, props.crewId, props.asOf) : Promise.resolve(undefined)),
    [props.competitionId, props.crewId, props.asOf],
  );
  const data = breakdown.data;
  const crew = data?.crew;
  return (
    <Drawer
      open={props.crewId !== undefined}
      onClose={props.onClose}
      size={640}
      title={crew ? `${crew.crewName} · ${t('breakdown.title')}` : t('breakdown.title')}
      data-testid="crew-drawer"
    >
      {breakdown.error ? <Alert type="error" showIcon title={apiMessage(breakdown.error.message, lang)} /> : null}
      {!crew || breakdown.loading ? (
        <Skeleton active />
      ) : (
        <>
          <Descriptions column={2} size="small" bordered className="section-card">
            {crew.person ? (
              <>
                <Descriptions.Item label={t('standings.personCrew')}>
                  <span data-testid="breakdown-person-crew">{crew.person.crewName}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('standings.job')}>{crew.person.job ?? '—'}</Descriptions.Item>
              </>
            ) : null}
            <Descriptions.Item label={t('standings.unit')}>{crew.unitName}</Descriptions.Item>
            <Descriptions.Item label={t('standings.branch')}>{crew.branchName}</Descriptions.Item>
            {crew.person ? null : (
              <Descriptions.Item label={t('standings.headcount')}>{crew.headcount}</Descriptions.Item>
            )}
            <Descriptions.Item label={t('standings.score')}>
              <strong data-testid="breakdown-score">{points(crew.score)}</strong>
            </Descriptions.Item>
            <Descriptions.Item label={t('preview.asOf')}>{data.asOf}</Descriptions.Item>
            <Descriptions.Item label={t('standings.rank')}>
              {data.groups.map((g) => (
                <Tag key={g.group}>
                  {g.group === 'overall'
                    ? t('group.overall')
                    : g.group.startsWith('branch:')
                      ? crew.branchName
                      : t(`unitType.${crew.unitType}` as 'unitType.other')}{' '}
                  {g.rank === null ? '—' : `${g.rank}/${g.total}`}
                </Tag>
              ))}
            </Descriptions.Item>
          </Descriptions>
          {crew.vetoes.length > 0 ? (
            <Alert
              type="error"
              showIcon
              className="form-alert"
              title={crew.vetoes.map((v) => `${name(v.name)}：${name(v.reason)}`).join('；')}
            />
          ) : null}
          {crew.sheet ? <SheetBreakdown definition={props.definition} sheet={crew.sheet} vetoes={crew.vetoes} /> : null}
          <Typography.Paragraph type="secondary" className="explain-hint">
            {t('explain.hint')}
          </Typography.Paragraph>
          <Table<Indicator>
            rowKey="indicatorId"
            size="small"
            pagination={false}
            dataSource={crew.indicators}
            data-testid="breakdown-indicators"
            onRow={(i) => ({ 'data-indicator-id': i.indicatorId }) as React.HTMLAttributes<HTMLElement>}
            expandable={{
              expandRowByClick: true,
              rowExpandable: (i) => data.explained.some((e) => e.indicatorId === i.indicatorId),
              expandedRowRender: (i) => {
                const first = data.explained.find((e) => e.indicatorId === i.indicatorId);
                return first ? (
                  <IndicatorEvents
                    competitionId={props.competitionId}
                    crewId={crew.crewId}
                    asOf={data.asOf}
                    first={first}
                  />
                ) : null;
              },
            }}
            columns={[
              { title: t('breakdown.indicator'), render: (_, i) => name(i.name) || i.indicatorId },
              { title: t('breakdown.value'), render: (_, i) => points(i.value) },
              {
                title: t('breakdown.points'),
                render: (_, i) => (
                  <>
                    {points(i.points)} {i.zeroedBy ? <Tag color="red">{t('breakdown.zeroed')}</Tag> : null}
                  </>
                ),
              },
            ]}
          />
          {crew.facts ? (
            <Descriptions column={2} size="small" className="section-card facts" title={t('breakdown.facts')}>
              <Descriptions.Item label={t('facts.safetyDays')}>{crew.facts.safetyDays}</Descriptions.Item>
              <Descriptions.Item label={t('facts.hazards')}>
                {crew.facts.hazardsRectified}/{crew.facts.hazardsFound}
                {crew.facts.rectificationRate === null ? '' : `（${points(crew.facts.rectificationRate)}%）`}
              </Descriptions.Item>
              <Descriptions.Item label={t('facts.violations')}>
                {t('facts.violationsValue', {
                  persons: crew.facts.violationPersons,
                  events: crew.facts.violationEvents,
                })}
              </Descriptions.Item>
              {crew.facts.targets.map((target) => (
                <Descriptions.Item key={target.metric} label={metric(target.metric)}>
                  {points(target.actual)} / {points(target.target)}
                </Descriptions.Item>
              ))}
            </Descriptions>
          ) : null}
          {data.corrections.total > 0 ? (
            <>
              <Typography.Title level={5}>{t('breakdown.corrections', { n: data.corrections.total })}</Typography.Title>
              <Table
                rowKey="correctionId"
                size="small"
                pagination={false}
                dataSource={data.corrections.items}
                data-testid="breakdown-corrections"
                columns={[
                  {
                    title: t('events.type'),
                    render: (_, c) => (
                      <Tag color={c.action === 'withdraw' ? 'default' : 'orange'}>
                        {t(c.action === 'withdraw' ? 'corrections.state.withdrawn' : 'corrections.state.corrected')}
                      </Tag>
                    ),
                  },
                  { title: t('events.eventId'), render: (_, c) => <code>{c.eventId}</code> },
                  { title: t('corrections.reason'), dataIndex: 'reason' },
                  { title: t('corrections.author'), dataIndex: 'author' },
                  { title: t('corrections.at'), render: (_, c) => dateTime(c.requestedAt) },
                ]}
              />
            </>
          ) : null}
        </>
      )}
    </Drawer>
  );
}
