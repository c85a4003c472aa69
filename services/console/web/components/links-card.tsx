import { Button, Card, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, type DisplayLink } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime } from '../model/format.ts';
import { useApi } from '../use-api.ts';
import { DisplayLinkPanel } from './display-link-panel.tsx';
import { App } from 'antd';

/** 显示链接: the links TVs open a screen with; new ones shown once with a QR code, old ones revoked. */
export function LinksCard(props: { screenId: string; manageable: boolean; onLinks?: (count: number) => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const links = useApi(() => api.links(props.screenId), [props.screenId]);
  const { onLinks } = props;
  const count = links.data?.links.length;
  useEffect(() => {
    if (count !== undefined) onLinks?.(count);
  }, [count, onLinks]);
  const [creating, setCreating] = useState(false);

  async function revoke(link: DisplayLink) {
    try {
      await api.revokeLink(link.id);
      void message.success(t('links.revoked', { label: link.label }));
      await links.reload();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    }
  }

  return (
    <Card
      title={t('links.title')}
      className="section-card"
      extra={
        props.manageable ? (
          <Button type="primary" onClick={() => setCreating(true)} data-testid="new-link-button">
            {t('links.create')}
          </Button>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('links.help')}</Typography.Paragraph>
      <Table<DisplayLink>
        rowKey="id"
        loading={links.loading}
        dataSource={links.data?.links ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('links.none') }}
        data-testid="links-table"
        columns={[
          { title: t('links.label'), dataIndex: 'label' },
          { title: t('links.createdAt'), render: (_, l) => dateTime(l.createdAt) },
          {
            title: t('competition.status'),
            render: (_, l) =>
              l.revokedAt ? (
                <Tag>{t('links.revokedAt', { at: dateTime(l.revokedAt) })}</Tag>
              ) : (
                <Tag color="green">{t('links.active')}</Tag>
              ),
          },
          {
            title: t('common.actions'),
            render: (_, l) =>
              props.manageable && !l.revokedAt ? (
                <Popconfirm
                  title={t('links.revokeConfirm')}
                  description={t('links.revokeHelp')}
                  onConfirm={() => void revoke(l)}
                >
                  <a data-testid={`revoke-${l.label}`}>{t('links.revoke')}</a>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <Modal
        open={creating}
        width={760}
        title={t('links.create')}
        footer={null}
        destroyOnHidden
        onCancel={() => {
          setCreating(false);
          void links.reload();
        }}
      >
        <DisplayLinkPanel screenId={props.screenId} onCreated={() => void links.reload()} />
      </Modal>
    </Card>
  );
}
