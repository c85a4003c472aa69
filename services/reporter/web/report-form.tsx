import Button from 'antd-mobile/es/components/button';
import Checkbox from 'antd-mobile/es/components/checkbox';
import Form from 'antd-mobile/es/components/form';
import Input from 'antd-mobile/es/components/input';
import Radio from 'antd-mobile/es/components/radio';
import Selector from 'antd-mobile/es/components/selector';
import Space from 'antd-mobile/es/components/space';
import TextArea from 'antd-mobile/es/components/text-area';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { OpenHazardList } from '../../../schemas/report.schema.ts';
import type { ReporterApi } from './api.ts';
import type { MessageKey } from './i18n/i18n.ts';
import type { Crew, Org } from './org-scope.ts';
import type { DraftPhoto, Outbox } from './outbox.ts';
import { PhotoPicker } from './photo-picker.tsx';
import { FORM_FIELDS, newId, reportBody, withOffset, type Field, type ReportKind } from './report-forms.ts';
import { t } from './words.ts';

// Types only (erased): the contract's zod schemas stay out of the phone's bundle.
type OpenHazard = z.infer<typeof OpenHazardList>['hazards'][number];
/** What antd-mobile's Form holds: texts, a Selector's choice as a one-item list, persons' ids. */
type FormState = Record<string, string | string[] | undefined>;

export interface ReportFormProps {
  kind: ReportKind;
  crews: readonly Crew[];
  org: Org;
  outbox: Outbox;
  api: ReporterApi;
}

const now = () => withOffset(new Date()).slice(0, 16);

function control(field: Field, org: Org, crewId: string, hazards: readonly OpenHazard[]) {
  switch (field.kind) {
    case 'text':
      return <Input maxLength={200} autoComplete="off" name={field.name} clearable />;
    case 'textarea':
      return <TextArea rows={3} maxLength={2000} name={field.name} autoSize={{ minRows: 3, maxRows: 8 }} />;
    case 'number':
      return <Input type="number" inputMode="decimal" min={field.min} name={field.name} />;
    case 'choice':
      return (
        <Selector
          aria-label={t(field.label)}
          columns={2}
          options={field.options.map((o) => ({ value: o.value, label: t(o.label) }))}
        />
      );
    case 'hazard':
      return (
        <Radio.Group>
          <Space direction="vertical">
            {hazards.map((x) => (
              <Radio key={x.hazardId} value={x.hazardId}>
                {[x.foundAt.slice(0, 10), x.location, x.description].filter(Boolean).join(' · ')}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      );
    case 'persons':
      return (
        <Checkbox.Group>
          <Space wrap>
            {org.persons
              .filter((p) => p.crewId === crewId)
              .map((p) => (
                <Checkbox key={p.id} value={p.id}>
                  {p.name}
                </Checkbox>
              ))}
          </Space>
        </Checkbox.Group>
      );
  }
}

/** The text a form field holds for reportBody: a Selector's one choice, trimmed by reportBody. */
function textOf(value: FormState[string]): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/**
 * One report's form. Everything typed lives in this component's state (antd-mobile's Form): the
 * outbox sending an earlier report in the background, or a change of crew, redraws nothing the
 * reporter is typing into. Sending clears the form at once; the draft is already in the outbox.
 */
export function ReportForm({ kind, crews, org, outbox, api }: ReportFormProps) {
  const spec = FORM_FIELDS[kind];
  const [form] = Form.useForm<FormState>();
  const [crewId, setCrewId] = useState(crews[0]?.id ?? '');
  const [photos, setPhotos] = useState<DraftPhoto[]>([]);
  const [resizing, setResizing] = useState(false);
  const [hazards, setHazards] = useState<OpenHazard[] | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  useEffect(() => {
    if (kind !== 'hazard_rectified' || !crewId) return undefined;
    let current = true;
    setHazards(undefined);
    api.get<z.infer<typeof OpenHazardList>>(`/v1/reports/open-hazards?crewId=${encodeURIComponent(crewId)}`).then(
      (answer) => current && setHazards(answer.hazards),
      () => current && setHazards([]),
    );
    return () => {
      current = false;
    };
  }, [api, kind, crewId]);

  function chooseCrew(id: string): void {
    setCrewId(id);
    // Persons and open hazards are the crew's: what was ticked for another crew goes.
    form.setFieldsValue({ personIds: [], hazardId: undefined });
  }

  function submit(state: FormState): void {
    const values: Record<string, string> = {};
    for (const f of spec.fields) if (f.kind !== 'persons') values[f.name] = textOf(state[f.name]);
    const personIds = Array.isArray(state['personIds']) ? state['personIds'] : [];
    if (personIds.length > 1) {
      const names = personIds.map((id) => org.persons.find((p) => p.id === id)?.name ?? id);
      values['description'] = [`${t('field.persons')}：${names.join('、')}`, values['description']]
        .filter(Boolean)
        .join('\n');
    }
    const reportId = newId('r');
    const body = reportBody(
      { kind, crewId, occurredAt: withOffset(new Date(textOf(state['occurredAt']))), values, personIds },
      reportId,
    );
    const kept = photos.map((p) => ({ jpeg: p.jpeg, thumb: p.thumb }));
    // The next report starts on a fresh form at once, while this one is kept and sent.
    form.resetFields();
    form.setFieldsValue({ occurredAt: now() });
    setPhotos([]);
    setProblem(undefined);
    outbox
      .add({ reportId, createdAt: new Date().toISOString(), body: { reportId, ...body }, photos: kept })
      .catch((err: unknown) => setProblem(err instanceof Error ? err.message : String(err)));
  }

  // A text is not filled in with spaces only; a Selector's choice is a list (one item).
  const required = (label: MessageKey, type: 'string' | 'array' = 'string') => [
    { required: true, type, whitespace: type === 'string', message: t('form.required', { field: t(label) }) },
  ];

  return (
    <div className="report" data-kind={kind}>
      <Form
        form={form}
        name="report"
        layout="vertical"
        initialValues={{ occurredAt: now() }}
        onFinish={submit}
        onFinishFailed={() => setProblem(undefined)}
        footer={
          <>
            {problem ? (
              <p className="problem" role="alert">
                {problem}
              </p>
            ) : null}
            <Button block type="submit" color="primary" size="large" disabled={resizing} data-testid="submit">
              {t('form.submit')}
            </Button>
          </>
        }
      >
        {crews.length > 1 ? (
          <Form.Item label={t('field.crew')} required>
            <Selector
              aria-label={t('field.crew')}
              data-testid="crew"
              columns={2}
              value={[crewId]}
              onChange={(chosen) => chosen[0] && chooseCrew(chosen[0])}
              options={crews.map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
        ) : (
          <Form.Item label={t('field.crew')}>
            <span className="crew">{crews[0]?.name ?? ''}</span>
          </Form.Item>
        )}
        <Form.Item name="occurredAt" label={t('field.occurredAt')} rules={required('field.occurredAt')}>
          <Input type="datetime-local" name="occurredAt" />
        </Form.Item>
        {spec.fields.map((f) =>
          f.kind === 'hazard' && hazards !== undefined && hazards.length === 0 ? (
            <Form.Item key={f.name} label={t(f.label)}>
              <p className="hint" data-testid="no-hazards">
                {t('form.noHazards')}
              </p>
            </Form.Item>
          ) : (
            <Form.Item
              key={f.name}
              name={f.kind === 'persons' ? 'personIds' : f.name}
              label={t(f.label)}
              rules={f.required ? required(f.label, f.kind === 'choice' ? 'array' : 'string') : []}
            >
              {control(f, org, crewId, hazards ?? [])}
            </Form.Item>
          ),
        )}
        <Form.Item>
          <PhotoPicker photos={photos} setPhotos={setPhotos} onBusy={setResizing} label={t(spec.photos)} />
        </Form.Item>
      </Form>
    </div>
  );
}
