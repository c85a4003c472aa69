import { DesktopOutlined, EditOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Empty, Skeleton, Tabs } from 'antd';
import { api } from '../api-client.ts';
import { DeleteDraftButton } from '../components/delete-draft-button.tsx';
import { InspectionTab } from '../components/inspection-tab.tsx';
import { NotifyTab } from '../components/notify-tab.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PeriodsTab } from '../components/periods-tab.tsx';
import { StandingsTab } from '../components/standings-tab.tsx';
import { StatusTag } from '../components/status-tag.tsx';
import { VersionsTab } from '../components/versions-tab.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime } from '../model/format.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';

const TABS = ['standings', 'inspections', 'versions', 'periods', 'notify'] as const;
type Tab = (typeof TABS)[number];

export function CompetitionDetailPage(props: { id: string; tab: string | null }) {
  const { t, name, lang } = useI18n();
  const { can } = useSession();
  const list = useApi(() => api.competitions(), [props.id]);
  const summary = list.data?.competitions.find((c) => c.id === props.id);
  const published = summary?.currentVersion !== null && summary !== undefined;
  const current = useApi(
    () => (published ? api.competition(props.id) : Promise.resolve(undefined)),
    [props.id, published, summary?.currentVersion],
  );
  const tab: Tab = TABS.includes(props.tab as Tab) ? (props.tab as Tab) : published ? 'standings' : 'versions';
  const go = (next: string) => navigate(`/competitions/${encodeURIComponent(props.id)}?tab=${next}`, { replace: true });

  if (list.error) return <Alert type="error" showIcon title={apiMessage(list.error.message, lang)} />;
  if (!list.data) return <Skeleton active />;
  if (!summary) return <Empty description={t('competition.notFound', { id: props.id })} />;

  const definition = current.data?.definition;
  const needsPublished = (node: React.ReactNode) =>
    published ? node : <Empty description={t('competition.notPublished')} />;
  return (
    <>
      <PageHeader
        title={
          <>
            {name(summary.name)} <StatusTag status={summary.status} />
          </>
        }
        subtitle={`${t(`kind.${summary.kind}`)} · ${summary.period.start} ~ ${summary.period.end} · ${summary.id}`}
        crumbs={[{ title: t('menu.competitions'), path: '/competitions' }, { title: name(summary.name) }]}
        extra={
          <>
            {published ? (
              <Button
                icon={<DesktopOutlined />}
                onClick={() => navigate(`/screens/${encodeURIComponent(`competition.${props.id}`)}`)}
                data-testid="open-screen"
              >
                {t('competition.screen')}
              </Button>
            ) : null}
            {summary.manageable && !published ? (
              <DeleteDraftButton
                name={name(summary.name)}
                confirm={t('deleteDraft.competitionConfirm', { name: name(summary.name) })}
                remove={() => api.remove(props.id, '')}
                onDeleted={() => navigate('/competitions')}
              />
            ) : null}
            {summary.manageable ? (
              <Button
                type="primary"
                icon={<EditOutlined />}
                onClick={() => navigate(`/competitions/${encodeURIComponent(props.id)}/edit`)}
                data-testid="edit-rules"
              >
                {t('competitions.editRules')}
              </Button>
            ) : null}
          </>
        }
      />
      {summary.draftVersion !== null && summary.manageable ? (
        <Alert
          type="warning"
          showIcon
          className="form-alert"
          title={t('competition.draftWaiting', { n: summary.draftVersion })}
          action={
            <Button size="small" onClick={() => go('versions')}>
              {t('versions.previewAndPublish')}
            </Button>
          }
        />
      ) : null}
      <Card>
        <Descriptions size="small" column={4} className="section-card">
          <Descriptions.Item label={t('competition.version')}>
            {summary.currentVersion === null ? '—' : `v${summary.currentVersion}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('versions.savedAt')}>{dateTime(summary.savedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('editor.indicators')}>{definition?.indicators.length ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('editor.stages')}>{definition?.stages.length ?? '—'}</Descriptions.Item>
        </Descriptions>
        <Tabs
          activeKey={tab}
          onChange={go}
          items={[
            {
              key: 'standings',
              label: t('tabs.standings'),
              children: needsPublished(
                definition ? <StandingsTab competitionId={props.id} definition={definition} /> : <Skeleton active />,
              ),
            },
            ...(definition?.sheet
              ? [
                  {
                    key: 'inspections',
                    label: t('tabs.inspections'),
                    children: <InspectionTab definition={definition} />,
                  },
                ]
              : []),
            {
              key: 'versions',
              label: t('tabs.versions'),
              children: (
                <VersionsTab
                  competitionId={props.id}
                  manageable={summary.manageable}
                  onPublished={() => void list.reload()}
                />
              ),
            },
            {
              key: 'periods',
              label: t('tabs.periods'),
              children: needsPublished(
                <PeriodsTab
                  competitionId={props.id}
                  currentVersion={summary.currentVersion}
                  manageable={summary.manageable}
                />,
              ),
            },
            ...(summary.manageable && can.manage
              ? [{ key: 'notify', label: t('tabs.notify'), children: <NotifyTab competitionId={props.id} /> }]
              : []),
          ]}
        />
      </Card>
    </>
  );
}
