import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { FormInstance } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { SEVERITIES, VIOLATION_KINDS, freshId, type CompetitionForm } from '../model/definition-form.ts';
import {
  DEDUCTION_KINDS,
  EMPTY_SHEET,
  GATE_KINDS,
  GRADE_KINDS,
  itemsTotal,
  sheetTotals,
  type BonusItemForm,
  type CategoryForm,
  type GateForm,
  type GradeLevelForm,
  type GradesForm,
  type SheetForm,
  type SheetItemForm,
} from '../model/sheet-form.ts';
import { SheetImportModal } from './sheet-import-modal.tsx';
import type { RemoveListItem } from '../use-api-field-errors.ts';

type Path = (string | number)[];

const required = (message: string) => [{ required: true, whitespace: true, message }];

/** Every id the sheet uses (items, bonus items and veto items share one namespace). */
function sheetIds(sheet: SheetForm | undefined): string[] {
  const s = sheet ?? EMPTY_SHEET;
  return [
    ...s.categories.flatMap((c) => [c.id, ...c.items.map((i) => i.id)]),
    ...s.bonusItems.map((b) => b.id),
    ...s.vetoItems.map((v) => v.id),
  ];
}

function RemoveButton(props: { onClick: () => void; label?: boolean }) {
  const { t } = useI18n();
  return (
    <Button size="small" icon={<DeleteOutlined />} onClick={props.onClick} aria-label={t('common.remove')}>
      {props.label ? t('common.remove') : null}
    </Button>
  );
}

/** One 考核项目: name, 分值, 扣分标准, and the events it counts as findings. */
function ItemRow(props: { form: FormInstance<CompetitionForm>; path: Path; name: number; onRemove: () => void }) {
  const { t } = useI18n();
  const full = [...props.path, props.name];
  return (
    <Form.Item noStyle shouldUpdate>
      {() => {
        const item = props.form.getFieldValue(full as never) as SheetItemForm | undefined;
        const kind = item?.deduction.kind ?? 'per_finding';
        return (
          <div className="sheet-item" data-testid="sheet-item">
            <Row gutter={8} align="top">
              <Col span={7}>
                <Form.Item
                  name={[props.name, 'name', 'zh']}
                  label={t('sheet.itemName')}
                  rules={required(t('form.required'))}
                >
                  <Input data-testid="item-name" />
                </Form.Item>
              </Col>
              <Col span={3}>
                <Form.Item name={[props.name, 'maxPoints']} label={t('sheet.itemMax')} tooltip={t('sheet.itemMaxHelp')}>
                  <InputNumber className="full-width" data-testid="item-max" />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Form.Item
                  name={[props.name, 'deduction', 'kind']}
                  label={t('sheet.deduction')}
                  tooltip={t('sheet.deductionHelp')}
                  rules={[{ required: true, message: t('sheet.deductionMissing') }]}
                >
                  <Select
                    data-testid="item-deduction"
                    placeholder={t('sheet.deductionMissing')}
                    options={DEDUCTION_KINDS.map((k) => ({ value: k, label: t(`sheet.deduction.${k}`) }))}
                  />
                </Form.Item>
              </Col>
              <Col span={4}>
                {/* Keyed: one field reused for the other would show the API's word on steps under the points. */}
                {kind === 'escalating' ? (
                  <Form.Item
                    key="steps"
                    name={[props.name, 'deduction', 'steps']}
                    label={t('sheet.steps')}
                    tooltip={t('sheet.stepsHelp')}
                  >
                    <Input placeholder="1, 3, 5" data-testid="item-steps" />
                  </Form.Item>
                ) : (
                  <Form.Item
                    key="points"
                    name={[props.name, 'deduction', 'points']}
                    label={t(kind === 'fixed' ? 'sheet.pointsFixed' : 'sheet.pointsEach')}
                  >
                    <InputNumber className="full-width" data-testid="item-points" />
                  </Form.Item>
                )}
              </Col>
              <Col span={4}>
                <Form.Item name={[props.name, 'counts']} label={t('sheet.counts')} tooltip={t('sheet.countsHelp')}>
                  <Select
                    options={(['none', 'violation', 'incident'] as const).map((c) => ({
                      value: c,
                      label: t(`sheet.counts.${c}`),
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col span={2}>
                <Form.Item label=" ">
                  <RemoveButton onClick={props.onRemove} />
                </Form.Item>
              </Col>
            </Row>
            {item?.counts === 'violation' ? (
              <Row gutter={8}>
                <Col span={10} offset={10}>
                  <Form.Item name={[props.name, 'violationKinds']} label={t('rule.field.violationKinds')}>
                    <Select
                      mode="multiple"
                      placeholder={t('sheet.allViolations')}
                      options={VIOLATION_KINDS.map((k) => ({ value: k, label: t(`violation.${k}`) }))}
                    />
                  </Form.Item>
                </Col>
                <Col span={4}>
                  <Form.Item name={[props.name, 'measure']} label={t('rule.field.measure')}>
                    <Select
                      options={[
                        { value: 'persons', label: t('rule.measure.persons') },
                        { value: 'events', label: t('rule.measure.events') },
                      ]}
                    />
                  </Form.Item>
                </Col>
              </Row>
            ) : null}
            {item?.counts === 'incident' ? (
              <Row gutter={8}>
                <Col span={14} offset={10}>
                  <Form.Item
                    name={[props.name, 'severities']}
                    label={t('rule.field.severities')}
                    rules={[{ required: true, message: t('form.required') }]}
                  >
                    <Select
                      mode="multiple"
                      options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
                    />
                  </Form.Item>
                </Col>
              </Row>
            ) : null}
          </div>
        );
      }}
    </Form.Item>
  );
}

function CategoryCard(props: {
  form: FormInstance<CompetitionForm>;
  removeListItem: RemoveListItem;
  name: number;
  position: number;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const path = ['sheet', 'categories', props.name];
  return (
    <Card
      size="small"
      className="indicator-card"
      data-testid={`category-${props.position}`}
      title={
        <Form.Item noStyle shouldUpdate>
          {() => {
            const category = props.form.getFieldValue(path as never) as CategoryForm | undefined;
            const items = itemsTotal(category);
            const max = category?.maxPoints ?? 0;
            return (
              <Space>
                {t('sheet.categoryN', { n: props.position + 1 })}
                <Typography.Text type="secondary" data-testid="category-items-total">
                  {t('sheet.itemsTotal', { items, max })}
                </Typography.Text>
              </Space>
            );
          }}
        </Form.Item>
      }
      extra={<RemoveButton onClick={props.onRemove} label />}
    >
      <Row gutter={8}>
        <Col span={10}>
          <Form.Item
            name={[props.name, 'name', 'zh']}
            label={t('sheet.categoryName')}
            rules={required(t('form.required'))}
          >
            <Input data-testid="category-name" />
          </Form.Item>
        </Col>
        <Col span={4}>
          <Form.Item
            name={[props.name, 'maxPoints']}
            label={t('sheet.categoryMax')}
            tooltip={t('sheet.categoryMaxHelp')}
          >
            <InputNumber className="full-width" data-testid="category-max" />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item noStyle shouldUpdate>
            {() => {
              const indicators = (props.form.getFieldValue('indicators') ?? []) as CompetitionForm['indicators'];
              return (
                <Form.Item
                  name={[props.name, 'indicatorIds']}
                  label={t('sheet.categoryIndicators')}
                  tooltip={t('sheet.categoryIndicatorsHelp')}
                >
                  <Select
                    mode="multiple"
                    options={indicators.map((i) => ({ value: i.id, label: i.name.zh || i.id }))}
                  />
                </Form.Item>
              );
            }}
          </Form.Item>
        </Col>
      </Row>
      <Form.List name={[props.name, 'items']}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <ItemRow
                key={field.key}
                form={props.form}
                path={[...path, 'items']}
                name={field.name}
                onRemove={() => props.removeListItem([...path, 'items'], field.name, remove)}
              />
            ))}
            <Button
              type="dashed"
              size="small"
              icon={<PlusOutlined />}
              data-testid="add-item"
              onClick={() => {
                const added: SheetItemForm = {
                  id: freshId('item-', sheetIds(props.form.getFieldValue('sheet') as SheetForm)),
                  name: { zh: '', en: '' },
                  maxPoints: undefined,
                  deduction: { kind: 'per_finding', points: 1 },
                  counts: 'none',
                };
                add(added);
              }}
            >
              {t('sheet.addItem')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** 鼓励项: capped in all; each item up to its own maximum. */
function BonusCard(props: { form: FormInstance<CompetitionForm>; removeListItem: RemoveListItem }) {
  const { t } = useI18n();
  return (
    <Card
      size="small"
      className="indicator-card"
      title={t('sheet.bonus')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('sheet.bonusCap')}</Typography.Text>
          <Form.Item name={['sheet', 'bonusCap']} noStyle>
            <InputNumber min={0} placeholder={t('sheet.bonusNone')} data-testid="bonus-cap" />
          </Form.Item>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('sheet.bonusHelp')}</Typography.Paragraph>
      <Form.List name={['sheet', 'bonusItems']}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Row gutter={8} key={field.key}>
                <Col span={10}>
                  <Form.Item
                    name={[field.name, 'name', 'zh']}
                    label={t('sheet.bonusItem')}
                    rules={required(t('form.required'))}
                  >
                    <Input />
                  </Form.Item>
                </Col>
                <Col span={5}>
                  <Form.Item name={[field.name, 'maxPoints']} label={t('sheet.bonusItemMax')}>
                    <InputNumber className="full-width" />
                  </Form.Item>
                </Col>
                <Col span={5}>
                  <Form.Item
                    name={[field.name, 'pointsEach']}
                    label={t('sheet.bonusEach')}
                    tooltip={t('sheet.bonusEachHelp')}
                  >
                    <InputNumber className="full-width" min={0} />
                  </Form.Item>
                </Col>
                <Col span={4}>
                  <Form.Item label=" ">
                    <RemoveButton
                      onClick={() => props.removeListItem(['sheet', 'bonusItems'], field.name, remove)}
                      label
                    />
                  </Form.Item>
                </Col>
              </Row>
            ))}
            <Button
              type="dashed"
              size="small"
              icon={<PlusOutlined />}
              onClick={() => {
                const added: BonusItemForm = {
                  id: freshId('bonus-', sheetIds(props.form.getFieldValue('sheet') as SheetForm)),
                  name: { zh: '', en: '' },
                  maxPoints: 2,
                  pointsEach: 1,
                };
                add(added);
              }}
            >
              {t('sheet.addBonus')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

function VetoItemsCard(props: { form: FormInstance<CompetitionForm>; removeListItem: RemoveListItem }) {
  const { t } = useI18n();
  return (
    <Card size="small" className="indicator-card" title={t('sheet.vetoItems')}>
      <Typography.Paragraph type="secondary">{t('sheet.vetoItemsHelp')}</Typography.Paragraph>
      <Form.List name={['sheet', 'vetoItems']}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Row gutter={8} key={field.key}>
                <Col span={16}>
                  <Form.Item
                    name={[field.name, 'name', 'zh']}
                    label={t('sheet.vetoItem')}
                    rules={required(t('form.required'))}
                  >
                    <Input data-testid="veto-item-name" />
                  </Form.Item>
                </Col>
                <Col span={4}>
                  <Form.Item label=" ">
                    <RemoveButton
                      onClick={() => props.removeListItem(['sheet', 'vetoItems'], field.name, remove)}
                      label
                    />
                  </Form.Item>
                </Col>
              </Row>
            ))}
            <Button
              type="dashed"
              size="small"
              icon={<PlusOutlined />}
              onClick={() =>
                add({
                  id: freshId('veto-item-', sheetIds(props.form.getFieldValue('sheet') as SheetForm)),
                  name: { zh: '', en: '' },
                })
              }
            >
              {t('sheet.addVetoItem')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** 考核细则: categories of items, the bonus section and veto items, with the totals as they are typed. */
export function SheetCard(props: {
  form: FormInstance<CompetitionForm>;
  removeListItem: RemoveListItem;
  /** Told after the form's values were set by code (an import): antd tells onValuesChange only of typing. */
  onValuesSet: () => void;
}) {
  const { t } = useI18n();
  const [importing, setImporting] = useState(false);
  return (
    <Card
      title={t('sheet.title')}
      className="section-card"
      data-testid="sheet-card"
      extra={
        <Space>
          <Form.Item noStyle shouldUpdate>
            {() => {
              const values = props.form.getFieldsValue(true) as CompetitionForm;
              if (!values.useSheet) return null;
              const totals = sheetTotals(values.sheet);
              return (
                <Tag color="blue" className="sheet-total" data-testid="sheet-total">
                  {totals.bonusCap > 0
                    ? t('sheet.totalWithBonus', { total: totals.categories, bonus: totals.bonusCap })
                    : t('sheet.total', { total: totals.categories })}
                </Tag>
              );
            }}
          </Form.Item>
          <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="sheet-import">
            {t('sheet.import')}
          </Button>
          <Form.Item name="useSheet" valuePropName="checked" noStyle>
            <Switch data-testid="sheet-switch" checkedChildren={t('sheet.on')} unCheckedChildren={t('sheet.off')} />
          </Form.Item>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('sheet.help')}</Typography.Paragraph>
      <Form.Item noStyle shouldUpdate={(a: CompetitionForm, b: CompetitionForm) => a.useSheet !== b.useSheet}>
        {() =>
          (props.form.getFieldValue('useSheet') as boolean) ? (
            <>
              <Form.List name={['sheet', 'categories']}>
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((field, position) => (
                      <CategoryCard
                        removeListItem={props.removeListItem}
                        key={field.key}
                        form={props.form}
                        name={field.name}
                        position={position}
                        onRemove={() => props.removeListItem(['sheet', 'categories'], field.name, remove)}
                      />
                    ))}
                    <Button
                      type="dashed"
                      block
                      icon={<PlusOutlined />}
                      className="form-alert"
                      data-testid="add-category"
                      onClick={() => {
                        const added: CategoryForm = {
                          id: freshId('category-', sheetIds(props.form.getFieldValue('sheet') as SheetForm)),
                          name: { zh: '', en: '' },
                          maxPoints: undefined,
                          items: [],
                          indicatorIds: [],
                        };
                        add(added);
                      }}
                    >
                      {t('sheet.addCategory')}
                    </Button>
                  </>
                )}
              </Form.List>
              <BonusCard form={props.form} removeListItem={props.removeListItem} />
              <VetoItemsCard form={props.form} removeListItem={props.removeListItem} />
            </>
          ) : (
            <Alert type="info" showIcon title={t('sheet.offHelp')} />
          )
        }
      </Form.Item>
      <SheetImportModal
        open={importing}
        onClose={() => setImporting(false)}
        onApply={(sheet) => {
          props.form.setFieldsValue({ useSheet: true, sheet });
          props.onValuesSet();
          setImporting(false);
        }}
      />
    </Card>
  );
}

/** 评优条件: an entrant failing one keeps its points and rank but gets no grade. */
export function GatesCard(props: { form: FormInstance<CompetitionForm>; removeListItem: RemoveListItem }) {
  const { t } = useI18n();
  return (
    <Card title={t('gates.title')} className="section-card" data-testid="gates-card">
      <Typography.Paragraph type="secondary">{t('gates.help')}</Typography.Paragraph>
      <Form.List name="gates">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Form.Item noStyle shouldUpdate key={field.key}>
                {() => {
                  const gate = props.form.getFieldValue(['gates', field.name] as never) as GateForm | undefined;
                  return (
                    <Row gutter={8} data-testid="gate">
                      <Col span={8}>
                        <Form.Item
                          name={[field.name, 'name', 'zh']}
                          label={t('gates.name')}
                          rules={required(t('form.required'))}
                        >
                          <Input />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item name={[field.name, 'kind']} label={t('gates.kind')}>
                          <Select options={GATE_KINDS.map((k) => ({ value: k, label: t(`gates.kind.${k}`) }))} />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        {/* Keyed, as the item's steps and points are. */}
                        {gate?.kind === 'no_incident' ? (
                          <Form.Item
                            key="severities"
                            name={[field.name, 'severities']}
                            label={t('rule.field.severities')}
                          >
                            <Select
                              mode="multiple"
                              options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
                            />
                          </Form.Item>
                        ) : gate?.kind === 'min_total' ? (
                          <Form.Item key="points" name={[field.name, 'points']} label={t('gates.points')}>
                            <InputNumber className="full-width" data-testid="gate-points" />
                          </Form.Item>
                        ) : gate?.kind === 'min_category_rate' ? (
                          <Form.Item key="percent" name={[field.name, 'percent']} label={t('gates.percent')}>
                            <InputNumber className="full-width" suffix="%" data-testid="gate-percent" />
                          </Form.Item>
                        ) : null}
                      </Col>
                      <Col span={4}>
                        <Form.Item label=" ">
                          <RemoveButton onClick={() => props.removeListItem(['gates'], field.name, remove)} label />
                        </Form.Item>
                      </Col>
                    </Row>
                  );
                }}
              </Form.Item>
            ))}
            <Button
              type="dashed"
              icon={<PlusOutlined />}
              data-testid="add-gate"
              onClick={() => {
                const gates = (props.form.getFieldValue('gates') ?? []) as GateForm[];
                const added: GateForm = {
                  id: freshId(
                    'gate-',
                    gates.map((g) => g.id),
                  ),
                  name: { zh: t('gates.defaultName'), en: '' },
                  kind: 'min_total',
                  points: 80,
                };
                add(added);
              }}
            >
              {t('gates.add')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** 评定等级: by thresholds, fixed places or shares, of the entrants passing every gate. */
export function GradesCard(props: { form: FormInstance<CompetitionForm>; removeListItem: RemoveListItem }) {
  const { t } = useI18n();
  return (
    <Card title={t('grades.title')} className="section-card" data-testid="grades-card">
      <Form.Item name={['grades', 'kind']} label={t('grades.kind')} tooltip={t('grades.help')}>
        <Radio.Group
          optionType="button"
          options={GRADE_KINDS.map((k) => ({ value: k, label: t(`grades.kind.${k}`) }))}
          data-testid="grades-kind"
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate>
        {() => {
          const grades = props.form.getFieldValue('grades') as GradesForm | undefined;
          const kind = grades?.kind ?? 'none';
          if (kind === 'none') return null;
          return (
            <>
              <Form.List name={['grades', 'levels']}>
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((field) => (
                      <Row gutter={8} key={field.key} data-testid="grade-level">
                        <Col span={8}>
                          <Form.Item
                            name={[field.name, 'name', 'zh']}
                            label={t('grades.levelName')}
                            rules={required(t('form.required'))}
                          >
                            <Input />
                          </Form.Item>
                        </Col>
                        <Col span={6}>
                          <Form.Item name={[field.name, 'value']} label={t(`grades.value.${kind}`)}>
                            <InputNumber
                              className="full-width"
                              data-testid="grade-value"
                              {...(kind === 'share' ? { suffix: '%' } : {})}
                            />
                          </Form.Item>
                        </Col>
                        <Col span={4}>
                          <Form.Item label=" ">
                            <RemoveButton
                              onClick={() => props.removeListItem(['grades', 'levels'], field.name, remove)}
                              label
                            />
                          </Form.Item>
                        </Col>
                      </Row>
                    ))}
                    <Button
                      type="dashed"
                      size="small"
                      icon={<PlusOutlined />}
                      onClick={() => {
                        const levels = grades?.levels ?? [];
                        const added: GradeLevelForm = {
                          id: freshId(
                            'grade-',
                            levels.map((l) => l.id),
                          ),
                          name: { zh: '', en: '' },
                          value: undefined,
                        };
                        add(added);
                      }}
                    >
                      {t('grades.addLevel')}
                    </Button>
                  </>
                )}
              </Form.List>
              {kind === 'thresholds' ? (
                <Row gutter={8} className="form-alert">
                  <Col span={8}>
                    <Form.Item
                      name={['grades', 'otherwise']}
                      label={t('grades.otherwise')}
                      tooltip={t('grades.otherwiseHelp')}
                    >
                      <Input placeholder={t('grades.otherwisePlaceholder')} />
                    </Form.Item>
                  </Col>
                </Row>
              ) : null}
            </>
          );
        }}
      </Form.Item>
    </Card>
  );
}
