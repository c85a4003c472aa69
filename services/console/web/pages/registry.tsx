import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
} from 'antd';
import { useMemo, useState } from 'react';
import type { Branch, Crew, Org, Person, Unit } from '../../../../schemas/org.schema.ts';
import { api, ApiError, type RegistryChanges } from '../api-client.ts';
import { ImportModal } from '../components/import-modal.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { TargetsTab } from '../components/targets-tab.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { freshId } from '../model/definition-form.ts';
import { branchAllowed } from '../model/permissions.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useOrg } from '../org-context.tsx';
import { useApiFieldErrors } from '../use-api-field-errors.ts';

const UNIT_TYPES = ['station', 'mine', 'workshop', 'district', 'depot', 'other'] as const;

type Editing =
  | { kind: 'branch'; item: Partial<Branch>; isNew: boolean }
  | { kind: 'unit'; item: Partial<Unit>; isNew: boolean }
  | { kind: 'crew'; item: Partial<Crew>; isNew: boolean };

const matches = (query: string, ...texts: (string | undefined)[]) =>
  query === '' || texts.some((text) => text?.toLowerCase().includes(query.toLowerCase()));

export function RegistryPage(props: { tab: string | null }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const org = useOrg();
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Editing>();
  const [importing, setImporting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm();
  // Fields without rules of their own keep an error set on them until told: the API's go as values change.
  const fieldErrors = useApiFieldErrors(form);
  const tab = props.tab ?? 'crews';
  const data: Org | undefined = org.data;

  const branchName = useMemo(() => new Map(data?.branches.map((b) => [b.id, b.name])), [data]);
  const unitOf = useMemo(() => new Map(data?.units.map((u) => [u.id, u])), [data]);
  const crewOf = useMemo(() => new Map(data?.crews.map((c) => [c.id, c])), [data]);
  const crewCount = (unitId: string) => data?.crews.filter((c) => c.unitId === unitId && !c.retired).length ?? 0;
  const mayChange = (branchId: string | undefined) => branchId !== undefined && branchAllowed(can, branchId);
  /** The name of the branch, unit or crew that already has `id` (retired crews too). */
  const rowWithId = (kind: Editing['kind'], id: string): string | undefined =>
    kind === 'crew'
      ? crewOf.get(id)?.name
      : kind === 'unit'
        ? unitOf.get(id)?.name
        : data?.branches.find((b) => b.id === id)?.name;

  async function apply(changes: RegistryChanges, done: string) {
    setSaving(true);
    fieldErrors.clear();
    try {
      await api.changeOrg(changes);
      void message.success(done);
      setEditing(undefined);
      await org.reload();
    } catch (err) {
      if (err instanceof ApiError && err.fieldProblems().length > 0) {
        // Problems of the one row being edited: shown on its fields.
        fieldErrors.show(
          err.fieldProblems().map((p) => ({
            name: p.path
              .replace(/^body\./, '')
              .split(/[.[\]]+/)
              .filter(Boolean)
              .slice(2),
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

  async function downloadRegistry() {
    try {
      await api.downloadRegistry();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    }
  }

  function open(next: Editing) {
    fieldErrors.clear();
    form.resetFields();
    form.setFieldsValue(next.item);
    setEditing(next);
  }

  async function submit() {
    if (!editing) return;
    let values: Record<string, unknown>;
    try {
      values = (await form.validateFields()) as Record<string, unknown>;
    } catch {
      return; // antd shows each problem under its field
    }
    const item = { ...editing.item, ...values };
    if (editing.kind === 'branch') await apply({ branches: [item as Branch] }, t('registry.savedRow'));
    if (editing.kind === 'unit') await apply({ units: [item as Unit] }, t('registry.savedRow'));
    if (editing.kind === 'crew') await apply({ crews: [item as Crew] }, t('registry.savedRow'));
  }

  const crews = (data?.crews ?? []).filter((c) => {
    const unit = unitOf.get(c.unitId);
    return matches(query, c.id, c.name, unit?.name, unit ? branchName.get(unit.branchId) : undefined);
  });
  const units = (data?.units ?? []).filter((u) => matches(query, u.id, u.name, branchName.get(u.branchId)));
  const branches = (data?.branches ?? []).filter((b) => matches(query, b.id, b.name, b.nameEn));
  const persons = (data?.persons ?? []).filter((p) =>
    matches(query, p.id, p.name, p.job, p.employeeNumber, crewOf.get(p.crewId)?.name),
  );
  const allowedUnits = (data?.units ?? []).filter((u) => mayChange(u.branchId));

  const actions = (allowed: boolean, edit: () => void, extra?: React.ReactNode) =>
    allowed ? (
      <Space>
        <a onClick={edit}>{t('common.edit')}</a>
        {extra}
      </Space>
    ) : (
      <Tooltip title={t('registry.notYours')}>
        <Tag>{t('competitions.readOnly')}</Tag>
      </Tooltip>
    );

  const addButton =
    tab === 'crews' && allowedUnits.length > 0 ? (
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          open({
            kind: 'crew',
            isNew: true,
            item: { id: freshId('C', data?.crews.map((c) => c.id) ?? []), unitId: allowedUnits[0]?.id, headcount: 5 },
          })
        }
        data-testid="add-crew"
      >
        {t('registry.addCrew')}
      </Button>
    ) : tab === 'units' && (data?.branches ?? []).some((b) => mayChange(b.id)) ? (
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          open({
            kind: 'unit',
            isNew: true,
            item: {
              id: freshId('U', data?.units.map((u) => u.id) ?? []),
              type: 'station',
              branchId: data?.branches.find((b) => mayChange(b.id))?.id,
            },
          })
        }
      >
        {t('registry.addUnit')}
      </Button>
    ) : tab === 'branches' && can.manageGroup ? (
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          open({ kind: 'branch', isNew: true, item: { id: freshId('B', data?.branches.map((b) => b.id) ?? []) } })
        }
      >
        {t('registry.addBranch')}
      </Button>
    ) : null;

  return (
    <>
      <PageHeader
        title={t('menu.registry')}
        subtitle={t('registry.subtitle', {
          branches: data?.branches.length ?? 0,
          units: data?.units.length ?? 0,
          crews: data?.crews.filter((c) => !c.retired).length ?? 0,
          persons: data?.persons.length ?? 0,
        })}
        extra={
          <>
            {can.manage ? (
              <Button type="primary" icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="import">
                {t('registry.import')}
              </Button>
            ) : null}
            <Button icon={<DownloadOutlined />} onClick={() => void downloadRegistry()} data-testid="download-registry">
              {t('registry.download')}
            </Button>
          </>
        }
      />
      {org.error ? <Alert type="error" showIcon title={apiMessage(org.error.message, lang)} /> : null}
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(next) => navigate(`/registry?tab=${next}`, { replace: true })}
          tabBarExtraContent={
            tab === 'targets' ? null : (
              <Space>
                <Input.Search
                  allowClear
                  placeholder={t('registry.search')}
                  onChange={(event) => setQuery(event.target.value.trim())}
                  className="registry-search"
                  data-testid="registry-search"
                />
                {can.manage ? addButton : null}
              </Space>
            )
          }
          items={[
            {
              key: 'crews',
              label: t('registry.crews'),
              children: (
                <Table<Crew>
                  rowKey="id"
                  loading={org.loading}
                  dataSource={crews}
                  pagination={{ pageSize: 15, hideOnSinglePage: true }}
                  data-testid="crews-table"
                  columns={[
                    { title: t('registry.crewId'), dataIndex: 'id', width: 120 },
                    { title: t('registry.crewName'), dataIndex: 'name' },
                    { title: t('registry.unit'), render: (_, c) => unitOf.get(c.unitId)?.name ?? c.unitId },
                    {
                      title: t('registry.branch'),
                      render: (_, c) => branchName.get(unitOf.get(c.unitId)?.branchId ?? '') ?? '—',
                    },
                    { title: t('registry.headcount'), dataIndex: 'headcount', width: 90 },
                    {
                      title: t('competition.status'),
                      width: 100,
                      render: (_, c) =>
                        c.retired ? (
                          <Tag>{t('registry.retired')}</Tag>
                        ) : (
                          <Tag color="green">{t('registry.active')}</Tag>
                        ),
                    },
                    {
                      title: t('common.actions'),
                      width: 160,
                      render: (_, c) =>
                        actions(
                          mayChange(unitOf.get(c.unitId)?.branchId),
                          () => open({ kind: 'crew', isNew: false, item: c }),
                          <Popconfirm
                            title={c.retired ? t('registry.restoreConfirm') : t('registry.retireConfirm')}
                            description={c.retired ? undefined : t('registry.retireHelp')}
                            onConfirm={() =>
                              void apply(
                                { crews: [{ ...c, retired: !c.retired }] },
                                c.retired
                                  ? t('registry.restored', { name: c.name })
                                  : t('registry.retiredOk', { name: c.name }),
                              )
                            }
                          >
                            <a data-testid={`retire-${c.id}`}>
                              {c.retired ? t('registry.restore') : t('registry.retire')}
                            </a>
                          </Popconfirm>,
                        ),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'units',
              label: t('registry.units'),
              children: (
                <Table<Unit>
                  rowKey="id"
                  loading={org.loading}
                  dataSource={units}
                  pagination={{ pageSize: 15, hideOnSinglePage: true }}
                  columns={[
                    { title: t('registry.unitId'), dataIndex: 'id', width: 120 },
                    { title: t('registry.unitName'), dataIndex: 'name' },
                    { title: t('registry.unitType'), render: (_, u) => t(`unitType.${u.type}`), width: 110 },
                    { title: t('registry.branch'), render: (_, u) => branchName.get(u.branchId) ?? u.branchId },
                    { title: t('registry.crewCount'), render: (_, u) => crewCount(u.id), width: 100 },
                    {
                      title: t('common.actions'),
                      width: 120,
                      render: (_, u) =>
                        actions(mayChange(u.branchId), () => open({ kind: 'unit', isNew: false, item: u })),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'branches',
              label: t('registry.branches'),
              children: (
                <Table<Branch>
                  rowKey="id"
                  loading={org.loading}
                  dataSource={branches}
                  pagination={{ pageSize: 15, hideOnSinglePage: true }}
                  columns={[
                    { title: t('registry.branchId'), dataIndex: 'id', width: 120 },
                    { title: t('registry.branchName'), dataIndex: 'name' },
                    { title: t('registry.nameEn'), render: (_, b) => b.nameEn ?? '—' },
                    {
                      title: t('registry.unitCount'),
                      render: (_, b) => data?.units.filter((u) => u.branchId === b.id).length ?? 0,
                      width: 100,
                    },
                    {
                      title: t('common.actions'),
                      width: 120,
                      render: (_, b) => actions(mayChange(b.id), () => open({ kind: 'branch', isNew: false, item: b })),
                    },
                  ]}
                />
              ),
            },
            {
              key: 'persons',
              label: t('registry.persons'),
              children: (
                // Persons come from the roster upload (人员名单); PATCH /v1/org edits one by one.
                <Table<Person>
                  rowKey="id"
                  loading={org.loading}
                  dataSource={persons}
                  pagination={{ pageSize: 15, hideOnSinglePage: true }}
                  {...(query === '' ? { locale: { emptyText: t('registry.personsEmpty') } } : {})}
                  data-testid="persons-table"
                  columns={[
                    { title: t('registry.personId'), dataIndex: 'id', width: 140 },
                    { title: t('registry.personName'), dataIndex: 'name' },
                    {
                      title: t('registry.personCrew'),
                      render: (_, p) => {
                        const crew = crewOf.get(p.crewId);
                        const unit = crew ? unitOf.get(crew.unitId) : undefined;
                        return (
                          <span data-testid={`person-crew-${p.id}`}>
                            {crew ? `${crew.name}（${p.crewId}）` : p.crewId}
                            {unit ? <span className="muted"> · {unit.name}</span> : null}
                          </span>
                        );
                      },
                    },
                    { title: t('registry.job'), render: (_, p) => p.job ?? '—' },
                    { title: t('registry.employeeNumber'), render: (_, p) => p.employeeNumber ?? '—', width: 120 },
                  ]}
                />
              ),
            },
            {
              key: 'targets',
              label: t('registry.targets'),
              children: data ? <TargetsTab org={data} onSaved={() => void org.reload()} /> : null,
            },
          ]}
        />
      </Card>
      <Modal
        open={editing !== undefined}
        title={editing ? t(`registry.${editing.isNew ? 'new' : 'edit'}.${editing.kind}`) : ''}
        onCancel={() => setEditing(undefined)}
        onOk={() => void submit()}
        okText={t('common.save')}
        okButtonProps={{ loading: saving, 'data-testid': 'save-row' }}
      >
        <Form form={form} layout="vertical" requiredMark onValuesChange={fieldErrors.onValuesChange}>
          <Form.Item
            name="id"
            label={t('registry.code')}
            tooltip={t('registry.codeHelp')}
            rules={[
              { required: true, message: t('form.required') },
              {
                // Saving rows is by id: a new row under a taken one would rename (and move) that row.
                validator: (_, value: unknown) => {
                  const holder =
                    editing?.isNew && typeof value === 'string' ? rowWithId(editing.kind, value) : undefined;
                  return holder
                    ? Promise.reject(new Error(t('registry.idTaken', { name: holder })))
                    : Promise.resolve();
                },
              },
            ]}
          >
            <Input disabled={!editing?.isNew} data-testid="row-id" />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('registry.name')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input data-testid="row-name" />
          </Form.Item>
          <Form.Item name="nameEn" label={t('registry.nameEn')}>
            <Input />
          </Form.Item>
          {editing?.kind === 'unit' ? (
            <>
              <Form.Item name="type" label={t('registry.unitType')} rules={[{ required: true }]}>
                <Select options={UNIT_TYPES.map((type) => ({ value: type, label: t(`unitType.${type}`) }))} />
              </Form.Item>
              <Form.Item name="branchId" label={t('registry.branch')} rules={[{ required: true }]}>
                <Select
                  options={(data?.branches ?? []).map((b) => ({
                    value: b.id,
                    label: b.name,
                    disabled: !mayChange(b.id),
                  }))}
                />
              </Form.Item>
            </>
          ) : null}
          {editing?.kind === 'crew' ? (
            <>
              <Form.Item
                name="unitId"
                label={t('registry.unit')}
                tooltip={t('registry.moveHelp')}
                rules={[{ required: true }]}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  data-testid="row-unit"
                  options={(data?.branches ?? []).map((b) => ({
                    label: b.name,
                    title: b.name,
                    options: (data?.units ?? [])
                      .filter((u) => u.branchId === b.id)
                      .map((u) => ({ value: u.id, label: `${u.name}（${b.name}）`, disabled: !mayChange(b.id) })),
                  }))}
                />
              </Form.Item>
              <Form.Item
                name="headcount"
                label={t('registry.headcount')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <InputNumber min={1} max={10000} precision={0} className="full-width" data-testid="row-headcount" />
              </Form.Item>
            </>
          ) : null}
        </Form>
      </Modal>
      <ImportModal open={importing} onClose={() => setImporting(false)} onImported={() => void org.reload()} />
    </>
  );
}
