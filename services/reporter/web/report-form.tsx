import Button from 'antd-mobile/es/components/button';
import Checkbox from 'antd-mobile/es/components/checkbox';
import Input from 'antd-mobile/es/components/input';
import List from 'antd-mobile/es/components/list';
import Radio from 'antd-mobile/es/components/radio';
import Selector from 'antd-mobile/es/components/selector';
import Space from 'antd-mobile/es/components/space';
import TextArea from 'antd-mobile/es/components/text-area';
import { useEffect, useState, type SyntheticEvent } from 'react';
import type { z } from 'zod';
import type { OpenHazardList } from '../../../schemas/report.schema.ts';
import type { ReporterApi } from './api.ts';
import type { MessageKey } from './i18n/i18n.ts';
import type { Crew, Org } from './org-scope.ts';
import type { DraftPhoto, Outbox } from './outbox.ts';
import { FormRow } from './form-row.tsx';
import { PhotoPicker } from './photo-picker.tsx';
import { FORM_FIELDS, newId, reportBody, withOffset, type Field, type ReportKind } from './report-forms.ts';
import { t } from './words.ts';

// Types only (erased): the contract's zod schemas stay out of the phone's bundle.
type OpenHazard = z.infer<typeof OpenHazardList>['hazards'][number];

export interface ReportFormProps {
  kind: ReportKind;
  crews: readonly Crew[];
  org: Org;
  outbox: Outbox;
  api: ReporterApi;
}

const now = () => withOffset(new Date()).slice(0, 16);
const EMPTY: FormState = { values: {}, personIds: [] };

/** What the form holds: texts and one-of choices by field name, persons' ids apart. */
interface FormState {
  values: Record<string, string>;
  personIds: string[];
}

interface ControlProps {
  field: Field;
  id: string;
  state: FormState;
  set: (name: string, value: string) => void;
  setPersons: (ids: string[]) => void;
  org: Org;
  crewId: string;
  hazards: readonly OpenHazard[];
}

function Control({ field, id, state, set, setPersons, org, crewId, hazards }: ControlProps) {
  const value = state.values[field.name] ?? '';
  const change = (v: string) => set(field.name, v);
  switch (field.kind) {
    case 'text':
      return (
        <Input id={id} name={field.name} maxLength={200} autoComplete="off" clearable value={value} onChange={change} />
      );
    case 'textarea':
      return (
        <TextArea
          id={id}
          name={field.name}
          maxLength={2000}
          autoSize={{ minRows: 3, maxRows: 8 }}
          value={value}
          onChange={change}
        />
      );
    case 'number':
      return (
        <Input
          id={id}
          name={field.name}
          type="number"
          inputMode="decimal"
          min={field.min}
          value={value}
          onChange={change}
        />
      );
    case 'choice':
      return (
        <Selector
          aria-label={t(field.label)}
          columns={2}
          value={value ? [value] : []}
          onChange={(chosen) => change(chosen[0] ?? '')}
          options={field.options.map((o) => ({ value: o.value, label: t(o.label) }))}
        />
      );
    case 'hazard':
      return (
        <Radio.Group value={value || null} onChange={(v) => change(String(v))}>
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
        <Checkbox.Group value={state.personIds} onChange={(ids) => setPersons(ids.map(String))}>
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

/**
 * One report's form. Everything typed lives in this component's state: the
 * outbox sending an earlier report in the background, or a change of crew, redraws nothing the
 * reporter is typing into. Sending clears the form at once; the draft is already in the outbox.
 */
export function ReportForm({ kind, crews, org, outbox, api }: ReportFormProps) {
  const spec = FORM_FIELDS[kind];
  const [crewId, setCrewId] = useState(crews[0]?.id ?? '');
  const [occurredAt, setOccurredAt] = useState(now);
  const [state, setState] = useState<FormState>(EMPTY);
  const [missing, setMissing] = useState<ReadonlySet<string>>(new Set());
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

  // A field filled in is no longer named as missing (the rest stay until the next try).
  const filled = (name: string) => setMissing((m) => (m.has(name) ? new Set([...m].filter((x) => x !== name)) : m));
  const set = (name: string, value: string) => {
    filled(name);
    setState((s) => ({ ...s, values: { ...s.values, [name]: value } }));
  };
  const setPersons = (ids: string[]) => setState((s) => ({ ...s, personIds: ids }));

  function chooseCrew(id: string): void {
    setCrewId(id);
    // Persons and open hazards are the crew's: what was ticked for another crew goes.
    setState((s) => ({ values: { ...s.values, hazardId: '' }, personIds: [] }));
  }

  function submit(event: SyntheticEvent): void {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const f of spec.fields) if (f.kind !== 'persons') values[f.name] = state.values[f.name] ?? '';
    // A text is not filled in with spaces only.
    const empty = new Set([
      ...(occurredAt ? [] : ['occurredAt']),
      ...spec.fields.filter((f) => f.required && !(values[f.name] ?? '').trim()).map((f) => f.name),
    ]);
    setMissing(empty);
    if (empty.size > 0) return;
    const personIds = state.personIds;
    if (personIds.length > 1) {
      const names = personIds.map((id) => org.persons.find((p) => p.id === id)?.name ?? id);
      values['description'] = [`${t('field.persons')}：${names.join('、')}`, values['description']]
        .filter(Boolean)
        .join('\n');
    }
    const reportId = newId('r');
    const body = reportBody(
      { kind, crewId, occurredAt: withOffset(new Date(occurredAt)), values, personIds },
      reportId,
    );
    const kept = photos.map((p) => ({ jpeg: p.jpeg, thumb: p.thumb }));
    // The next report starts on a fresh form at once, while this one is kept and sent.
    setState(EMPTY);
    setOccurredAt(now());
    setPhotos([]);
    setProblem(undefined);
    outbox
      .add({ reportId, createdAt: new Date().toISOString(), body: { reportId, ...body }, photos: kept })
      .catch((err: unknown) => setProblem(err instanceof Error ? err.message : String(err)));
  }

  const error = (name: string, label: MessageKey) =>
    missing.has(name) ? t('form.required', { field: t(label) }) : undefined;

  return (
    <div className="report" data-kind={kind}>
      <form className="adm-form adm-form-vertical" noValidate onSubmit={submit}>
        <List>
          {crews.length > 1 ? (
            <FormRow label={t('field.crew')} required>
              <Selector
                aria-label={t('field.crew')}
                data-testid="crew"
                columns={2}
                value={[crewId]}
                onChange={(chosen) => chosen[0] && chooseCrew(chosen[0])}
                options={crews.map((c) => ({ value: c.id, label: c.name }))}
              />
            </FormRow>
          ) : (
            <FormRow label={t('field.crew')}>
              <span className="crew">{crews[0]?.name ?? ''}</span>
            </FormRow>
          )}
          <FormRow
            htmlFor="report_occurredAt"
            label={t('field.occurredAt')}
            required
            error={error('occurredAt', 'field.occurredAt')}
          >
            <Input
              id="report_occurredAt"
              type="datetime-local"
              name="occurredAt"
              value={occurredAt}
              onChange={(value) => {
                filled('occurredAt');
                setOccurredAt(value);
              }}
            />
          </FormRow>
          {spec.fields.map((f) =>
            f.kind === 'hazard' && hazards !== undefined && hazards.length === 0 ? (
              <FormRow key={f.name} label={t(f.label)}>
                <p className="hint" data-testid="no-hazards">
                  {t('form.noHazards')}
                </p>
              </FormRow>
            ) : (
              <FormRow
                key={f.name}
                htmlFor={`report_${f.name}`}
                label={t(f.label)}
                required={f.required}
                error={error(f.name, f.label)}
              >
                <Control
                  field={f}
                  id={`report_${f.name}`}
                  state={state}
                  set={set}
                  setPersons={setPersons}
                  org={org}
                  crewId={crewId}
                  hazards={hazards ?? []}
                />
              </FormRow>
            ),
          )}
          <FormRow>
            <PhotoPicker photos={photos} setPhotos={setPhotos} onBusy={setResizing} label={t(spec.photos)} />
          </FormRow>
        </List>
        <div className="adm-form-footer">
          {problem ? (
            <p className="problem" role="alert">
              {problem}
            </p>
          ) : null}
          <Button block type="submit" color="primary" size="large" disabled={resizing} data-testid="submit">
            {t('form.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
