import { Alert, Button, Table, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { api, type CrewBreakdown, type IndicatorEvents as Page } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { apiMessage } from '../model/api-message.ts';
import { dateTime, points } from '../model/format.ts';

type Explained = Page['events'][number];

/** Roles that lose or cost points are red, the ones that do not count grey. */
const ROLE_COLOURS: Partial<Record<Explained['effect']['role'], string>> = {
  breaks_run: 'red',
  earlier_break: 'volcano',
  overdue: 'red',
  open: 'orange',
  current_status: 'green',
  rectified: 'green',
  rectifies: 'green',
  withdrawn: 'default',
  superseded: 'default',
  outside_period: 'default',
};

/**
 * 得分依据: the events behind one indicator's points, newest first, as the breakdown listed them
 * first; more pages on request. Withdrawn and corrected events show as such, with the reason.
 */
export function IndicatorEvents(props: {
  competitionId: string;
  crewId: string;
  asOf: string;
  first: CrewBreakdown['explained'][number];
}) {
  const { t, lang } = useI18n();
  const [events, setEvents] = useState<Explained[]>(props.first.events);
  const [cursor, setCursor] = useState<string | null>(props.first.nextCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function more(): Promise<void> {
    if (cursor === null) return;
    setLoading(true);
    try {
      const page = await api.indicatorEvents(props.competitionId, props.crewId, props.first.indicatorId, {
        asOf: props.asOf,
        cursor,
      });
      setEvents((shown) => [...shown, ...page.events]);
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (err) {
      setError(apiMessage(err instanceof Error ? err.message : String(err), lang));
    } finally {
      setLoading(false);
    }
  }

  if (props.first.total === 0) {
    return <span className="muted">{t('explain.none')}</span>;
  }
  return (
    <div data-testid={`explain-${props.first.indicatorId}`}>
      <Table<Explained>
        rowKey={(e) => `${e.event.crewId}/${e.event.eventId}`}
        size="small"
        className="explain-table"
        pagination={false}
        dataSource={events}
        rowClassName={(e) => (e.effect.counts ? '' : 'not-counted')}
        columns={[
          { title: t('explain.at'), render: (_, e) => dateTime(e.event.occurredAt) },
          { title: t('events.type'), render: (_, e) => t(`eventType.${e.event.type}` as MessageKey) },
          { title: t('events.eventId'), render: (_, e) => <code>{e.event.eventId}</code> },
          { title: t('explain.value'), render: (_, e) => points(e.effect.value), align: 'right' },
          {
            title: t('explain.points'),
            align: 'right',
            render: (_, e) =>
              e.effect.points === null ? '—' : (e.effect.points > 0 ? '+' : '') + points(e.effect.points),
          },
          {
            title: t('explain.role'),
            className: 'explain-role',
            render: (_, e) => {
              const role = (
                <Tag color={ROLE_COLOURS[e.effect.role]}>{t(`explain.role.${e.effect.role}` as MessageKey)}</Tag>
              );
              if (e.state === 'counted' || !e.correction) return role;
              return (
                <Tooltip title={`${e.correction.author} · ${dateTime(e.correction.requestedAt)}`}>
                  {role}
                  <Tag color={e.state === 'withdrawn' ? 'default' : 'orange'}>
                    {t(`corrections.state.${e.state}` as MessageKey)}：{e.correction.reason}
                  </Tag>
                </Tooltip>
              );
            },
          },
        ]}
      />
      {error ? <Alert type="error" showIcon title={error} /> : null}
      <div className="explain-footer">
        <span className="muted">{t('explain.shown', { shown: events.length, total: props.first.total })}</span>
        {cursor !== null ? (
          <Button size="small" loading={loading} onClick={() => void more()} data-testid="explain-more">
            {t('explain.more')}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
