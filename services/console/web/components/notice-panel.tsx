import { Alert, App, Button, Input, Modal, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { api, type Notice, type NoticeObjection } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime, points } from '../model/format.ts';
import { useApi } from '../use-api.ts';

const STATUS_COLOR = { in_notice: 'gold', notice_ended: 'orange', final: 'green' } as const;

/** A closed period's result status as a tag: 公示中, 公示期满待确认, 正式结果 (or 已结算 without a 公示). */
export function NoticeStatusTag(props: { status: Notice['status'] }) {
  const { t } = useI18n();
  const color = props.status in STATUS_COLOR ? STATUS_COLOR[props.status as keyof typeof STATUS_COLOR] : 'purple';
  return (
    <Tag color={color} data-testid="notice-status">
      {t(`notice.status.${props.status}`)}
    </Tag>
  );
}

type Deciding = { objection: NoticeObjection; uphold: boolean };

/**
 * 公示 · 异议 · 复核 of a closed period: its dates, the objections (reject with a reason, or uphold
 * by withdrawing the wrong events: the corrections path, then the period is frozen again and the
 * changes listed), and the confirmation once the 公示 is over.
 */
export function NoticePanel(props: {
  competitionId: string;
  periodId: string;
  periodName: string;
  manageable: boolean;
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const notice = useApi(() => api.notice(props.competitionId, props.periodId), [props.competitionId, props.periodId]);
  const [deciding, setDeciding] = useState<Deciding>();
  const [reason, setReason] = useState('');
  const [eventIds, setEventIds] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function act(run: () => Promise<unknown>, done: () => void) {
    setBusy(true);
    setError(undefined);
    try {
      await run();
      done();
      await notice.reload();
      props.onChanged();
    } catch (err) {
      setError(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setBusy(false);
    }
  }

  if (notice.error) {
    return <Alert type="info" showIcon className="section-card" title={t('notice.none')} />;
  }
  const n = notice.data;
  if (!n) return null;
  const open = n.objections.filter((o) => o.status === 'open').length;
  const confirmBlocked =
    n.status === 'in_notice' ? t('notice.notOver', { day: n.endsOn }) : open > 0 ? t('notice.openLeft') : '';

  return (
    <div className="section-card" data-testid="notice-panel">
      <Typography.Title level={5}>
        {t('notice.title')} <NoticeStatusTag status={n.status} />
      </Typography.Title>
      <Space wrap>
        <Typography.Text data-testid="notice-dates">
          {t('notice.dates', { start: n.startsOn, end: n.endsOn, days: n.workingDays })}
        </Typography.Text>
        {n.confirmedAt ? (
          <Typography.Text type="success">
            {t('notice.confirmed', { at: dateTime(n.confirmedAt), by: n.confirmedBy ?? '' })}
          </Typography.Text>
        ) : props.manageable ? (
          <Tooltip title={confirmBlocked}>
            <Button
              type="primary"
              disabled={confirmBlocked !== ''}
              onClick={() => {
                setReason('');
                setError(undefined);
                setConfirming(true);
              }}
              data-testid="notice-confirm"
            >
              {t('notice.confirm')}
            </Button>
          </Tooltip>
        ) : null}
      </Space>
      <Typography.Paragraph strong className="section-card">
        {t('notice.objections', { n: n.objections.length })}
      </Typography.Paragraph>
      <Table<NoticeObjection>
        rowKey="objectionId"
        size="small"
        dataSource={n.objections}
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        locale={{ emptyText: t('notice.noObjections') }}
        data-testid="objections-table"
        columns={[
          { title: t('notice.objector'), dataIndex: 'realName' },
          { title: t('notice.entrant'), dataIndex: 'entrantId' },
          { title: t('notice.what'), dataIndex: 'what' },
          { title: t('notice.evidence'), render: (_, o) => o.evidence.length || '—' },
          {
            title: t('notice.decision'),
            render: (_, o) =>
              o.decision === null ? (
                <Tag>{t('notice.open')}</Tag>
              ) : (
                <Space orientation="vertical" size={0}>
                  <Typography.Text>
                    {t(o.status === 'upheld' ? 'notice.upheld' : 'notice.rejected', { reason: o.decision.reason })}
                  </Typography.Text>
                  {o.status === 'upheld' ? (
                    <Typography.Text type="secondary" data-testid="objection-changes">
                      {o.decision.changes.length === 0
                        ? t('notice.noChanges')
                        : t('notice.changes', {
                            list: o.decision.changes
                              .map(
                                (c) =>
                                  `${c.name} ${c.before ? points(c.before.score) : '—'}→${c.after ? points(c.after.score) : '—'}（${c.before?.rank ?? '—'}→${c.after?.rank ?? '—'}）`,
                              )
                              .join('；'),
                          })}
                    </Typography.Text>
                  ) : null}
                </Space>
              ),
          },
          {
            title: t('common.actions'),
            render: (_, o) =>
              props.manageable && o.status === 'open' && n.status !== 'final' ? (
                <Space>
                  <Button
                    size="small"
                    onClick={() => {
                      setReason('');
                      setEventIds('');
                      setError(undefined);
                      setDeciding({ objection: o, uphold: false });
                    }}
                    data-testid={`reject-${o.entrantId}`}
                  >
                    {t('notice.reject')}
                  </Button>
                  <Button
                    size="small"
                    danger
                    onClick={() => {
                      setReason('');
                      setEventIds('');
                      setError(undefined);
                      setDeciding({ objection: o, uphold: true });
                    }}
                    data-testid={`uphold-${o.entrantId}`}
                  >
                    {t('notice.uphold')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={deciding !== undefined}
        onCancel={() => setDeciding(undefined)}
        title={deciding ? t(deciding.uphold ? 'notice.uphold' : 'notice.reject') : ''}
        okButtonProps={{ loading: busy, disabled: reason.trim() === '', 'data-testid': 'decide-ok' }}
        onOk={() => {
          if (!deciding) return;
          const { objection, uphold } = deciding;
          const ids = eventIds
            .split(/\s+/)
            .map((id) => id.trim())
            .filter((id) => id !== '');
          void act(
            () =>
              uphold
                ? api.upholdObjection(props.competitionId, props.periodId, objection.objectionId, reason, ids)
                : api.rejectObjection(props.competitionId, props.periodId, objection.objectionId, reason),
            () => {
              setDeciding(undefined);
              void message.success(t('notice.done'));
            },
          );
        }}
      >
        {deciding ? (
          <>
            <Typography.Paragraph>
              {deciding.objection.realName} · {deciding.objection.entrantId} · {deciding.objection.what}
            </Typography.Paragraph>
            <Typography.Text>{t('notice.reason')}</Typography.Text>
            <Input.TextArea
              rows={2}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              data-testid="decide-reason"
            />
            {deciding.uphold ? (
              <>
                <Typography.Text>{t('notice.eventIds')}</Typography.Text>
                <Input.TextArea
                  rows={2}
                  value={eventIds}
                  onChange={(event) => setEventIds(event.target.value)}
                  data-testid="decide-events"
                />
              </>
            ) : null}
            {error ? <Alert type="error" showIcon className="form-alert" title={error} /> : null}
          </>
        ) : null}
      </Modal>
      <Modal
        open={confirming}
        onCancel={() => setConfirming(false)}
        title={t('notice.confirmTitle', { name: props.periodName })}
        okButtonProps={{ loading: busy, 'data-testid': 'confirm-ok' }}
        onOk={() =>
          void act(
            () => api.confirmResults(props.competitionId, props.periodId, reason),
            () => setConfirming(false),
          )
        }
      >
        <Alert type="warning" showIcon className="form-alert" title={t('notice.confirmText')} />
        {error ? <Alert type="error" showIcon className="form-alert" title={error} /> : null}
      </Modal>
    </div>
  );
}
