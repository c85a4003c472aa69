import { DeleteOutlined, EditOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Modal, Popconfirm, Result, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, type Channel, type TestAnswer } from '../api-client.ts';
import { ChannelFormModal } from '../components/channel-form.tsx';
import { EmptyHint, EmptyText } from '../components/empty-hint.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PlatformTag } from '../components/platform-tag.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { answerHint, competitionsNamedIn } from '../model/notify-form.ts';
import { useOrg } from '../org-context.tsx';
import { href, navigate } from '../router.ts';
import { useApi } from '../use-api.ts';

interface Tested {
  channel: Channel;
  answer: TestAnswer;
}

/**
 * 工作群机器人: the work groups' robots (企业微信, 钉钉, 飞书) the competitions post to. Each can be
 * tried at once with a test message that shows what the platform answered.
 */
export function NotifyChannelsPage() {
  const { t, lang, name } = useI18n();
  const { message, modal } = App.useApp();
  const org = useOrg();
  const channels = useApi(() => api.channels(), []);
  const [editing, setEditing] = useState<{ channel: Channel | undefined }>();
  const [testing, setTesting] = useState<string>();
  const [tested, setTested] = useState<Tested>();
  const unitName = new Map(org.data?.units.map((u) => [u.id, u.name]));

  async function sendTest(channel: Channel) {
    setTesting(channel.channelId);
    try {
      setTested({ channel, answer: await api.testChannel(channel.channelId) });
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setTesting(undefined);
    }
  }

  async function remove(channel: Channel) {
    try {
      await api.removeChannel(channel.channelId);
      void message.success(t('notify.removed', { name: channel.name }));
      await channels.reload();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'channel_in_use') {
        // Which competitions still subscribe (the API names their ids), each a link to its 群消息 tab.
        const using = await api
          .competitions()
          .then((list) => competitionsNamedIn(err.message, list.competitions))
          .catch(() => []);
        const dialog = modal.error({
          title: t('notify.inUseTitle'),
          content: (
            <div data-testid="channel-in-use">
              <Typography.Paragraph>{apiMessage(err.message, lang)}</Typography.Paragraph>
              {using.length > 0 ? (
                <ul className="notify-in-use">
                  {using.map((c) => (
                    <li key={c.id}>
                      <a
                        href={href(`/competitions/${encodeURIComponent(c.id)}?tab=notify`)}
                        onClick={(event) => {
                          event.preventDefault();
                          dialog.destroy();
                          navigate(`/competitions/${encodeURIComponent(c.id)}?tab=notify`);
                        }}
                      >
                        {name(c.name)}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
              <Typography.Paragraph type="secondary">{t('notify.inUseHelp')}</Typography.Paragraph>
            </div>
          ),
        });
      } else {
        void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
      }
    }
  }

  const add = () => setEditing({ channel: undefined });
  return (
    <>
      <PageHeader
        title={t('menu.notify')}
        subtitle={t('notify.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={add} data-testid="add-channel">
            {t('notify.add')}
          </Button>
        }
      />
      {channels.error ? <Alert type="error" showIcon title={apiMessage(channels.error.message, lang)} /> : null}
      <Card>
        <Table<Channel>
          rowKey="channelId"
          loading={channels.loading}
          dataSource={channels.data?.channels ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="channels-table"
          locale={{
            emptyText: (
              <EmptyText loading={channels.loading} failed={channels.error !== undefined}>
                <EmptyHint
                  text={t('notify.empty')}
                  section="notify"
                  testId="channels-empty"
                  action={{ label: t('notify.add'), onClick: add }}
                />
              </EmptyText>
            ),
          }}
          columns={[
            { title: t('notify.name'), dataIndex: 'name', width: 160 },
            { title: t('notify.platform'), width: 100, render: (_, c) => <PlatformTag platform={c.platform} /> },
            {
              title: t('notify.webhook'),
              width: 320,
              render: (_, c) => (
                <Typography.Text code className="notify-webhook-hint" title={c.webhookHint}>
                  {c.webhookHint}
                </Typography.Text>
              ),
            },
            {
              title: t('notify.hasSecret'),
              width: 90,
              render: (_, c) =>
                c.platform === 'wecom' ? (
                  <Typography.Text type="secondary">{t('notify.secretNotNeeded')}</Typography.Text>
                ) : c.hasSecret ? (
                  <Tag color="green">{t('notify.secretYes')}</Tag>
                ) : (
                  <Tag color="orange">{t('notify.secretNo')}</Tag>
                ),
            },
            {
              title: t('notify.units'),
              width: 160,
              render: (_, c) =>
                c.unitIds.length === 0 ? (
                  <Typography.Text type="secondary">{t('notify.unitsNone')}</Typography.Text>
                ) : (
                  c.unitIds.map((id) => unitName.get(id) ?? id).join('、')
                ),
            },
            {
              title: t('common.actions'),
              // As wide as its buttons in either language; the address column takes what is left.
              className: 'notify-actions',
              render: (_, c) => (
                <Space size={4}>
                  <Button
                    size="small"
                    icon={<SendOutlined />}
                    loading={testing === c.channelId}
                    onClick={() => void sendTest(c)}
                    data-testid={`test-channel-${c.name}`}
                  >
                    {t('notify.sendTest')}
                  </Button>
                  <Button
                    size="small"
                    type="text"
                    icon={<EditOutlined />}
                    onClick={() => setEditing({ channel: c })}
                    data-testid={`edit-channel-${c.name}`}
                  >
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('notify.removeConfirm', { name: c.name })}
                    description={t('notify.removeHelp')}
                    onConfirm={() => void remove(c)}
                    okButtonProps={{ danger: true, 'data-testid': 'remove-channel-ok' }}
                  >
                    <Button
                      size="small"
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      data-testid={`remove-channel-${c.name}`}
                    >
                      {t('common.remove')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <ChannelFormModal
        open={editing !== undefined}
        channel={editing?.channel}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void channels.reload();
        }}
      />
      <TestResultModal tested={tested} onClose={() => setTested(undefined)} />
    </>
  );
}

/** What the platform answered to the test message, and what to do when it refused. */
function TestResultModal(props: { tested: Tested | undefined; onClose: () => void }) {
  const { t } = useI18n();
  const tested = props.tested;
  const platform = tested ? t(`notify.platform.${tested.channel.platform}`) : '';
  const hint = tested && !tested.answer.ok ? answerHint(tested.answer.answer) : undefined;
  return (
    <Modal
      open={tested !== undefined}
      onCancel={props.onClose}
      footer={
        <Button type="primary" onClick={props.onClose} data-testid="close-test-result">
          {t('common.close')}
        </Button>
      }
      width={560}
      destroyOnHidden
    >
      {tested ? (
        <Result
          status={tested.answer.ok ? 'success' : 'error'}
          title={
            <span data-testid="test-result">
              {tested.answer.ok ? t('notify.testOk', { platform }) : t('notify.testFailed', { platform })}
            </span>
          }
          subTitle={`${tested.channel.name}${tested.answer.ok ? ` · ${t('notify.testOkHelp')}` : ''}`}
        >
          <Typography.Text type="secondary">{t('notify.testAnswer')}</Typography.Text>
          <Typography.Paragraph>
            <pre className="notify-answer" data-testid="test-answer">
              {tested.answer.answer}
            </pre>
          </Typography.Paragraph>
          {hint ? <Alert type="warning" showIcon title={t(`notify.hint.${hint}`)} data-testid="test-hint" /> : null}
        </Result>
      ) : null}
    </Modal>
  );
}
