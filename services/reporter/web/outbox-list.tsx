import List from 'antd-mobile/es/components/list';
import NoticeBar from 'antd-mobile/es/components/notice-bar';
import Tag from 'antd-mobile/es/components/tag';
import { useSyncExternalStore } from 'react';
import type { DraftState, Outbox } from './outbox.ts';
import type { ReportKind } from './report-forms.ts';
import { t } from './words.ts';

const COLOR: Record<DraftState, 'default' | 'primary' | 'success' | 'danger'> = {
  waiting: 'default',
  sending: 'primary',
  sent: 'success',
  failed: 'danger',
};

/** What is still on the phone: waiting, sending, sent in this visit, or refused (with the server's reason). */
export function OutboxList({ outbox }: { outbox: Outbox }) {
  const drafts = useSyncExternalStore(outbox.onChange, outbox.drafts);
  if (drafts.length === 0) return null;
  const offline = drafts.some((d) => d.state === 'waiting' && d.error !== undefined);
  return (
    <section className="outbox" data-testid="outbox">
      {offline ? (
        <div role="status">
          <NoticeBar content={t('outbox.offline')} color="alert" wrap />
        </div>
      ) : null}
      <List header={t('outbox.title')}>
        {drafts.map((d) => (
          <List.Item
            key={d.reportId}
            data-report-id={d.reportId}
            data-state={d.state}
            extra={<Tag color={COLOR[d.state]}>{t(`outbox.${d.state}`)}</Tag>}
            description={d.state === 'failed' && d.error ? d.error : undefined}
          >
            {`${t(`kind.${d.body.event.type as ReportKind}`)} · ${d.body.location ?? d.body.description ?? ''}`}
          </List.Item>
        ))}
      </List>
    </section>
  );
}
