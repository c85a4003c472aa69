import { CopyOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  ColorPicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Skeleton,
  Switch,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api-client.ts';
import { DeleteDraftButton } from '../components/delete-draft-button.tsx';
import { LinksCard } from '../components/links-card.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { freshId } from '../model/definition-form.ts';
import { groupsOf } from '../model/format.ts';
import {
  VIEW_KINDS,
  formToScreen,
  screenFormPathOf,
  screenToForm,
  type ScreenForm,
  type ViewForm,
} from '../model/screen-form.ts';
import { useOrg } from '../org-context.tsx';
import { navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useApi } from '../use-api.ts';
import { useApiFieldErrors } from '../use-api-field-errors.ts';

const hex = (value: unknown): string =>
  typeof value === 'string' ? value : ((value as { toHexString?: () => string } | null)?.toHexString?.() ?? '');

/** A screen set: its display links, and its views, branding and celebration switch as a form. */
export function ScreenDetailPage(props: { id?: string; from?: string | null }) {
  const { t, name, lang } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const org = useOrg();
  const [form] = Form.useForm<ScreenForm>();
  // Most of a view's fields have no rules: the API's word on them goes as their values change.
  const fieldErrors = useApiFieldErrors(form);
  const isNew = props.id === undefined;
  // ?from= with nothing after it copies nothing: a blank set, not a copy that never arrives.
  const source = props.id ?? (props.from === null || props.from === '' ? undefined : props.from);
  const screen = useApi(() => (source ? api.screen(source) : Promise.resolve(undefined)), [source]);
  const competitions = useApi(() => api.competitions(), []);
  const screens = useApi(() => api.screens(), []);
  const [id, setId] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  // A screen set some TV was ever given a link to counts as published: it is not deleted.
  const [linkCount, setLinkCount] = useState<number>();
  const builtIn = !isNew && screen.data?.builtIn === true;
  /** The set a new one's typed id already belongs to: said under the id before saving. */
  const idTakenBy = isNew ? screens.data?.screens.find((s) => s.id === id)?.name : undefined;
  const published = (competitions.data?.competitions ?? []).filter((c) => c.currentVersion !== null);
  const manageableIds = new Set(published.filter((c) => c.manageable).map((c) => c.id));
  const manageable =
    can.manage && (screen.data ? screen.data.definition.views.every((v) => manageableIds.has(v.competitionId)) : true);

  // An id the organiser typed before the list of screen sets answered stays.
  useEffect(() => {
    if (isNew && screens.data) {
      const fresh = freshId(
        'screen-',
        screens.data.screens.map((s) => s.id),
      );
      setId((current) => (current === '' ? fresh : current));
    }
  }, [isNew, screens.data]);
  // The starting values, once: the screen set (or the one copied) when it answers, else one view of
  // the first published competition. The competitions list answering later must not put back what
  // the organiser has already typed over (the form is shown from the start).
  const applied = useRef<object | undefined>(undefined);
  useEffect(() => {
    if (screen.data) {
      // Each answer once (a reload after saving is a new one).
      if (applied.current === screen.data) return;
      const values = screenToForm(screen.data.definition);
      if (isNew) values.name = { zh: `${values.name.zh}（自定义）`, en: '' };
      form.setFieldsValue(values);
      applied.current = screen.data;
    } else if (isNew && !props.from && published[0] && applied.current === undefined) {
      form.setFieldsValue(
        screenToForm({
          name: { zh: '', en: '' },
          views: [{ kind: 'ranking', competitionId: published[0].id, limit: 20, seconds: 20 }],
        }),
      );
      applied.current = published;
    }
  }, [screen.data, form, isNew, props.from, published.length]);

  async function save() {
    setSaving(true);
    setProblems([]);
    fieldErrors.clear();
    const target = props.id ?? id;
    try {
      const saved = await api.saveScreen(target, formToScreen(form.getFieldsValue(true) as ScreenForm), isNew);
      void message.success(t('screens.saved', { version: saved.version }));
      if (isNew) navigate(`/screens/${encodeURIComponent(target)}`);
      else await screen.reload();
    } catch (err) {
      if (err instanceof ApiError && err.fieldProblems().length > 0) {
        const placed = err
          .fieldProblems()
          .map((p) => ({ name: screenFormPathOf(p.path), message: apiMessage(p.message, lang), path: p.path }));
        fieldErrors.show(placed.flatMap((p) => (p.name === null ? [] : [{ name: p.name, errors: [p.message] }])));
        setProblems(placed.filter((p) => p.name === null).map((p) => `${p.path}: ${p.message}`));
      } else {
        setProblems([err instanceof Error ? apiMessage(err.message, lang) : String(err)]);
      }
    } finally {
      setSaving(false);
    }
  }

  // A copy waits for what it copies too: a name typed before it answered would be written over.
  if (source !== undefined && screen.error)
    return <Alert type="error" showIcon title={apiMessage(screen.error.message, lang)} />;
  if (source !== undefined && !screen.data) return <Skeleton active />;
  // A new set starts with a view of the first published competition: shown once the list answered.
  if (isNew && !competitions.data && !competitions.error) return <Skeleton active />;
  const title = isNew ? t('screens.new') : name(screen.data?.definition.name);
  const competitionOptions = published.map((c) => ({ value: c.id, label: name(c.name), disabled: !c.manageable }));

  return (
    <>
      <PageHeader
        title={title}
        subtitle={
          isNew ? t('screens.newHelp') : `${props.id ?? ''} · ${builtIn ? t('screens.builtIn') : t('screens.custom')}`
        }
        crumbs={[{ title: t('menu.screens'), path: '/screens' }, { title }]}
        extra={
          builtIn && can.manage ? (
            <Button
              icon={<CopyOutlined />}
              onClick={() => navigate(`/screens/new?from=${encodeURIComponent(props.id ?? '')}`)}
            >
              {t('screens.copy')}
            </Button>
          ) : !isNew && manageable && linkCount === 0 ? (
            <DeleteDraftButton
              name={title}
              confirm={t('deleteDraft.screenConfirm', { name: title })}
              remove={() => api.removeScreen(props.id ?? '', '')}
              onDeleted={() => navigate('/screens')}
            />
          ) : null
        }
      />
      {!isNew && props.id ? <LinksCard screenId={props.id} manageable={manageable} onLinks={setLinkCount} /> : null}
      {builtIn && screen.data ? (
        <Card title={t('screens.views')}>
          <Typography.Paragraph type="secondary">{t('screens.builtInHelp')}</Typography.Paragraph>
          <Descriptions column={1} bordered size="small">
            {screen.data.definition.views.map((v, index) => (
              <Descriptions.Item key={index} label={t(`view.${v.kind}`)}>
                {t('screens.viewSummary', { seconds: v.seconds })}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
      ) : (
        <Form<ScreenForm>
          form={form}
          layout="vertical"
          disabled={!manageable}
          onValuesChange={fieldErrors.onValuesChange}
        >
          {problems.length > 0 || fieldErrors.count > 0 ? (
            <Alert
              type="error"
              showIcon
              className="form-alert"
              title={t('screens.problems')}
              // The fields still marked are counted as they are corrected.
              description={[
                ...(fieldErrors.count > 0 ? [t('editor.problemsOnFields', { n: fieldErrors.count })] : []),
                ...problems,
              ].join('；')}
            />
          ) : null}
          <Card title={t('screens.settings')} className="section-card">
            <Row gutter={16}>
              <Col span={8}>
                <Form.Item
                  name={['name', 'zh']}
                  label={t('screens.name')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <Input data-testid="screen-name" />
                </Form.Item>
              </Col>
              {isNew ? (
                <Col span={6}>
                  <Form.Item
                    label={t('screens.id')}
                    tooltip={t('screens.idHelp')}
                    required
                    {...(idTakenBy
                      ? { validateStatus: 'error' as const, help: t('screens.idTaken', { name: name(idTakenBy) }) }
                      : {})}
                  >
                    <Input value={id} onChange={(event) => setId(event.target.value.trim())} data-testid="screen-id" />
                  </Form.Item>
                </Col>
              ) : null}
              <Col span={10}>
                <Form.Item name={['title', 'zh']} label={t('screens.heading')} tooltip={t('screens.headingHelp')}>
                  <Input placeholder={org.data?.groupName} />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Form.Item name="primaryColour" label={t('settings.primaryColour')} getValueFromEvent={hex}>
                  <ColorPicker showText disabledAlpha format="hex" />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Form.Item name="accentColour" label={t('settings.accentColour')} getValueFromEvent={hex}>
                  <ColorPicker showText disabledAlpha format="hex" />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item
                  name="celebrate"
                  label={t('screens.celebrate')}
                  tooltip={t('screens.celebrateHelp')}
                  valuePropName="checked"
                >
                  <Switch />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="staleAfterSeconds" label={t('screens.stale')} tooltip={t('screens.staleHelp')}>
                  <InputNumber min={5} max={3600} suffix={t('screens.seconds')} className="full-width" />
                </Form.Item>
              </Col>
            </Row>
          </Card>
          <Card title={t('screens.views')} className="section-card">
            <Form.List name="views">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, position) => (
                    <Form.Item noStyle shouldUpdate key={field.key}>
                      {() => {
                        const view = form.getFieldValue(['views', field.name] as never) as ViewForm | undefined;
                        const competition = published.find((c) => c.id === view?.competitionId);
                        return (
                          <Card
                            size="small"
                            className="indicator-card"
                            data-testid="screen-view"
                            title={t('screens.viewN', { n: position + 1 })}
                            extra={
                              fields.length > 1 ? (
                                <Button
                                  size="small"
                                  icon={<DeleteOutlined />}
                                  onClick={() => fieldErrors.removeListItem(['views'], field.name, remove)}
                                >
                                  {t('common.remove')}
                                </Button>
                              ) : null
                            }
                          >
                            <Row gutter={12}>
                              <Col span={6}>
                                <Form.Item name={[field.name, 'kind']} label={t('screens.viewKind')}>
                                  <Select
                                    data-testid="view-kind"
                                    options={VIEW_KINDS.map((k) => ({ value: k, label: t(`view.${k}`) }))}
                                  />
                                </Form.Item>
                              </Col>
                              <Col span={8}>
                                <Form.Item
                                  name={[field.name, 'competitionId']}
                                  label={t('screens.competition')}
                                  rules={[{ required: true, message: t('form.required') }]}
                                >
                                  <Select options={competitionOptions} />
                                </Form.Item>
                              </Col>
                              <Col span={4}>
                                <Form.Item
                                  name={[field.name, 'seconds']}
                                  label={t('screens.viewSeconds')}
                                  tooltip={t('screens.viewSecondsHelp')}
                                >
                                  <InputNumber min={5} max={600} className="full-width" />
                                </Form.Item>
                              </Col>
                              {view?.kind !== 'around' ? (
                                <Col span={4}>
                                  <Form.Item name={[field.name, 'limit']} label={t('screens.limit')}>
                                    <InputNumber min={1} max={500} className="full-width" data-testid="view-limit" />
                                  </Form.Item>
                                </Col>
                              ) : (
                                <>
                                  <Col span={3}>
                                    <Form.Item name={[field.name, 'top']} label={t('screens.top')}>
                                      <InputNumber min={0} max={20} className="full-width" />
                                    </Form.Item>
                                  </Col>
                                  <Col span={3}>
                                    <Form.Item name={[field.name, 'around']} label={t('screens.around')}>
                                      <InputNumber min={1} max={20} className="full-width" />
                                    </Form.Item>
                                  </Col>
                                </>
                              )}
                              {view?.kind === 'ranking' ? (
                                <Col span={8}>
                                  <Form.Item name={[field.name, 'group']} label={t('screens.group')}>
                                    <Select
                                      options={groupsOf(
                                        competition ? ['overall', 'branch', 'unit_type'] : ['overall'],
                                        org.data,
                                      ).map((g) => ({
                                        value: g.value,
                                        label:
                                          g.kind === 'overall'
                                            ? t('group.overall')
                                            : `${t(`group.${g.kind}`)}：${g.kind === 'unit_type' ? t(`unitType.${g.key}` as 'unitType.other') : g.key}`,
                                      }))}
                                    />
                                  </Form.Item>
                                </Col>
                              ) : null}
                              {view?.kind === 'innovations' ? (
                                <Col span={8}>
                                  <Form.Item
                                    name={[field.name, 'month']}
                                    label={t('screens.month')}
                                    tooltip={t('screens.monthHelp')}
                                  >
                                    <Input placeholder="current" />
                                  </Form.Item>
                                </Col>
                              ) : null}
                              {view?.kind === 'ranking' ? (
                                <Col span={8}>
                                  <Form.Item name={[field.name, 'title', 'zh']} label={t('screens.viewTitle')}>
                                    <Input />
                                  </Form.Item>
                                </Col>
                              ) : null}
                            </Row>
                          </Card>
                        );
                      }}
                    </Form.Item>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    data-testid="add-view"
                    onClick={() =>
                      add({
                        kind: 'ranking',
                        competitionId: published[0]?.id ?? '',
                        limit: 20,
                        seconds: 20,
                      } satisfies ViewForm)
                    }
                  >
                    {t('screens.addView')}
                  </Button>
                </>
              )}
            </Form.List>
          </Card>
          {manageable ? (
            <div className="editor-footer">
              <Button type="primary" loading={saving} onClick={() => void save()} data-testid="save-screen">
                {t('common.save')}
              </Button>
            </div>
          ) : null}
        </Form>
      )}
    </>
  );
}
