import { HistoryOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, ApiError, type EventChain, type EventSearch, type FoundEvent } from '../api-client.ts';
import { EmptyHint, EmptyText } from '../components/empty-hint.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { apiMessage } from '../model/api-message.ts';
import {
  EVENT_FIELDS,
  eventFieldsShown,
  formValuesOf,
  replacementOf,
  type EventField,
  type StoredEvent,
} from '../model/event-fields.ts';
import { dateTime } from '../model/format.ts';
import { useOrg } from '../org-context.tsx';
import { useSession } from '../session-context.tsx';
import { useApiFieldErrors } from '../use-api-field-errors.ts';

const EVENT_TYPES = Object.keys(EVENT_FIELDS);
const STATE_COLOURS = { counted: 'green', withdrawn: 'default', corrected: 'orange' } as const;

interface Filters {
  crewId?: string;
  day?: dayjs.Dayjs;
  type?: string;
  eventId?: string;
}

type Changing = { action: 'withdraw' | 'correct'; found: FoundEvent };

/**
 * 数据更正: an organiser finds an event (by crew, day, type or event id) and withdraws it, or
 * corrects it with a replacement, giving the reason. Nothing is deleted: the correction goes
 * through the pipeline like an event, the standings are recomputed, and the audit history keeps
 * who did what and why.
 */
export function CorrectionsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const { can } = useSession();
  const [filters] = Form.useForm<Filters>();
  const [changeForm] = Form.useForm<Record<string, unknown>>();
  // An event's optional fields and its note have no rules: the API's word on them goes as they change.
  const changeErrors = useApiFieldErrors(changeForm);
  const [search, setSearch] = useState<EventSearch>();
  const [found, setFound] = useState<{ events: FoundEvent[]; total: number }>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [changing, setChanging] = useState<Changing>();
  const [saving, setSaving] = useState(false);
  const [changeError, setChangeError] = useState<string>();
  const [history, setHistory] = useState<{ found: FoundEvent; chain?: EventChain }>();

  const crewName = (id: string) => org.data?.crews.find((c) => c.id === id)?.name ?? id;
  const typeLabel = (type: string) => (EVENT_TYPES.includes(type) ? t(`eventType.${type}` as MessageKey) : type);
  const fieldLabel = (key: string) => t(`eventField.${key}` as MessageKey);
  const choiceLabel = (field: EventField, value: unknown) =>
    field.choicePrefix ? t(`${field.choicePrefix}.${String(value)}` as MessageKey) : String(value);
  const say = (err: unknown) => (err instanceof Error ? apiMessage(err.message, lang) : String(err));

  async function find(query: EventSearch) {
    setLoading(true);
    setError(undefined);
    setSearch(query);
    try {
      const answer = await api.events({ ...query, limit: 100 });
      setFound({ events: answer.events, total: answer.total });
    } catch (err) {
      setError(say(err));
    } finally {
      setLoading(false);
    }
  }

  function submitFilters(values: Filters) {
    const query: EventSearch = {};
    if (values.crewId) query.crewId = values.crewId;
    if (values.day) query.day = values.day.format('YYYY-MM-DD');
    if (values.type) query.type = values.type;
    if (values.eventId?.trim()) query.eventId = values.eventId.trim();
    void find(query);
  }

  function startChange(next: Changing) {
    changeErrors.clear();
    changeForm.resetFields();
    changeForm.setFieldsValue({ reason: '', ...formValuesOf(next.found.event) });
    setChangeError(undefined);
    setChanging(next);
  }

  async function saveChange() {
    if (!changing) return;
    let values: Awaited<ReturnType<typeof changeForm.validateFields>>;
    try {
      values = await changeForm.validateFields();
    } catch {
      return; // antd shows each problem under its field
    }
    const { event } = changing.found;
    const reason = typeof values['reason'] === 'string' ? values['reason'] : '';
    setSaving(true);
    setChangeError(undefined);
    changeErrors.clear();
    try {
      const result =
        changing.action === 'withdraw'
          ? await api.withdraw(event.eventId, { crewId: event.crewId, reason })
          : await api.correct(event.eventId, {
              crewId: event.crewId,
              reason,
              event: replacementOf(event, values),
            });
      void message.success(apiMessage(result.message, lang));
      setChanging(undefined);
      if (search) await find(search);
    } catch (err) {
      const problems = err instanceof ApiError ? err.fieldProblems() : [];
      if (problems.length > 0) {
        changeErrors.show(
          problems.map((p) => ({
            name: [p.path.replace(/^body\./, '').replace(/^event\./, '')],
            errors: [apiMessage(p.message, lang)],
          })),
        );
      } else {
        setChangeError(say(err));
      }
    } finally {
      setSaving(false);
    }
  }

  async function showHistory(item: FoundEvent) {
    setHistory({ found: item });
    try {
      setHistory({ found: item, chain: await api.eventHistory(item.event.eventId, item.event.crewId) });
    } catch (err) {
      setHistory(undefined);
      void message.error(say(err));
    }
  }

  const details = (event: StoredEvent) =>
    eventFieldsShown(event)
      .map(({ key, value }) => {
        const field = EVENT_FIELDS[event.type]?.find((x) => x.key === key);
        return `${fieldLabel(key)} ${field?.choicePrefix ? choiceLabel(field, value) : String(value)}`;
      })
      .join(' · ');

  const stateTag = (item: FoundEvent) => (
    <Space orientation="vertical" size={0}>
      <Tag color={STATE_COLOURS[item.state]}>{t(`corrections.state.${item.state}`)}</Tag>
      {item.correction ? (
        <Typography.Text type="secondary" className="small-text">
          {t('corrections.by', {
            reason: item.correction.reason,
            author: item.correction.author,
            at: dateTime(item.correction.requestedAt),
          })}
        </Typography.Text>
      ) : null}
      {item.replaces ? (
        <Typography.Text type="secondary" className="small-text">
          {t('corrections.replaces', { eventId: item.replaces.eventId })}
        </Typography.Text>
      ) : null}
    </Space>
  );

  const changingEvent = changing?.found.event;
  return (
    <>
      <PageHeader title={t('menu.corrections')} subtitle={t('corrections.subtitle')} />
      <Card className="section-card">
        <Form form={filters} layout="inline" onFinish={submitFilters} data-testid="event-filters">
          <Form.Item name="crewId" label={t('standings.crew')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              className="filter-select"
              placeholder={t('corrections.anyCrew')}
              options={(org.data?.crews ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.id}）` }))}
              data-testid="filter-crew"
            />
          </Form.Item>
          <Form.Item name="day" label={t('corrections.day')}>
            <DatePicker data-testid="filter-day" />
          </Form.Item>
          <Form.Item name="type" label={t('events.type')}>
            <Select
              allowClear
              className="filter-select"
              placeholder={t('corrections.anyType')}
              options={EVENT_TYPES.map((type) => ({ value: type, label: typeLabel(type) }))}
              data-testid="filter-type"
            />
          </Form.Item>
          <Form.Item name="eventId" label={t('events.eventId')}>
            <Input allowClear data-testid="filter-event-id" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="find-events">
              {t('corrections.find')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {error ? <Alert type="error" showIcon className="form-alert" title={error} /> : null}
      <Card>
        <Table<FoundEvent>
          rowKey={(x) => `${x.event.crewId}/${x.event.eventId}`}
          loading={loading}
          dataSource={found?.events ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{
            emptyText: (
              <EmptyText loading={loading} failed={error !== undefined}>
                <EmptyHint
                  text={
                    !found
                      ? t('corrections.askFirst')
                      : search && Object.keys(search).length === 0
                        ? t('corrections.noEvents')
                        : t('corrections.none')
                  }
                  section="corrections"
                  testId="events-empty"
                />
              </EmptyText>
            ),
          }}
          data-testid="events-table"
          title={found ? () => t('corrections.found', { n: found.total }) : undefined}
          columns={[
            { title: t('periods.occurredAt'), width: 140, render: (_, x) => dateTime(x.event.occurredAt) },
            { title: t('standings.crew'), render: (_, x) => x.crewName ?? x.event.crewId },
            { title: t('events.type'), render: (_, x) => typeLabel(x.event.type) },
            { title: t('corrections.details'), render: (_, x) => details(x.event) },
            { title: t('events.eventId'), render: (_, x) => <code>{x.event.eventId}</code> },
            { title: t('competition.status'), render: (_, x) => stateTag(x) },
            {
              title: t('common.actions'),
              width: 210,
              render: (_, x) => (
                <Space size={4}>
                  {x.state === 'counted' && can.manage ? (
                    <>
                      <Button
                        size="small"
                        onClick={() => startChange({ action: 'withdraw', found: x })}
                        data-testid={`withdraw-${x.event.eventId}`}
                      >
                        {t('corrections.withdraw')}
                      </Button>
                      <Button
                        size="small"
                        onClick={() => startChange({ action: 'correct', found: x })}
                        data-testid={`correct-${x.event.eventId}`}
                      >
                        {t('corrections.correct')}
                      </Button>
                    </>
                  ) : null}
                  <Button
                    size="small"
                    type="link"
                    icon={<HistoryOutlined />}
                    onClick={() => void showHistory(x)}
                    data-testid={`history-${x.event.eventId}`}
                  >
                    {t('corrections.history')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={changing !== undefined}
        onCancel={() => setChanging(undefined)}
        title={
          changing && changingEvent
            ? t(changing.action === 'withdraw' ? 'corrections.withdrawTitle' : 'corrections.correctTitle', {
                eventId: changingEvent.eventId,
              })
            : ''
        }
        okText={changing?.action === 'withdraw' ? t('corrections.withdraw') : t('corrections.correct')}
        okButtonProps={{ danger: changing?.action === 'withdraw', loading: saving }}
        onOk={() => void saveChange()}
        width={720}
        destroyOnHidden
      >
        {changing && changingEvent ? (
          <>
            <Descriptions size="small" column={2} bordered className="section-card">
              <Descriptions.Item label={t('standings.crew')}>{crewName(changingEvent.crewId)}</Descriptions.Item>
              <Descriptions.Item label={t('events.type')}>{typeLabel(changingEvent.type)}</Descriptions.Item>
              <Descriptions.Item label={t('periods.occurredAt')}>
                {dateTime(changingEvent.occurredAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t('corrections.details')}>{details(changingEvent)}</Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph type="secondary">
              {t(changing.action === 'withdraw' ? 'corrections.withdrawHelp' : 'corrections.correctHelp')}
            </Typography.Paragraph>
            <Form form={changeForm} layout="vertical" onValuesChange={changeErrors.onValuesChange}>
              {changing.action === 'correct' ? (
                <>
                  <Space wrap className="full-width">
                    <Form.Item name="crewId" label={fieldLabel('crewId')} rules={[{ required: true }]}>
                      <Select
                        showSearch={{ optionFilterProp: 'label' }}
                        className="filter-select"
                        options={(org.data?.crews ?? []).map((c) => ({ value: c.id, label: `${c.name}（${c.id}）` }))}
                      />
                    </Form.Item>
                    <Form.Item
                      name="occurredAt"
                      label={fieldLabel('occurredAt')}
                      tooltip={t('corrections.occurredAtHelp')}
                      rules={[{ required: true }]}
                    >
                      <Input className="filter-select" data-testid="fix-occurredAt" />
                    </Form.Item>
                    {(EVENT_FIELDS[changingEvent.type] ?? []).map((field) => (
                      <Form.Item
                        key={field.key}
                        name={field.key}
                        label={fieldLabel(field.key)}
                        rules={field.required ? [{ required: true }] : []}
                      >
                        {field.kind === 'choice' ? (
                          <Select
                            allowClear={!field.required}
                            className="filter-select"
                            options={(field.choices ?? []).map((value) => ({
                              value,
                              label: choiceLabel(field, value),
                            }))}
                            data-testid={`fix-${field.key}`}
                          />
                        ) : field.kind === 'text' || field.kind === 'list' ? (
                          <Input data-testid={`fix-${field.key}`} />
                        ) : (
                          <InputNumber
                            precision={field.kind === 'int' ? 0 : undefined}
                            data-testid={`fix-${field.key}`}
                          />
                        )}
                      </Form.Item>
                    ))}
                  </Space>
                  <Form.Item name="note" label={fieldLabel('note')}>
                    <Input />
                  </Form.Item>
                </>
              ) : null}
              <Form.Item
                name="reason"
                label={t('corrections.reason')}
                rules={[{ required: true, whitespace: true, message: t('corrections.reasonRequired') }]}
              >
                <Input.TextArea rows={2} maxLength={500} showCount data-testid="correction-reason" />
              </Form.Item>
            </Form>
            {changeError ? <Alert type="error" showIcon title={changeError} /> : null}
          </>
        ) : null}
      </Modal>
      <Drawer
        open={history !== undefined}
        onClose={() => setHistory(undefined)}
        size={560}
        title={history ? t('corrections.historyTitle', { eventId: history.found.event.eventId }) : ''}
        data-testid="history-drawer"
      >
        {history?.chain ? (
          <Timeline
            items={history.chain.versions.map((version) => ({
              color: STATE_COLOURS[version.state] === 'default' ? 'gray' : STATE_COLOURS[version.state],
              children: (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>
                    {version.event.eventId} · {typeLabel(version.event.type)} ·{' '}
                    {version.crewName ?? version.event.crewId}
                  </Typography.Text>
                  <Typography.Text>{details(version.event)}</Typography.Text>
                  <Typography.Text type="secondary">
                    {t('corrections.received', {
                      occurred: dateTime(version.event.occurredAt),
                      stored: dateTime(version.storedAt),
                    })}
                  </Typography.Text>
                  {stateTag(version)}
                </Space>
              ),
            }))}
          />
        ) : (
          <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
        )}
      </Drawer>
    </>
  );
}
