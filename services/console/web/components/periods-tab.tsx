import { LockOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Descriptions,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import { api, ApiError, type FinalStandings, type LateEvents, type Period } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime, points } from '../model/format.ts';
import { useApi } from '../use-api.ts';
import { useOrg } from '../org-context.tsx';
import { EmptyHint, EmptyText } from './empty-hint.tsx';
import { NoticePanel, NoticeStatusTag } from './notice-panel.tsx';
import { ResultsActions } from './results-actions.tsx';
import { entrantTitleKey } from './standings-columns.tsx';

const EVENT_TYPES = [
  'sales',
  'incident',
  'hazard_found',
  'hazard_rectified',
  'violation',
  'innovation',
  'metric',
] as const;
type EventTypeKey = (typeof EVENT_TYPES)[number];
type LateEvent = LateEvents['events'][number];
type FinalRow = FinalStandings['rows'][number];

/**
 * 阶段结算: the stages and the whole period; closing one freezes its final standings (with a
 * confirmation that says what freezes), and a closed one shows them and the events that came late.
 */
export function PeriodsTab(props: { competitionId: string; currentVersion: number | null; manageable: boolean }) {
  const { t, name, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const eventTypeLabel = (type: string) =>
    (EVENT_TYPES as readonly string[]).includes(type) ? t(`eventType.${type as EventTypeKey}`) : type;
  const periods = useApi(() => api.periods(props.competitionId), [props.competitionId]);
  const [closing, setClosing] = useState<Period>();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  // The working-day calendar has no notice for the year yet: the organiser gives the 公示's last day.
  const [needsEndDate, setNeedsEndDate] = useState(false);
  const [noticeEndsOn, setNoticeEndsOn] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [showing, setShowing] = useState<{ period: Period; final?: FinalStandings; late?: LateEvents }>();
  const shownCall = useRef(0);
  const today = dayjs().format('YYYY-MM-DD');

  async function close() {
    if (!closing) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.closePeriod(props.competitionId, closing.id, note, needsEndDate ? noticeEndsOn : undefined);
      void message.success(t('periods.closedOk', { name: name(closing.name) }));
      setClosing(undefined);
      setNeedsEndDate(false);
      setNoticeEndsOn(undefined);
      await periods.reload();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'calendar_year_missing') setNeedsEndDate(true);
      setError(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setBusy(false);
    }
  }

  /**
   * Opens a period's frozen standings, or refreshes the open dialog after a 公示 action (keeping
   * what it shows meanwhile, so the panel the organiser acted in stays). Only the latest call
   * lands, and never into a dialog closed meanwhile: a late answer reopened it.
   */
  async function show(period: Period, refresh = false) {
    const call = ++shownCall.current;
    if (!refresh) setShowing({ period });
    const [final, late] = await Promise.all([
      api.finalStandings(props.competitionId, period.id, { limit: 1000 }),
      api.lateEvents(props.competitionId, period.id),
    ]);
    if (call !== shownCall.current) return;
    setShowing((current) => (current?.period.id === period.id ? { period, final, late } : current));
  }

  return (
    <>
      {periods.error ? <Alert type="error" showIcon title={apiMessage(periods.error.message, lang)} /> : null}
      <Table<Period>
        rowKey="id"
        loading={periods.loading}
        dataSource={periods.data?.periods ?? []}
        pagination={false}
        data-testid="periods-table"
        locale={{
          emptyText: (
            <EmptyText loading={periods.loading} failed={periods.error !== undefined}>
              <EmptyHint text={t('periods.empty')} section="close-period" testId="periods-empty" />
            </EmptyText>
          ),
        }}
        columns={[
          {
            title: t('periods.name'),
            render: (_, p) => (
              <Space>
                {name(p.name)}
                {p.id === 'final' ? <Tag color="blue">{t('periods.whole')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('periods.dates'), render: (_, p) => `${p.start} ~ ${p.end}` },
          {
            title: t('competition.status'),
            render: (_, p) =>
              p.closed ? (
                p.status === 'closed' ? (
                  <Tag color="purple" icon={<LockOutlined />}>
                    {t('periods.closed')}
                  </Tag>
                ) : (
                  <NoticeStatusTag status={p.status} />
                )
              ) : p.end < today ? (
                <Tag color="orange">{t('periods.awaiting')}</Tag>
              ) : p.start > today ? (
                <Tag>{t('status.upcoming')}</Tag>
              ) : (
                <Tag color="green">{t('status.running')}</Tag>
              ),
          },
          {
            title: t('periods.closure'),
            render: (_, p) =>
              p.closed ? (
                <Typography.Text>
                  {t('periods.closedBy', {
                    at: dateTime(p.closed.closedAt),
                    by: p.closed.closedBy,
                    version: p.closed.definitionVersion,
                  })}
                  {p.closed.lateEvents > 0 ? (
                    <Tag color="red" className="late-tag">
                      {t('periods.lateN', { n: p.closed.lateEvents })}
                    </Tag>
                  ) : null}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
          {
            title: t('common.actions'),
            render: (_, p) =>
              p.closed ? (
                <Button size="small" onClick={() => void show(p)} data-testid={`final-${p.id}`}>
                  {t('periods.showFinal')}
                </Button>
              ) : props.manageable ? (
                <Tooltip
                  title={
                    p.end >= today ? t('periods.notOver', { day: dayjs(p.end).add(1, 'day').format('YYYY-MM-DD') }) : ''
                  }
                >
                  <Button
                    size="small"
                    danger
                    disabled={p.end >= today}
                    onClick={() => {
                      setNote('');
                      setError(undefined);
                      setClosing(p);
                    }}
                    data-testid={`close-${p.id}`}
                  >
                    {t('periods.close')}
                  </Button>
                </Tooltip>
              ) : null,
          },
        ]}
      />
      <Modal
        open={closing !== undefined}
        onCancel={() => {
          setClosing(undefined);
          setNeedsEndDate(false);
          setNoticeEndsOn(undefined);
        }}
        title={closing ? t('periods.confirmTitle', { name: name(closing.name) }) : ''}
        okText={t('periods.confirmClose')}
        okButtonProps={{ danger: true, loading: busy, 'data-testid': 'confirm-close' }}
        onOk={() => void close()}
      >
        {closing ? (
          <>
            <Alert
              type="warning"
              showIcon
              className="form-alert"
              title={t('periods.whatFreezes', {
                name: name(closing.name),
                start: closing.start,
                end: closing.end,
                version: props.currentVersion ?? '—',
              })}
            />
            <Typography.Paragraph>{t('periods.lateExplained')}</Typography.Paragraph>
            <Input.TextArea
              rows={2}
              placeholder={t('periods.notePlaceholder')}
              value={note}
              onChange={(event) => setNote(event.target.value)}
            />
            {error ? <Alert type="error" showIcon className="form-alert" title={error} /> : null}
            {needsEndDate ? (
              <Space orientation="vertical" className="form-alert">
                <Typography.Text>{t('periods.noticeEndsOn')}</Typography.Text>
                <DatePicker
                  data-testid="notice-ends-on"
                  value={noticeEndsOn ? dayjs(noticeEndsOn) : null}
                  onChange={(day) => setNoticeEndsOn(day ? day.format('YYYY-MM-DD') : undefined)}
                />
              </Space>
            ) : null}
          </>
        ) : null}
      </Modal>
      <Modal
        open={showing !== undefined}
        onCancel={() => {
          shownCall.current += 1;
          setShowing(undefined);
        }}
        footer={null}
        width={1000}
        title={showing ? t('periods.finalTitle', { name: name(showing.period.name) }) : ''}
      >
        {showing?.final ? (
          <>
            <Descriptions size="small" column={3} className="section-card">
              <Descriptions.Item label={t('periods.dates')}>
                {showing.period.start} ~ {showing.period.end}
              </Descriptions.Item>
              <Descriptions.Item label={t('periods.closedAt')}>{dateTime(showing.final.closedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('competition.version')}>v{showing.final.definitionVersion}</Descriptions.Item>
            </Descriptions>
            <Space className="section-card">
              <ResultsActions competitionId={props.competitionId} periodId={showing.period.id} />
            </Space>
            <NoticePanel
              competitionId={props.competitionId}
              periodId={showing.period.id}
              periodName={name(showing.period.name)}
              manageable={props.manageable}
              onChanged={() => {
                void periods.reload();
                void show(showing.period, true);
              }}
            />
            <Table
              rowKey="crewId"
              size="small"
              dataSource={showing.final.rows}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              data-testid="final-table"
              columns={[
                {
                  title: t('standings.rank'),
                  render: (_, r) => (r.rank === null ? <Tag color="red">{t('standings.vetoed')}</Tag> : r.rank),
                },
                // The frozen rows are the period's entrants: crews, units, branches or persons.
                { title: t(entrantTitleKey(showing.final.entrants)), dataIndex: 'crewName' },
                ...(showing.final.entrants === 'person'
                  ? [
                      {
                        title: t('standings.personCrew'),
                        render: (_: unknown, r: FinalRow) => r.person?.crewName ?? '',
                      },
                    ]
                  : []),
                ...(showing.final.entrants === 'crew' || showing.final.entrants === 'person'
                  ? [{ title: t('standings.unit'), dataIndex: 'unitName' }]
                  : []),
                ...(showing.final.entrants !== 'branch'
                  ? [{ title: t('standings.branch'), dataIndex: 'branchName' }]
                  : []),
                { title: t('standings.score'), render: (_, r) => points(r.score) },
              ]}
            />
            <Typography.Title level={5}>{t('periods.lateTitle', { n: showing.late?.total ?? 0 })}</Typography.Title>
            <Table
              rowKey={(e) => `${e.crewId}/${e.eventId}/${e.correction?.correctionId ?? ''}`}
              size="small"
              dataSource={showing.late?.events ?? []}
              pagination={{ pageSize: 5, hideOnSinglePage: true }}
              locale={{ emptyText: t('periods.noLate') }}
              data-testid="late-table"
              columns={[
                { title: t('events.eventId'), dataIndex: 'eventId' },
                {
                  title: <Tooltip title={t('periods.lateEntrantHelp')}>{t('periods.lateEntrant')}</Tooltip>,
                  render: (_, e) => <span data-testid={`late-entrant-${e.eventId}`}>{e.entrant.name}</span>,
                },
                // The crew that reported it, where the entrant is not the crew itself (a unit,
                // branch or person level competition).
                ...((showing.late?.events ?? []).some((e) => e.entrant.id !== e.crewId)
                  ? [
                      {
                        title: t('periods.lateCrew'),
                        render: (_: unknown, e: LateEvent) => (
                          <span data-testid={`late-crew-${e.eventId}`}>
                            {org.data?.crews.find((c) => c.id === e.crewId)?.name ?? e.crewId}
                          </span>
                        ),
                      },
                    ]
                  : []),
                {
                  title: t('events.type'),
                  render: (_, e) => (
                    <>
                      {eventTypeLabel(e.type)}{' '}
                      {e.correction ? (
                        <Tooltip title={`${e.correction.reason}（${e.correction.author}）`}>
                          <Tag color={e.correction.action === 'withdraw' ? 'default' : 'orange'}>
                            {t(
                              e.correction.action === 'withdraw'
                                ? 'corrections.state.withdrawn'
                                : 'corrections.state.corrected',
                            )}
                          </Tag>
                        </Tooltip>
                      ) : null}
                    </>
                  ),
                },
                { title: t('periods.occurredAt'), render: (_, e) => dateTime(e.occurredAt) },
                { title: t('periods.storedAt'), render: (_, e) => dateTime(e.storedAt) },
              ]}
            />
          </>
        ) : (
          <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
        )}
      </Modal>
    </>
  );
}
