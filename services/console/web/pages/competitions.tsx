import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Modal, Row, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, type CompetitionSummary } from '../api-client.ts';
import { EmptyHint, EmptyText } from '../components/empty-hint.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusTag } from '../components/status-tag.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { TEMPLATES } from '../model/templates.ts';
import { href, navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';

type Filter = 'all' | CompetitionSummary['status'];

/** The four templates as cards; picking one opens the editor with it (then: where the editor goes after publishing). */
export function TemplateCards(props: { onPick?: () => void; then?: string }) {
  const { t } = useI18n();
  return (
    <Row gutter={[16, 16]}>
      {TEMPLATES.map((template) => (
        <Col span={12} key={template.key}>
          <Card
            hoverable
            className="template-card"
            data-testid={`template-${template.key}`}
            onClick={() => {
              props.onPick?.();
              navigate(`/competitions/new?template=${template.key}${props.then ? `&then=${props.then}` : ''}`);
            }}
          >
            <Card.Meta title={t(`templates.${template.key}.title`)} description={t(`templates.${template.key}.body`)} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

export function TemplatePicker(props: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal open={props.open} onCancel={props.onClose} footer={null} width={880} title={t('templates.title')}>
      <Typography.Paragraph type="secondary">{t('templates.intro')}</Typography.Paragraph>
      <TemplateCards onPick={props.onClose} />
    </Modal>
  );
}

export function CompetitionsPage() {
  const { t, name, lang } = useI18n();
  const { can } = useSession();
  const list = useApi(() => api.competitions(), []);
  const [filter, setFilter] = useState<Filter>('all');
  const [picking, setPicking] = useState(false);
  const rows = useMemo(
    () => (list.data?.competitions ?? []).filter((c) => filter === 'all' || c.status === filter),
    [list.data, filter],
  );
  const count = (status: Filter) =>
    (list.data?.competitions ?? []).filter((c) => status === 'all' || c.status === status).length;

  return (
    <>
      <PageHeader
        title={t('menu.competitions')}
        subtitle={t('competitions.subtitle')}
        extra={
          can.manage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setPicking(true)}
              data-testid="new-competition"
            >
              {t('competitions.new')}
            </Button>
          ) : null
        }
      />
      {list.error ? <Alert type="error" showIcon title={apiMessage(list.error.message, lang)} /> : null}
      <Card>
        <Segmented<Filter>
          className="section-card"
          value={filter}
          onChange={setFilter}
          options={(['all', 'running', 'upcoming', 'ended', 'closed', 'draft'] as const).map((f) => ({
            value: f,
            label: `${t(`status.${f}`)} ${count(f)}`,
          }))}
        />
        <Table<CompetitionSummary>
          rowKey="id"
          loading={list.loading}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{
            emptyText:
              count('all') === 0 ? (
                <EmptyText loading={list.loading} failed={list.error !== undefined}>
                  <EmptyHint
                    text={t('competitions.empty')}
                    section="first-competition"
                    testId="competitions-empty"
                    action={can.manage ? { label: t('competitions.new'), onClick: () => setPicking(true) } : undefined}
                  />
                </EmptyText>
              ) : (
                t('competitions.noneInFilter')
              ),
          }}
          columns={[
            {
              title: t('competition.name'),
              render: (_, c) => (
                <Space orientation="vertical" size={0}>
                  <a
                    href={href(`/competitions/${encodeURIComponent(c.id)}`)}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(`/competitions/${encodeURIComponent(c.id)}`);
                    }}
                  >
                    {name(c.name)}
                  </a>
                  <Typography.Text type="secondary">{c.id}</Typography.Text>
                </Space>
              ),
            },
            { title: t('competition.kind'), render: (_, c) => t(`kind.${c.kind}`), width: 120 },
            { title: t('competition.period'), render: (_, c) => `${c.period.start} ~ ${c.period.end}`, width: 220 },
            { title: t('competition.status'), render: (_, c) => <StatusTag status={c.status} />, width: 110 },
            {
              title: t('competition.version'),
              width: 170,
              render: (_, c) => (
                <Space size={4}>
                  {c.currentVersion !== null ? <Tag>{t('version.current', { n: c.currentVersion })}</Tag> : null}
                  {c.draftVersion !== null ? <Tag color="gold">{t('version.draft', { n: c.draftVersion })}</Tag> : null}
                </Space>
              ),
            },
            {
              title: t('common.actions'),
              width: 200,
              render: (_, c) => (
                <Space>
                  <a onClick={() => navigate(`/competitions/${encodeURIComponent(c.id)}`)}>{t('common.view')}</a>
                  {c.manageable ? (
                    <a onClick={() => navigate(`/competitions/${encodeURIComponent(c.id)}/edit`)}>
                      {t('competitions.editRules')}
                    </a>
                  ) : (
                    <Typography.Text type="secondary">{t('competitions.readOnly')}</Typography.Text>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <TemplatePicker open={picking} onClose={() => setPicking(false)} />
    </>
  );
}
