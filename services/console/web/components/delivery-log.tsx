import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, App, Button, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, type DeliveryRow, type DeliveryState } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime } from '../model/format.ts';
import { RETRYABLE, STILL_MOVING } from '../model/notify-form.ts';
import { useApi } from '../use-api.ts';
import { PlatformTag } from './platform-tag.tsx';

const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'retrying', 'failed', 'uncertain'];
const COLOURS: Record<DeliveryState, string> = {
  pending: 'processing',
  delivered: 'success',
  retrying: 'warning',
  failed: 'error',
  uncertain: 'purple',
};
/** How often the log looks again while messages are on their way. */
const REFRESH_MS = 5_000;

/** 待发送 / 已送达 / 重试中 / 失败 / 不确定, with what it means on hover. */
export function DeliveryStatusTag(props: { status: DeliveryState }) {
  const { t } = useI18n();
  return (
    <Tooltip title={t(`notify.statusHelp.${props.status}`)}>
      <Tag color={COLOURS[props.status]} data-testid="delivery-status">
        {t(`notify.status.${props.status}`)}
      </Tag>
    </Tooltip>
  );
}

/**
 * The competition's delivery log, newest first: each message to each group once, its status, the
 * platform's last answer, and 重发 for what failed or is uncertain. It refreshes itself while
 * something is still pending or retrying, so an organiser sees a message arrive without reloading.
 */
export function DeliveryLog(props: { competitionId: string; refreshKey?: number }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<DeliveryState>();
  const [retrying, setRetrying] = useState<string>();
  const log = useApi(
    () => api.deliveries({ competitionId: props.competitionId, ...(status ? { status } : {}) }),
    [props.competitionId, status, props.refreshKey],
  );
  const rows = log.data?.deliveries ?? [];
  const moving = rows.some((d) => STILL_MOVING.includes(d.status));
  const { reload } = log;
  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(() => void reload(), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [moving, log.data, reload]);

  async function retry(delivery: DeliveryRow) {
    setRetrying(delivery.deliveryId);
    try {
      await api.retryDelivery(delivery.deliveryId);
      void message.success(t('notify.log.retried'));
      await reload();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setRetrying(undefined);
    }
  }

  const retryButton = (d: DeliveryRow) => (
    <Button
      size="small"
      icon={<ReloadOutlined />}
      loading={retrying === d.deliveryId}
      onClick={d.status === 'uncertain' ? undefined : () => void retry(d)}
      data-testid="retry-delivery"
    >
      {t('notify.log.retry')}
    </Button>
  );

  return (
    <div data-testid="delivery-log">
      <div className="notify-log-head">
        <Typography.Title level={5}>{t('notify.log.title')}</Typography.Title>
        <Space wrap>
          {moving ? (
            <Typography.Text type="secondary" data-testid="auto-refresh">
              <SyncOutlined /> {t('notify.log.autoRefresh')}
            </Typography.Text>
          ) : null}
          <Select<DeliveryState | 'all'>
            className="notify-status-filter"
            value={status ?? 'all'}
            onChange={(v) => setStatus(v === 'all' ? undefined : v)}
            options={[
              { value: 'all', label: t('common.all') },
              ...STATES.map((s) => ({ value: s, label: t(`notify.status.${s}`) })),
            ]}
            data-testid="delivery-filter"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void reload()} data-testid="refresh-deliveries">
            {t('common.refresh')}
          </Button>
        </Space>
      </div>
      <Typography.Paragraph type="secondary">{t('notify.log.help')}</Typography.Paragraph>
      {log.error ? <Alert type="error" showIcon title={apiMessage(log.error.message, lang)} /> : null}
      <Table<DeliveryRow>
        rowKey="deliveryId"
        size="small"
        loading={log.loading && !log.data}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: log.loading && !log.data ? t('common.loading') : t('notify.log.empty') }}
        data-testid="deliveries-table"
        columns={[
          { title: t('notify.log.at'), width: 130, render: (_, d) => dateTime(d.createdAt) },
          {
            title: t('notify.log.channel'),
            width: 170,
            render: (_, d) => (
              <Space size={4} wrap>
                <span>{d.channelName}</span>
                <PlatformTag platform={d.platform} />
              </Space>
            ),
          },
          {
            title: t('notify.log.message'),
            render: (_, d) => (
              <Space size={4} wrap>
                <Tag>{t(`notify.kind.${d.kind}`)}</Tag>
                <span>{d.title}</span>
              </Space>
            ),
          },
          {
            title: t('notify.log.status'),
            width: 80,
            render: (_, d) => <DeliveryStatusTag status={d.status} />,
          },
          { title: t('notify.log.attempts'), width: 80, align: 'right', dataIndex: 'attempts' },
          {
            title: t('notify.log.detail'),
            width: 240,
            render: (_, d) => (
              <Space orientation="vertical" size={0}>
                {d.deliveredAt ? (
                  <Typography.Text type="secondary">
                    {t('notify.log.deliveredAt', { at: dateTime(d.deliveredAt) })}
                  </Typography.Text>
                ) : null}
                {d.lastError && d.status !== 'delivered' ? (
                  <Typography.Text type="danger" className="notify-last-error" data-testid="delivery-error">
                    {apiMessage(d.lastError, lang)}
                  </Typography.Text>
                ) : null}
                {d.nextAttemptAt && d.status === 'retrying' ? (
                  <Typography.Text type="secondary">
                    {t('notify.log.nextAttempt', { at: dateTime(d.nextAttemptAt) })}
                  </Typography.Text>
                ) : null}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            width: 90,
            render: (_, d) =>
              !RETRYABLE.includes(d.status) ? null : d.status === 'uncertain' ? (
                <Popconfirm title={t('notify.log.retryUncertain')} onConfirm={() => void retry(d)}>
                  {retryButton(d)}
                </Popconfirm>
              ) : (
                retryButton(d)
              ),
          },
        ]}
      />
    </div>
  );
}
