import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { SUPPORTED_TIME_ZONES } from '../../../../schemas/time-zones.ts';
import { api, ApiError, type Preview } from '../api-client.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ParticipantsPicker } from '../components/participants-picker.tsx';
import { PreviewModal } from '../components/preview-modal.tsx';
import { RuleFields } from '../components/rule-fields.tsx';
import { ReviewCard } from '../components/review-fields.tsx';
import { NoticeCard } from '../components/notice-fields.tsx';
import { GatesCard, GradesCard, SheetCard } from '../components/sheet-fields.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import {
  SEVERITIES,
  definitionToForm,
  formPathOf,
  formToDefinition,
  freshId,
  type CompetitionForm,
  type IndicatorForm,
  type VetoForm,
} from '../model/definition-form.ts';
import { ENTRANT_LEVELS, sheetMessageOf } from '../model/sheet-form.ts';
import { ankangTemplate, calendarStages, monthOf, templateOf } from '../model/templates.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';
import { useApiFieldErrors } from '../use-api-field-errors.ts';
import { useOrg } from '../org-context.tsx';

const DAY = 'YYYY-MM-DD';

/** Form.Item props that show a {start, end} pair in a RangePicker. */
const rangeProps = {
  getValueProps: (value: { start?: string; end?: string } | undefined) => ({
    value: value?.start && value.end ? [dayjs(value.start), dayjs(value.end)] : undefined,
  }),
  normalize: (range: [Dayjs | null, Dayjs | null] | null) =>
    range?.[0] && range[1] ? { start: range[0].format(DAY), end: range[1].format(DAY) } : undefined,
};

interface Problem {
  path: string;
  message: string;
}

function today(): string {
  return dayjs().format(DAY);
}

/** The latest saved definition of a competition (a draft newer than the current one, or the current one). */
async function latestDefinition(id: string) {
  const history = await api.history(id);
  const latest = history.versions[0];
  if (!latest) throw new ApiError(404, 'competition_not_found', id, null);
  return (await api.version(id, latest.version)).definition;
}

export function CompetitionEditorPage(props: { id?: string; template?: string | null; returnHome?: boolean }) {
  const { t, lang, name } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<CompetitionForm>();
  const isNew = props.id === undefined;
  const org = useOrg();
  const existing = useApi(
    () => (props.id === undefined ? Promise.resolve(undefined) : latestDefinition(props.id)),
    [props.id],
  );
  const competitions = useApi(() => api.competitions(), []);
  const template = templateOf(props.template) ?? ankangTemplate;
  const [id, setId] = useState<string>('');
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  /** The API's last answer's errors on fields: each goes when its field's value changes. */
  const fieldErrors = useApiFieldErrors(form);
  const [busy, setBusy] = useState<'save' | 'publish' | 'preview' | null>(null);
  const [preview, setPreview] = useState<Preview>();

  const initial = useMemo<CompetitionForm | undefined>(() => {
    if (!isNew) return existing.data ? definitionToForm(existing.data) : undefined;
    const period = monthOf(today());
    const form = definitionToForm((template ?? ankangTemplate).build(period));
    // A branch organiser's competition lies inside its branches.
    if (can.branchIds.length > 0) {
      form.participants = { scope: 'selected', branchIds: [...can.branchIds], unitIds: [], crewIds: [] };
    }
    return form;
  }, [isNew, existing.data, template, can.branchIds]);

  // Only when the starting values themselves change: the competitions list answering later must
  // not put back what the organiser has already typed over.
  useEffect(() => {
    if (initial) form.setFieldsValue(initial);
  }, [initial, form]);

  /** The id last suggested: replaced when the list shows it taken, unless the organiser typed another. */
  const suggestedId = useRef('');
  useEffect(() => {
    if (!initial || !isNew || !template) return;
    const taken = new Set(competitions.data?.competitions.map((c) => c.id));
    const wanted = `${template.idPrefix}-${initial.period.start.slice(0, 7)}`;
    const suggestion = taken.has(wanted) ? freshId(`${wanted}-`, taken) : wanted;
    const before = suggestedId.current; // the updater runs later, after the ref moved on
    setId((current) => (current === '' || current === before ? suggestion : current));
    suggestedId.current = suggestion;
  }, [initial, isNew, template, competitions.data]);

  const competitionId = props.id ?? id;
  /** The competition a new one's typed id already belongs to: said under the id before saving. */
  const takenBy = isNew ? competitions.data?.competitions.find((c) => c.id === competitionId)?.name : undefined;

  /** Shows every problem the API found: on its field where it has one, above the form otherwise. */
  function showProblems(err: unknown) {
    if (!(err instanceof ApiError)) {
      setProblems([{ path: '', message: String(err) }]);
      return;
    }
    const listed = err.fieldProblems();
    if (listed.length === 0) {
      setProblems([{ path: '', message: apiMessage(err.message, lang) }]);
      return;
    }
    const values = form.getFieldsValue(true) as CompetitionForm;
    const placed: { name: (string | number)[]; errors: string[] }[] = [];
    const unplaced: Problem[] = [];
    for (const problem of listed) {
      const name = formPathOf(problem.path, values);
      const text = apiMessage(sheetMessageOf(problem.path, problem.message), lang);
      if (!name) {
        unplaced.push({ path: problem.path, message: text });
        continue;
      }
      placed.push({ name, errors: [text] });
    }
    fieldErrors.show(placed);
    setProblems(unplaced);
  }

  /** A new answer replaces the last one's errors (a problem it no longer finds must not stay). */
  function startCheck() {
    fieldErrors.clear();
    setProblems([]);
  }

  function definition() {
    return formToDefinition(form.getFieldsValue(true) as CompetitionForm);
  }

  async function save(publish: boolean) {
    setBusy(publish ? 'publish' : 'save');
    startCheck();
    try {
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(competitionId)) {
        setProblems([{ path: 'id', message: t('editor.badId') }]);
        return;
      }
      // A new competition under a taken id is refused, never saved as a version of the other one.
      const saved = await api.saveVersion(competitionId, { definition: definition(), note, publish, create: isNew });
      void message.success(
        saved.outcome === 'unchanged'
          ? t('editor.unchanged')
          : publish
            ? t('editor.published', { n: saved.version })
            : t('editor.savedDraft', { n: saved.version }),
      );
      // The guided start goes on with the screen once the first competition is published.
      if (publish && props.returnHome) navigate('/?then=screen');
      else navigate(`/competitions/${encodeURIComponent(competitionId)}${publish ? '' : '?tab=versions'}`);
    } catch (err) {
      showProblems(err);
    } finally {
      setBusy(null);
    }
  }

  async function runPreview() {
    setBusy('preview');
    startCheck();
    try {
      setPreview(await api.preview(competitionId || 'new', { definition: definition() }));
    } catch (err) {
      showProblems(err);
    } finally {
      setBusy(null);
    }
  }

  if (!isNew && existing.error) {
    return <Alert type="error" showIcon title={apiMessage(existing.error.message, lang)} />;
  }
  const title = isNew
    ? t('editor.newTitle', { template: t(`templates.${template?.key ?? 'ankang'}.title`) })
    : t('editor.editTitle');

  return (
    <>
      <PageHeader
        title={title}
        subtitle={isNew ? t('editor.newSubtitle') : props.id}
        crumbs={[
          { title: t('menu.competitions'), path: '/competitions' },
          ...(props.id ? [{ title: props.id, path: `/competitions/${encodeURIComponent(props.id)}` }] : []),
          { title: isNew ? t('competitions.new') : t('competitions.editRules') },
        ]}
      />
      {!initial ? (
        <Skeleton active />
      ) : (
        <Form<CompetitionForm>
          form={form}
          layout="vertical"
          initialValues={initial}
          scrollToFirstError
          onValuesChange={fieldErrors.onValuesChange}
        >
          {problems.length > 0 || fieldErrors.count > 0 ? (
            <Alert
              type="error"
              showIcon
              className="form-alert"
              data-testid="editor-problems"
              title={t('editor.problems')}
              description={
                <ul className="problems-list">
                  {fieldErrors.count > 0 ? <li>{t('editor.problemsOnFields', { n: fieldErrors.count })}</li> : null}
                  {problems.map((p, index) => (
                    <li key={index}>
                      {p.path ? <Typography.Text code>{p.path}</Typography.Text> : null} {p.message}
                    </li>
                  ))}
                </ul>
              }
            />
          ) : null}
          <Card title={t('editor.basics')} className="section-card">
            <Row gutter={16}>
              <Col span={10}>
                <Form.Item
                  name={['name', 'zh']}
                  label={t('editor.nameZh')}
                  rules={[{ required: true, whitespace: true, message: t('form.required') }]}
                >
                  <Input data-testid="competition-name" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name={['name', 'en']} label={t('editor.nameEn')} tooltip={t('editor.nameEnHelp')}>
                  <Input />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item
                  label={t('editor.id')}
                  tooltip={t('editor.idHelp')}
                  required
                  {...(takenBy
                    ? { validateStatus: 'error' as const, help: t('editor.idTaken', { name: name(takenBy) }) }
                    : {})}
                >
                  <Input
                    value={competitionId}
                    disabled={!isNew}
                    onChange={(event) => setId(event.target.value.trim())}
                    data-testid="competition-id"
                  />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="kind" label={t('competition.kind')}>
                  <Radio.Group
                    optionType="button"
                    options={[
                      { value: 'labour', label: t('kind.labour') },
                      { value: 'ankang', label: t('kind.ankang') },
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col span={10}>
                <Form.Item
                  name="period"
                  label={t('competition.period')}
                  tooltip={t('editor.periodHelp')}
                  rules={[{ required: true, message: t('form.required') }]}
                  {...rangeProps}
                >
                  <DatePicker.RangePicker className="full-width" data-testid="competition-period" />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="timeZone" label={t('editor.timeZone')} tooltip={t('editor.timeZoneHelp')}>
                  <Select options={SUPPORTED_TIME_ZONES.map((z) => ({ value: z, label: z }))} />
                </Form.Item>
              </Col>
            </Row>
          </Card>

          <Card
            title={t('editor.stages')}
            className="section-card"
            extra={
              <Space>
                {(['month', 'quarter'] as const).map((every) => (
                  <Button
                    key={every}
                    size="small"
                    onClick={() => {
                      const period = form.getFieldValue('period') as CompetitionForm['period'] | undefined;
                      if (!period) return;
                      form.setFieldValue(
                        'stages',
                        calendarStages(period, every).map((s) => ({
                          id: s.id,
                          name: { zh: s.name.zh, en: s.name.en },
                          dates: { start: s.start, end: s.end },
                        })),
                      );
                      // Set by code: the stages' old errors are about stages no longer there.
                      fieldErrors.onValuesChange();
                    }}
                  >
                    {t(every === 'month' ? 'editor.stagesMonthly' : 'editor.stagesQuarterly')}
                  </Button>
                ))}
              </Space>
            }
          >
            <Typography.Paragraph type="secondary">{t('editor.stagesHelp')}</Typography.Paragraph>
            <Form.List name="stages">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Row gutter={12} key={field.key} align="top">
                      <Col span={8}>
                        <Form.Item
                          name={[field.name, 'name', 'zh']}
                          label={t('editor.stageName')}
                          rules={[{ required: true, message: t('form.required') }]}
                        >
                          <Input />
                        </Form.Item>
                      </Col>
                      <Col span={12}>
                        <Form.Item
                          name={[field.name, 'dates']}
                          label={t('editor.stageDates')}
                          rules={[{ required: true, message: t('form.required') }]}
                          {...rangeProps}
                        >
                          <DatePicker.RangePicker className="full-width" />
                        </Form.Item>
                      </Col>
                      <Col span={4}>
                        <Form.Item label=" ">
                          <Button
                            icon={<DeleteOutlined />}
                            onClick={() => fieldErrors.removeListItem(['stages'], field.name, remove)}
                          >
                            {t('common.remove')}
                          </Button>
                        </Form.Item>
                      </Col>
                    </Row>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => {
                      const stages = (form.getFieldValue('stages') ?? []) as CompetitionForm['stages'];
                      add({
                        id: freshId(
                          'stage-',
                          stages.map((s) => s.id),
                        ),
                        name: { zh: '', en: '' },
                      });
                    }}
                  >
                    {t('editor.addStage')}
                  </Button>
                </>
              )}
            </Form.List>
          </Card>

          <Card title={t('editor.whoAndHow')} className="section-card">
            <Row gutter={16}>
              <Col span={24}>
                <Form.Item name="entrants" label={t('editor.entrants')} tooltip={t('editor.entrantsHelp')}>
                  <Radio.Group
                    optionType="button"
                    data-testid="entrants"
                    options={ENTRANT_LEVELS.map((level) => ({ value: level, label: t(`entrants.${level}`) }))}
                  />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="participants" label={t('editor.participants')}>
                  <ParticipantsPicker org={org.data} allowedBranchIds={can.branchIds} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="extraGroups" label={t('editor.groups')} tooltip={t('editor.groupsHelp')}>
                  <Checkbox.Group
                    options={[
                      { value: 'branch', label: t('group.branch') },
                      { value: 'unit_type', label: t('group.unit_type') },
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="tieMode" label={t('editor.tieMode')}>
                  <Radio.Group
                    options={[
                      { value: 'competition', label: t('tie.competition') },
                      { value: 'dense', label: t('tie.dense') },
                    ]}
                  />
                </Form.Item>
              </Col>
            </Row>
          </Card>

          <Card
            title={t('editor.indicators')}
            className="section-card"
            extra={
              <Space>
                <Typography.Text type="secondary">{t('editor.weightTotal')}</Typography.Text>
                <Form.Item name="weightTotal" noStyle>
                  <InputNumber placeholder={t('editor.weightTotalNone')} min={0} />
                </Form.Item>
              </Space>
            }
          >
            <Form.List name="indicators">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, position) => (
                    <Card
                      key={field.key}
                      size="small"
                      className="indicator-card"
                      title={t('editor.indicatorN', { n: position + 1 })}
                      extra={
                        fields.length > 1 || form.getFieldValue('useSheet') ? (
                          <Button
                            size="small"
                            icon={<DeleteOutlined />}
                            onClick={() => fieldErrors.removeListItem(['indicators'], field.name, remove)}
                          >
                            {t('common.remove')}
                          </Button>
                        ) : null
                      }
                      data-testid={`indicator-${position}`}
                    >
                      <Row gutter={12}>
                        <Col span={10}>
                          <Form.Item
                            name={[field.name, 'name', 'zh']}
                            label={t('editor.indicatorName')}
                            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
                          >
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={8}>
                          <Form.Item name={[field.name, 'name', 'en']} label={t('editor.nameEn')}>
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={6}>
                          <Form.Item
                            name={[field.name, 'weight']}
                            label={t('editor.weight')}
                            tooltip={t('editor.weightHelp')}
                          >
                            <InputNumber className="full-width" min={0} data-testid="indicator-weight" />
                          </Form.Item>
                        </Col>
                      </Row>
                      <RuleFields form={form} index={field.name} />
                    </Card>
                  ))}
                  <Button
                    type="dashed"
                    block
                    icon={<PlusOutlined />}
                    onClick={() => {
                      const indicators = (form.getFieldValue('indicators') ?? []) as IndicatorForm[];
                      const added: IndicatorForm = {
                        id: freshId(
                          'indicator-',
                          indicators.map((i) => i.id),
                        ),
                        name: { zh: '', en: '' },
                        weight: 1,
                        rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5 },
                      };
                      add(added);
                    }}
                  >
                    {t('editor.addIndicator')}
                  </Button>
                </>
              )}
            </Form.List>
          </Card>

          <SheetCard form={form} removeListItem={fieldErrors.removeListItem} onValuesSet={fieldErrors.onValuesChange} />

          <Card title={t('editor.vetoes')} className="section-card">
            <Typography.Paragraph type="secondary">{t('editor.vetoesHelp')}</Typography.Paragraph>
            <Form.List name="vetoes">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Form.Item noStyle shouldUpdate key={field.key}>
                      {() => {
                        const veto = form.getFieldValue(['vetoes', field.name] as never) as VetoForm | undefined;
                        const indicators = (form.getFieldValue('indicators') ?? []) as IndicatorForm[];
                        return (
                          <Card size="small" className="indicator-card">
                            <Row gutter={12}>
                              <Col span={8}>
                                <Form.Item
                                  name={[field.name, 'name', 'zh']}
                                  label={t('editor.vetoName')}
                                  rules={[{ required: true, message: t('form.required') }]}
                                >
                                  <Input />
                                </Form.Item>
                              </Col>
                              <Col span={6}>
                                <Form.Item name={[field.name, 'whenKind']} label={t('editor.vetoWhen')}>
                                  <Select
                                    options={[
                                      { value: 'incident', label: t('veto.when.incident') },
                                      { value: 'violations', label: t('veto.when.violations') },
                                    ]}
                                  />
                                </Form.Item>
                              </Col>
                              {veto?.whenKind === 'violations' ? (
                                <Col span={6}>
                                  <Form.Item
                                    name={[field.name, 'minPersons']}
                                    label={t('editor.vetoMinPersons')}
                                    rules={[{ required: true, message: t('form.required') }]}
                                  >
                                    <InputNumber min={1} className="full-width" />
                                  </Form.Item>
                                </Col>
                              ) : (
                                <>
                                  <Col span={6}>
                                    <Form.Item name={[field.name, 'severities']} label={t('rule.field.severities')}>
                                      <Select
                                        mode="multiple"
                                        options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
                                      />
                                    </Form.Item>
                                  </Col>
                                  <Col span={4}>
                                    <Form.Item name={[field.name, 'minCount']} label={t('editor.vetoMinCount')}>
                                      <InputNumber min={1} className="full-width" />
                                    </Form.Item>
                                  </Col>
                                </>
                              )}
                              <Col span={8}>
                                <Form.Item name={[field.name, 'effectKind']} label={t('editor.vetoEffect')}>
                                  <Radio.Group
                                    options={[
                                      { value: 'disqualify', label: t('veto.effect.disqualify') },
                                      { value: 'zero_indicator', label: t('veto.effect.zero_indicator') },
                                    ]}
                                  />
                                </Form.Item>
                              </Col>
                              {veto?.effectKind === 'zero_indicator' ? (
                                <Col span={8}>
                                  <Form.Item
                                    name={[field.name, 'indicatorId']}
                                    label={t('editor.vetoIndicator')}
                                    rules={[{ required: true, message: t('form.required') }]}
                                  >
                                    <Select
                                      options={indicators.map((i) => ({ value: i.id, label: i.name.zh || i.id }))}
                                    />
                                  </Form.Item>
                                </Col>
                              ) : null}
                              <Col span={4}>
                                <Form.Item label=" ">
                                  <Button
                                    icon={<DeleteOutlined />}
                                    onClick={() => fieldErrors.removeListItem(['vetoes'], field.name, remove)}
                                  >
                                    {t('common.remove')}
                                  </Button>
                                </Form.Item>
                              </Col>
                            </Row>
                          </Card>
                        );
                      }}
                    </Form.Item>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => {
                      const vetoes = (form.getFieldValue('vetoes') ?? []) as VetoForm[];
                      const added: VetoForm = {
                        id: freshId(
                          'veto-',
                          vetoes.map((v) => v.id),
                        ),
                        name: { zh: t('veto.defaultName'), en: '' },
                        whenKind: 'incident',
                        severities: ['serious_injury', 'fatality'],
                        minCount: 1,
                        effectKind: 'disqualify',
                      };
                      add(added);
                    }}
                  >
                    {t('editor.addVeto')}
                  </Button>
                </>
              )}
            </Form.List>
          </Card>

          <GatesCard form={form} removeListItem={fieldErrors.removeListItem} />
          <GradesCard form={form} removeListItem={fieldErrors.removeListItem} />
          <ReviewCard form={form} removeListItem={fieldErrors.removeListItem} />
          <NoticeCard />

          <div className="editor-footer">
            <Input
              className="note-input"
              placeholder={t('editor.notePlaceholder')}
              value={note}
              onChange={(event) => setNote(event.target.value)}
              data-testid="version-note"
            />
            <Button onClick={() => void runPreview()} loading={busy === 'preview'} data-testid="preview">
              {t('editor.preview')}
            </Button>
            <Button onClick={() => void save(false)} loading={busy === 'save'} data-testid="save-draft">
              {t('editor.saveDraft')}
            </Button>
            <Button
              type="primary"
              onClick={() => void save(true)}
              loading={busy === 'publish'}
              data-testid="save-publish"
            >
              {t('editor.saveAndPublish')}
            </Button>
          </div>
        </Form>
      )}
      <PreviewModal preview={preview} onClose={() => setPreview(undefined)} />
    </>
  );
}
