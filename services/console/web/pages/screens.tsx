import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { api, type ScreenSummary } from '../api-client.ts';
import { EmptyHint, EmptyText } from '../components/empty-hint.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';

/** 大屏管理: every competition's built-in screen and the screen sets organisers saved. */
export function ScreensPage() {
  const { t, name, lang } = useI18n();
  const { can } = useSession();
  const screens = useApi(() => api.screens(), []);
  const competitions = useApi(() => api.competitions(), []);
  const competitionName = (id: string) => {
    const c = competitions.data?.competitions.find((x) => x.id === id);
    return c ? name(c.name) : id;
  };
  return (
    <>
      <PageHeader
        title={t('menu.screens')}
        subtitle={t('screens.subtitle')}
        extra={
          can.manage ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/screens/new')}>
              {t('screens.new')}
            </Button>
          ) : null
        }
      />
      {screens.error ? <Alert type="error" showIcon title={apiMessage(screens.error.message, lang)} /> : null}
      <Card>
        <Table<ScreenSummary>
          rowKey="id"
          loading={screens.loading}
          dataSource={screens.data?.screens ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="screens-table"
          locale={{
            emptyText: (
              <EmptyText loading={screens.loading} failed={screens.error !== undefined}>
                <EmptyHint
                  text={t('screens.empty')}
                  section="screens"
                  testId="screens-empty"
                  action={
                    can.manage
                      ? { label: t('screens.goCompetitions'), onClick: () => navigate('/competitions') }
                      : undefined
                  }
                />
              </EmptyText>
            ),
          }}
          columns={[
            {
              title: t('screens.name'),
              render: (_, s) => (
                <Space orientation="vertical" size={0}>
                  <a onClick={() => navigate(`/screens/${encodeURIComponent(s.id)}`)}>{name(s.name)}</a>
                  <Typography.Text type="secondary">{s.id}</Typography.Text>
                </Space>
              ),
            },
            {
              title: t('screens.kind'),
              width: 140,
              render: (_, s) =>
                s.builtIn ? <Tag>{t('screens.builtIn')}</Tag> : <Tag color="blue">{t('screens.custom')}</Tag>,
            },
            { title: t('screens.competitions'), render: (_, s) => s.competitionIds.map(competitionName).join('、') },
            {
              title: t('common.actions'),
              width: 200,
              render: (_, s) => (
                <a onClick={() => navigate(`/screens/${encodeURIComponent(s.id)}`)} data-testid={`screen-${s.id}`}>
                  {t('screens.manage')}
                </a>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
