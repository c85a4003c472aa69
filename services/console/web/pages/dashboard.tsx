import { ApartmentOutlined, DesktopOutlined, TrophyOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, List, Result, Row, Skeleton, Space, Statistic, Steps, Typography } from 'antd';
import { api } from '../api-client.ts';
import { DisplayLinkPanel } from '../components/display-link-panel.tsx';
import { GroupForm } from '../components/group-form.tsx';
import { ImportPanel } from '../components/import-modal.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusTag } from '../components/status-tag.tsx';
import { TemplateCards } from './competitions.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { firstRunStep } from '../model/first-run.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';
import { useOrg } from '../org-context.tsx';

/**
 * 工作台. On an empty database, a guided start that needs no file edited by hand: the group's name
 * and colours, the roster, a first competition from a template, and its screen on a TV. After
 * that, the competitions that are running and what the registry holds.
 */
export function DashboardPage(props: { fromGuide: boolean }) {
  const { t, name } = useI18n();
  const { can } = useSession();
  const org = useOrg();
  const competitions = useApi(() => api.competitions(), []);
  const first = competitions.data?.competitions.find((c) => c.currentVersion !== null);
  const links = useApi(
    () => (first ? api.links(`competition.${first.id}`) : Promise.resolve({ links: [] })),
    [first?.id],
  );
  if (!org.data || !competitions.data) return <Skeleton active />;
  const step = firstRunStep({
    org: org.data,
    competitions: competitions.data.competitions,
    screenLinks: links.data?.links.length ?? 0,
    fromGuide: props.fromGuide,
  });
  const reload = () => {
    void org.reload();
    void competitions.reload();
    void links.reload();
  };

  if (step < 4 && can.manageGroup) {
    return (
      <>
        <PageHeader title={t('firstRun.title')} subtitle={t('firstRun.subtitle')} />
        <Card>
          <Steps
            current={step}
            className="section-card"
            data-testid="first-run-steps"
            items={[
              { title: t('firstRun.step1'), content: t('firstRun.step1Help') },
              { title: t('firstRun.step2'), content: t('firstRun.step2Help') },
              { title: t('firstRun.step3'), content: t('firstRun.step3Help') },
              { title: t('firstRun.step4'), content: t('firstRun.step4Help') },
            ]}
          />
          <div className="first-run-body" data-testid={`first-run-${step + 1}`}>
            {step === 0 ? <GroupForm org={org.data} onSaved={reload} submitText={t('firstRun.next')} /> : null}
            {step === 1 ? (
              <>
                <Typography.Paragraph>{t('firstRun.rosterIntro')}</Typography.Paragraph>
                <ImportPanel onImported={reload} />
              </>
            ) : null}
            {step === 2 ? (
              <>
                <Typography.Paragraph>{t('firstRun.templateIntro')}</Typography.Paragraph>
                <TemplateCards then="screen" />
              </>
            ) : null}
            {step === 3 && first ? (
              <>
                <Typography.Paragraph>{t('firstRun.screenIntro', { name: name(first.name) })}</Typography.Paragraph>
                <DisplayLinkPanel screenId={`competition.${first.id}`} />
                <Button className="form-alert" onClick={() => navigate('/')} data-testid="first-run-finish">
                  {t('firstRun.finish')}
                </Button>
              </>
            ) : null}
          </div>
        </Card>
      </>
    );
  }

  const running = competitions.data.competitions.filter((c) => c.status === 'running');
  const crews = org.data.crews.filter((c) => !c.retired).length;
  return (
    <>
      <PageHeader title={t('dashboard.title', { group: org.data.groupName })} subtitle={t('dashboard.subtitle')} />
      {step < 4 ? <Alert type="info" showIcon className="form-alert" title={t('dashboard.askHq')} /> : null}
      <Row gutter={16} className="section-card">
        {[
          { icon: <TrophyOutlined />, title: t('dashboard.running'), value: running.length, path: '/competitions' },
          { icon: <TeamOutlined />, title: t('dashboard.crews'), value: crews, path: '/registry' },
          {
            icon: <ApartmentOutlined />,
            title: t('dashboard.units'),
            value: org.data.units.length,
            path: '/registry?tab=units',
          },
          {
            icon: <DesktopOutlined />,
            title: t('dashboard.competitions'),
            value: competitions.data.competitions.length,
            path: '/competitions',
          },
        ].map((card) => (
          <Col span={6} key={card.title}>
            <Card hoverable onClick={() => navigate(card.path)}>
              <Statistic title={card.title} value={card.value} prefix={card.icon} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('dashboard.runningList')}>
        {running.length === 0 ? (
          <Result status="info" title={t('dashboard.noneRunning')} />
        ) : (
          <List
            dataSource={running}
            renderItem={(c) => (
              <List.Item
                actions={[
                  <a key="standings" onClick={() => navigate(`/competitions/${encodeURIComponent(c.id)}`)}>
                    {t('tabs.standings')}
                  </a>,
                  <a key="screen" onClick={() => navigate(`/screens/${encodeURIComponent(`competition.${c.id}`)}`)}>
                    {t('competition.screen')}
                  </a>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space>
                      {name(c.name)}
                      <StatusTag status={c.status} />
                    </Space>
                  }
                  description={`${t(`kind.${c.kind}`)} · ${c.period.start} ~ ${c.period.end}`}
                />
              </List.Item>
            )}
          />
        )}
      </Card>
    </>
  );
}
