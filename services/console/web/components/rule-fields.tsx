import { Alert, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Switch } from 'antd';
import type { FormInstance } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';
import {
  BUILTIN_METRICS,
  COUNT_EVENTS,
  INNOVATION_CATEGORIES,
  RULE_KINDS,
  SEVERITIES,
  VIOLATION_KINDS,
  type CompetitionForm,
  type RuleForm,
} from '../model/definition-form.ts';

/** One number field of a rule, with its label and help from the catalogue. */
function NumberField(props: { name: (string | number)[]; field: string; required?: boolean; min?: number }) {
  const { t } = useI18n();
  const key = props.field as 'cap';
  return (
    <Form.Item
      name={[...props.name, props.field]}
      label={t(`rule.field.${key}`)}
      tooltip={t(`rule.help.${key}`)}
      rules={props.required ? [{ required: true, message: t('form.required') }] : []}
    >
      <InputNumber className="full-width" min={props.min} data-testid={`rule-${props.field}`} />
    </Form.Item>
  );
}

/** A yes/no field of a rule (perCapita, allowNegative), with its label and help from the catalogue. */
function SwitchField(props: { name: (string | number)[]; field: 'perCapita' | 'allowNegative' }) {
  const { t } = useI18n();
  return (
    <Form.Item
      name={[...props.name, props.field]}
      label={t(`rule.field.${props.field}`)}
      tooltip={t(`rule.help.${props.field}`)}
      valuePropName="checked"
    >
      <Switch data-testid={`rule-${props.field}`} />
    </Form.Item>
  );
}

function MetricField(props: { name: (string | number)[]; rule: RuleForm | undefined }) {
  const { t } = useI18n();
  const custom = props.rule?.metricSource === 'custom';
  return (
    <Row gutter={12}>
      <Col span={8}>
        <Form.Item name={[...props.name, 'metricSource']} label={t('rule.field.metricSource')} initialValue="builtin">
          <Radio.Group
            options={[
              { value: 'builtin', label: t('rule.metric.builtin') },
              { value: 'custom', label: t('rule.metric.custom') },
            ]}
          />
        </Form.Item>
      </Col>
      <Col span={16}>
        {custom ? (
          // The prefix is shown, not typed; the item inside holds the name and shows its errors here.
          <Form.Item label={t('rule.field.metricName')} tooltip={t('rule.help.metricName')} required>
            <Space.Compact className="full-width">
              <Input className="metric-prefix" value="metric." disabled />
              <Form.Item
                noStyle
                name={[...props.name, 'metricName']}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Input placeholder="skill_contest" data-testid="metric-name" />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        ) : (
          <Form.Item
            name={[...props.name, 'metric']}
            label={t('rule.field.metric')}
            tooltip={t('rule.help.metric')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={BUILTIN_METRICS.map((m) => ({ value: m, label: `${t(`metric.${m}`)}（${m}）` }))}
            />
          </Form.Item>
        )}
      </Col>
    </Row>
  );
}

/** The fields of an indicator's rule for its kind, each labelled and explained in the console's language. */
export function RuleFields(props: { form: FormInstance<CompetitionForm>; index: number }) {
  const { t } = useI18n();
  const name = [props.index, 'rule'];
  const full = ['indicators', props.index, 'rule'];
  return (
    <Form.Item noStyle shouldUpdate>
      {() => {
        const rule = props.form.getFieldValue(full as never) as RuleForm | undefined;
        const kind = rule?.kind ?? 'sum';
        const event = rule?.event ?? 'violation';
        return (
          <>
            <Form.Item name={[...name, 'kind']} label={t('rule.field.kind')} rules={[{ required: true }]}>
              <Select
                data-testid="rule-kind"
                options={RULE_KINDS.map((k) => ({ value: k, label: t(`rule.kind.${k}`) }))}
              />
            </Form.Item>
            <Alert type="info" className="form-alert" title={t(`rule.about.${kind}`)} />
            {kind === 'sum' || kind === 'target' ? <MetricField name={name} rule={rule} /> : null}
            <Row gutter={12}>
              {kind === 'sum' ? (
                <>
                  <Col span={6}>
                    <NumberField name={name} field="pointsPerUnit" required />
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="cap" />
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="floor" />
                  </Col>
                  <Col span={6}>
                    <SwitchField name={name} field="perCapita" />
                  </Col>
                </>
              ) : null}
              {kind === 'target' ? (
                <>
                  <Col span={6}>
                    <NumberField name={name} field="pointsAtTarget" required min={0} />
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="pointsPerPercentOver" min={0} />
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="bonusCap" min={0} />
                  </Col>
                  <Col span={6}>
                    <SwitchField name={name} field="allowNegative" />
                  </Col>
                </>
              ) : null}
              {kind === 'count' ? (
                <>
                  <Col span={6}>
                    <Form.Item name={[...name, 'event']} label={t('rule.field.event')} initialValue="violation">
                      <Select options={COUNT_EVENTS.map((e) => ({ value: e, label: t(`event.${e}`) }))} />
                    </Form.Item>
                  </Col>
                  {event === 'incident' ? (
                    <Col span={18}>
                      <Form.Item
                        name={[...name, 'severities']}
                        label={t('rule.field.severities')}
                        tooltip={t('rule.help.severities')}
                      >
                        <Select
                          mode="multiple"
                          allowClear
                          placeholder={t('common.all')}
                          options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
                        />
                      </Form.Item>
                    </Col>
                  ) : null}
                  {event === 'violation' ? (
                    <>
                      <Col span={12}>
                        <Form.Item
                          name={[...name, 'violationKinds']}
                          label={t('rule.field.violationKinds')}
                          tooltip={t('rule.help.violationKinds')}
                        >
                          <Select
                            mode="multiple"
                            allowClear
                            placeholder={t('common.all')}
                            options={VIOLATION_KINDS.map((v) => ({ value: v, label: t(`violation.${v}`) }))}
                          />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item name={[...name, 'measure']} label={t('rule.field.measure')} initialValue="persons">
                          <Radio.Group
                            options={[
                              { value: 'persons', label: t('rule.measure.persons') },
                              { value: 'events', label: t('rule.measure.events') },
                            ]}
                          />
                        </Form.Item>
                      </Col>
                    </>
                  ) : null}
                  {event === 'hazard_overdue' ? (
                    <Col span={6}>
                      <NumberField name={name} field="rectifyWithinDays" required min={0} />
                    </Col>
                  ) : null}
                  {event === 'hazard_overdue' ? <Col span={12} /> : null}
                  {event === 'hazard_found' || event === 'hazard_rectified' ? <Col span={18} /> : null}
                  <Col span={6}>
                    <NumberField name={name} field="pointsEach" required />
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="floor" />
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="cap" />
                  </Col>
                  <Col span={6}>
                    <SwitchField name={name} field="perCapita" />
                  </Col>
                </>
              ) : null}
              {kind === 'safety_days' ? (
                <>
                  <Col span={12}>
                    <Form.Item
                      name={[...name, 'breakingSeverities']}
                      label={t('rule.field.breakingSeverities')}
                      tooltip={t('rule.help.breakingSeverities')}
                    >
                      <Select
                        mode="multiple"
                        options={SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="pointsPerDay" required />
                  </Col>
                  <Col span={6}>
                    <NumberField name={name} field="cap" />
                  </Col>
                </>
              ) : null}
              {kind === 'innovation' ? (
                <>
                  <Col span={24}>
                    <Form.Item
                      name={[...name, 'categories']}
                      label={t('rule.field.categories')}
                      tooltip={t('rule.help.categories')}
                    >
                      <Select
                        mode="multiple"
                        options={INNOVATION_CATEGORIES.map((c) => ({ value: c, label: t(`innovation.${c}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  {(['submitted', 'adopted', 'award1', 'award2', 'award3', 'cap'] as const).map((field) => (
                    <Col span={4} key={field}>
                      <NumberField name={name} field={field} required={field.startsWith('award')} />
                    </Col>
                  ))}
                </>
              ) : null}
              {kind === 'rectification_rate' ? (
                <>
                  <Col span={8}>
                    <NumberField name={name} field="pointsAtFullRate" required min={0} />
                  </Col>
                  <Col span={16}>
                    <Form.Item
                      name={[...name, 'whenNoHazards']}
                      label={t('rule.field.whenNoHazards')}
                      tooltip={t('rule.help.whenNoHazards')}
                      initialValue="full"
                    >
                      <Radio.Group
                        options={[
                          { value: 'full', label: t('rule.noHazards.full') },
                          { value: 'zero', label: t('rule.noHazards.zero') },
                        ]}
                      />
                    </Form.Item>
                  </Col>
                </>
              ) : null}
            </Row>
          </>
        );
      }}
    </Form.Item>
  );
}
