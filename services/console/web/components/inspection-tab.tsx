import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Table,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { CompetitionInput } from '../../../../schemas/competition.schema.ts';
import { api, ApiError, type FoundEvent } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime } from '../model/format.ts';
import { inspectionEvent, inspectionFieldOf, sheetItemChoices, type InspectionForm } from '../model/inspection-form.ts';
import { useOrg } from '../org-context.tsx';
import { useApi } from '../use-api.ts';
import { useApiFieldErrors } from '../use-api-field-errors.ts';

/**
 * 安全检查/考核录入: one inspection result for one item of the competition's sheet, sent as an
 * assessment event through POST /v1/events like every other event (deduplicated, correctable);
 * the API's problems are shown on their fields.
 */
export function InspectionTab(props: { definition: CompetitionInput }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const [form] = Form.useForm<InspectionForm>();
  // The API checks these fields (they have no rules): its errors go as their values change.
  const fieldErrors = useApiFieldErrors(form);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  /** Accepted by the API just now: shown at once (the stored list follows when the pipeline has written them). */
  const [sent, setSent] = useState<FoundEvent[]>([]);
  const recent = useApi(() => api.events({ type: 'assessment', limit: 10 }), []);
  const person = props.definition.entrants === 'person';
  const choices = sheetItemChoices(props.definition.sheet);
  const itemNames = new Map(choices.flatMap((g) => g.options.map((o) => [o.value, o.label] as const)));

  const crews = org.data?.crews.filter((c) => !c.retired) ?? [];
  const unitName = new Map(org.data?.units.map((u) => [u.id, u.name]) ?? []);
  const entrantOptions = person
    ? (org.data?.persons ?? []).map((p) => ({
        value: p.id,
        label: `${p.name}${p.employeeNumber ? `（${p.employeeNumber}）` : ''} · ${crews.find((c) => c.id === p.crewId)?.name ?? p.crewId}`,
      }))
    : crews.map((c) => ({ value: c.id, label: `${unitName.get(c.unitId) ?? c.unitId} · ${c.name}` }));

  async function submit() {
    setProblem(undefined);
    const values = form.getFieldsValue(true) as InspectionForm;
    // The last attempt's problems go; this one's come back from the API.
    fieldErrors.clear();
    setBusy(true);
    try {
      const crewOfPerson = (id: string) => org.data?.persons.find((p) => p.id === id)?.crewId;
      const event = inspectionEvent(values, {
        person,
        crewOf: crewOfPerson,
        timeZone: props.definition.timeZone ?? 'Asia/Shanghai',
        eventId: `inspection-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      });
      const answer = await api.sendEvents([event]);
      if (answer.accepted === 0 && answer.duplicates.length > 0) void message.info(t('inspection.duplicate'));
      else void message.success(t('inspection.saved', { item: itemNames.get(values.itemId ?? '') ?? '' }));
      form.setFieldsValue({ value: undefined, note: '' });
      const crew = org.data?.crews.find((c) => c.id === event.crewId);
      const now = new Date().toISOString();
      setSent((list) => [
        {
          event: { ...event, occurredAt: new Date(event.occurredAt).toISOString() },
          crewName: crew?.name ?? null,
          branchId: null,
          receivedAt: now,
          storedAt: now,
          state: 'counted',
          correction: null,
          replaces: null,
        },
        ...list,
      ]);
      void recent.reload();
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setProblem(String(err));
        return;
      }
      const rejected = Array.isArray(err.details)
        ? (err.details as { errors?: { path: string; message: string }[] }[]).flatMap((r) => r.errors ?? [])
        : [];
      const onFields = new Map<string, string[]>();
      const elsewhere: string[] = [];
      for (const issue of rejected) {
        const field = inspectionFieldOf(issue.path);
        const text = apiMessage(issue.message, lang);
        // The first problem of a field says what to do; "must not be blank" makes the format rule moot.
        if (field) onFields.set(field, onFields.get(field) ?? [text]);
        else elsewhere.push(`${issue.path}: ${text}`);
      }
      fieldErrors.show([...onFields].map(([field, errors]) => ({ name: [field], errors })));
      if (elsewhere.length > 0 || onFields.size === 0) {
        setProblem([apiMessage(err.message, lang), ...elsewhere].join('；'));
      }
    } finally {
      setBusy(false);
    }
  }

  if (choices.length === 0) return <Alert type="info" showIcon title={t('inspection.noSheet')} />;
  const initial: InspectionForm = { mode: 'findings', date: dayjs().format('YYYY-MM-DD') };
  return (
    <>
      <Card size="small" title={t('inspection.title')} className="section-card" data-testid="inspection-form">
        <Form<InspectionForm>
          form={form}
          layout="vertical"
          initialValues={initial}
          onValuesChange={fieldErrors.onValuesChange}
        >
          {problem ? <Alert type="error" showIcon className="form-alert" title={problem} /> : null}
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item
                name="entrant"
                label={t(person ? 'inspection.person' : 'inspection.crew')}
                tooltip={t(`inspection.entrantHelp.${props.definition.entrants ?? 'crew'}`)}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={entrantOptions}
                  data-testid="inspection-entrant"
                />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="itemId" label={t('inspection.item')}>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={choices.map((g) => ({ label: g.group, options: g.options }))}
                  data-testid="inspection-item"
                />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="date" label={t('inspection.date')} {...dateProps}>
                <DatePicker className="full-width" data-testid="inspection-date" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="mode" label={t('inspection.mode')} tooltip={t('inspection.modeHelp')}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'findings', label: t('inspection.mode.findings') },
                    { value: 'points', label: t('inspection.mode.points') },
                  ]}
                />
              </Form.Item>
            </Col>
            <Col span={4}>
              <Form.Item noStyle shouldUpdate>
                {() => (
                  <Form.Item
                    name="value"
                    label={t(
                      (form.getFieldValue('mode') as InspectionForm['mode']) === 'points'
                        ? 'inspection.points'
                        : 'inspection.findings',
                    )}
                  >
                    <InputNumber className="full-width" data-testid="inspection-value" />
                  </Form.Item>
                )}
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="inspector" label={t('inspection.inspector')}>
                <Input data-testid="inspection-inspector" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="note" label={t('inspection.note')}>
                <Input.TextArea rows={2} data-testid="inspection-note" />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" loading={busy} onClick={() => void submit()} data-testid="inspection-submit">
            {t('inspection.submit')}
          </Button>
        </Form>
      </Card>
      <Card size="small" title={t('inspection.recent')}>
        <Table<FoundEvent>
          size="small"
          rowKey={(e) => `${e.event.crewId}/${e.event.eventId}`}
          dataSource={[
            ...sent.filter((mine) => !recent.data?.events.some((e) => e.event.eventId === mine.event.eventId)),
            ...(recent.data?.events ?? []),
          ]}
          pagination={false}
          data-testid="inspection-recent"
          locale={{ emptyText: t('inspection.none') }}
          columns={[
            { title: t('inspection.date'), width: 150, render: (_, e) => dateTime(e.event.occurredAt) },
            { title: t('inspection.crew'), width: 160, render: (_, e) => e.crewName ?? e.event.crewId },
            {
              title: t('inspection.item'),
              render: (_, e) => itemNames.get(shown(e.event['itemId'])) ?? shown(e.event['itemId']),
            },
            {
              title: t('inspection.result'),
              width: 140,
              render: (_, e) =>
                e.event['findings'] !== undefined
                  ? t('inspection.findingsN', { n: shown(e.event['findings']) })
                  : t('inspection.pointsN', { n: shown(e.event['points']) }),
            },
            { title: t('inspection.inspector'), width: 110, render: (_, e) => shown(e.event['inspector']) },
            { title: t('inspection.note'), render: (_, e) => shown(e.event.note) },
            {
              title: '',
              width: 80,
              render: (_, e) => (e.state === 'counted' ? null : <Tag>{t(`corrections.state.${e.state}`)}</Tag>),
            },
          ]}
        />
      </Card>
    </>
  );
}

/** A value of an event as it was sent (a loose object): text or a number, else blank. */
const shown = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

const dateProps = {
  getValueProps: (value: string | undefined) => ({ value: value ? dayjs(value) : undefined }),
  normalize: (value: Dayjs | null) => (value ? value.format('YYYY-MM-DD') : undefined),
};
