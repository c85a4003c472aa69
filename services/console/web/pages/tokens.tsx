import { CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Result, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, type TokenInfoAnswer } from '../api-client.ts';
import { EmptyHint, EmptyText } from '../components/empty-hint.tsx';
import { ReporterLink } from '../components/reporter-link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime } from '../model/format.ts';
import type { Role } from '../model/permissions.ts';
import { useOrg } from '../org-context.tsx';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';
import { useApiFieldErrors } from '../use-api-field-errors.ts';

interface NewToken {
  name: string;
  role: Role;
  branchIds?: string[];
  unitIds?: string[];
  crewIds?: string[];
}

const ROLES: Role[] = ['organiser', 'ingest', 'reporter', 'viewer', 'admin'];

/** 访问令牌: who may do what; a new token is shown once, with a copy button. */
export function TokensPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const { who } = useSession();
  const tokens = useApi(() => api.tokens(), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: string; role: Role }>();
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<NewToken>();
  // The role and the scope have no rules: the API's word on them goes as their values change.
  const fieldErrors = useApiFieldErrors(form);
  const role = Form.useWatch('role', form);
  const branchName = new Map(org.data?.branches.map((b) => [b.id, b.name]));
  const unitName = new Map(org.data?.units.map((u) => [u.id, u.name]));
  const crewName = new Map(org.data?.crews.map((c) => [c.id, c.name]));

  async function create(values: NewToken) {
    setSaving(true);
    fieldErrors.clear();
    try {
      const answer = await api.createToken({
        name: values.name.trim(),
        role: values.role,
        branchIds: values.branchIds ?? [],
        unitIds: values.unitIds ?? [],
        crewIds: values.crewIds ?? [],
      });
      setCreated({ token: answer.token, role: answer.role });
      await tokens.reload();
    } catch (err) {
      if (err instanceof ApiError && err.fieldProblems().length > 0) {
        fieldErrors.show(
          err.fieldProblems().map((p) => ({
            name: [p.path.replace(/^body\./, '').split(/[.[]/)[0] ?? 'name'],
            errors: [apiMessage(p.message, lang)],
          })),
        );
      } else {
        void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
      }
    } finally {
      setSaving(false);
    }
  }

  async function revoke(token: TokenInfoAnswer) {
    try {
      await api.revokeToken(token.id);
      void message.success(t('tokens.revoked', { name: token.name }));
      await tokens.reload();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    }
  }

  const close = () => {
    setCreating(false);
    setCreated(undefined);
    fieldErrors.clear();
    form.resetFields();
  };

  return (
    <>
      <PageHeader
        title={t('menu.tokens')}
        subtitle={t('tokens.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-token">
            {t('tokens.new')}
          </Button>
        }
      />
      {tokens.error ? <Alert type="error" showIcon title={apiMessage(tokens.error.message, lang)} /> : null}
      <Card>
        <Table<TokenInfoAnswer>
          rowKey="id"
          loading={tokens.loading}
          dataSource={tokens.data?.tokens ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="tokens-table"
          locale={{
            emptyText: (
              <EmptyText loading={tokens.loading} failed={tokens.error !== undefined}>
                <EmptyHint
                  text={t('tokens.empty')}
                  section="tokens"
                  testId="tokens-empty"
                  action={{ label: t('tokens.new'), onClick: () => setCreating(true) }}
                />
              </EmptyText>
            ),
          }}
          columns={[
            { title: t('tokens.name'), dataIndex: 'name' },
            { title: t('tokens.role'), render: (_, x) => t(`role.${x.role}`), width: 110 },
            {
              title: t('tokens.scope'),
              render: (_, x) =>
                x.branchIds.length + x.unitIds.length + x.crewIds.length === 0
                  ? t('tokens.everything')
                  : [
                      ...x.branchIds.map((id) => branchName.get(id) ?? id),
                      ...x.unitIds.map((id) => unitName.get(id) ?? id),
                      ...x.crewIds.map((id) => crewName.get(id) ?? id),
                    ].join('、'),
            },
            { title: t('tokens.created'), render: (_, x) => `${dateTime(x.createdAt)} · ${x.createdBy}`, width: 240 },
            {
              title: t('competition.status'),
              width: 110,
              render: (_, x) =>
                x.revokedAt ? <Tag>{t('tokens.revokedTag')}</Tag> : <Tag color="green">{t('links.active')}</Tag>,
            },
            {
              title: t('common.actions'),
              width: 100,
              render: (_, x) =>
                x.revokedAt ? null : x.id === who.token?.id ? (
                  <Tag color="blue">{t('tokens.yours')}</Tag>
                ) : (
                  <Popconfirm
                    title={t('tokens.revokeConfirm', { name: x.name })}
                    description={t('tokens.revokeHelp')}
                    onConfirm={() => void revoke(x)}
                  >
                    <a data-testid={`revoke-token-${x.name}`}>{t('links.revoke')}</a>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      <Modal
        open={creating}
        title={t('tokens.new')}
        onCancel={close}
        footer={
          created ? (
            <Button type="primary" onClick={close} data-testid="close-token">
              {t('common.close')}
            </Button>
          ) : undefined
        }
        onOk={() => form.submit()}
        okButtonProps={{ loading: saving, 'data-testid': 'create-token' }}
        destroyOnHidden
      >
        {created ? (
          <Result
            status="success"
            title={t('tokens.createdOnce')}
            subTitle={
              <Typography.Paragraph
                copyable={{ text: created.token, icon: [<CopyOutlined key="copy" />, <CopyOutlined key="done" />] }}
              >
                <Typography.Text code data-testid="new-token-secret">
                  {created.token}
                </Typography.Text>
              </Typography.Paragraph>
            }
          >
            {created.role === 'reporter' || created.role === 'viewer' ? (
              <ReporterLink token={created.token} viewer={created.role === 'viewer'} />
            ) : null}
          </Result>
        ) : (
          <Form<NewToken>
            form={form}
            layout="vertical"
            onFinish={(values) => void create(values)}
            onValuesChange={fieldErrors.onValuesChange}
            initialValues={{ role: 'organiser' }}
          >
            <Form.Item
              name="name"
              label={t('tokens.name')}
              tooltip={t('tokens.nameHelp')}
              rules={[{ required: true, whitespace: true, message: t('form.required') }]}
            >
              <Input placeholder={t('tokens.namePlaceholder')} data-testid="token-name" />
            </Form.Item>
            <Form.Item name="role" label={t('tokens.role')} extra={role ? t(`tokens.roleHelp.${role}`) : null}>
              <Select data-testid="token-role" options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
            </Form.Item>
            {role === 'organiser' || role === 'ingest' || role === 'reporter' ? (
              <Form.Item name="branchIds" label={t('tokens.branches')} tooltip={t('tokens.branchesHelp')}>
                <Select
                  mode="multiple"
                  data-testid="token-branches"
                  options={(org.data?.branches ?? []).map((b) => ({ value: b.id, label: b.name }))}
                  placeholder={role === 'organiser' ? t('tokens.allBranches') : undefined}
                />
              </Form.Item>
            ) : null}
            {role === 'ingest' || role === 'reporter' ? (
              <Form.Item name="unitIds" label={t('tokens.units')}>
                <Select
                  mode="multiple"
                  data-testid="token-units"
                  options={(org.data?.units ?? []).map((u) => ({ value: u.id, label: u.name }))}
                />
              </Form.Item>
            ) : null}
            {role === 'reporter' ? (
              <Form.Item name="crewIds" label={t('tokens.crews')}>
                <Select
                  mode="multiple"
                  data-testid="token-crews"
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(org.data?.crews ?? []).map((c) => ({ value: c.id, label: c.name }))}
                />
              </Form.Item>
            ) : null}
          </Form>
        )}
      </Modal>
    </>
  );
}
