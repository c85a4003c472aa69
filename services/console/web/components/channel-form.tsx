import { Alert, App, Checkbox, Col, Form, Input, Modal, Radio, Row, Select, Typography, type FormRule } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError, type Channel } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import {
  channelToForm,
  formToChannelRequest,
  newChannelForm,
  PLATFORMS,
  webhookExample,
  webhookProblem,
  type ChannelForm,
  type Platform,
} from '../model/notify-form.ts';
import { useOrg } from '../org-context.tsx';
import { useApiFieldErrors } from '../use-api-field-errors.ts';

/**
 * Adding or changing a group robot: the platform first (its steps say where the address and the
 * secret are in that app), then the name, the address (checked against the platform's shape as it
 * is typed), the 加签 secret and the units whose overdue hazards go to this group.
 */
export function ChannelFormModal(props: {
  open: boolean;
  /** The channel being changed; undefined adds one. */
  channel: Channel | undefined;
  onClose: () => void;
  onSaved: (channel: Channel) => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const [form] = Form.useForm<ChannelForm>();
  // The secret and the units have no rules: antd alone would keep the API's word on a corrected value.
  const { show: showFieldErrors, clear: clearFieldErrors, onValuesChange } = useApiFieldErrors(form);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const platform = Form.useWatch('platform', form) ?? props.channel?.platform ?? 'dingtalk';
  const removeSecret = Form.useWatch('removeSecret', form) ?? false;
  const editing = props.channel !== undefined;

  useEffect(() => {
    if (!props.open) return;
    setError(undefined);
    clearFieldErrors();
    form.resetFields();
    form.setFieldsValue(props.channel ? channelToForm(props.channel) : newChannelForm());
  }, [props.open, props.channel, form, clearFieldErrors]);

  const platformName = (p: Platform) => t(`notify.platform.${p}`);
  const webhookRules: FormRule[] = [
    { required: !editing, whitespace: true, message: t('form.required') },
    {
      validator: async (_, value: string | undefined) => {
        if (!value?.trim()) return;
        const problem = webhookProblem(platform, value);
        if (problem?.kind === 'invalid') throw new Error(t('notify.webhookInvalid'));
        if (problem?.kind === 'otherPlatform') {
          throw new Error(t('notify.webhookOtherPlatform', { platform: platformName(problem.platform) }));
        }
        if (problem?.kind === 'incomplete') {
          throw new Error(t('notify.webhookIncomplete', { example: webhookExample(platform) }));
        }
      },
    },
    {
      warningOnly: true,
      validator: async (_, value: string | undefined) => {
        if (!value?.trim() || webhookProblem(platform, value)?.kind !== 'otherHost') return;
        throw new Error(
          t('notify.webhookOtherHost', {
            platform: platformName(platform),
            example: new URL(webhookExample(platform)).origin,
          }),
        );
      },
    },
  ];

  async function save(values: ChannelForm) {
    setSaving(true);
    setError(undefined);
    clearFieldErrors();
    try {
      const request = formToChannelRequest({ ...newChannelForm(), ...values }, editing);
      const saved = props.channel
        ? await api.updateChannel(props.channel.channelId, request)
        : await api.createChannel({ ...request, webhookUrl: request.webhookUrl ?? '' });
      void message.success(t('notify.saved', { name: saved.name }));
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'webhook_host_not_allowed' || err.code === 'webhook_not_https')) {
        // The server posts only to the platforms' hosts (and those its operator allows): say so at the address.
        showFieldErrors([{ name: ['webhookUrl'], errors: [apiMessage(err.message, lang)] }]);
      } else if (err instanceof ApiError && err.fieldProblems().length > 0) {
        showFieldErrors(
          err.fieldProblems().map((p) => ({
            name: [p.path.replace(/^body\./, '').split(/[.[]/)[0] ?? 'name'],
            errors: [apiMessage(p.message, lang)],
          })),
        );
      } else {
        setError(err instanceof Error ? apiMessage(err.message, lang) : String(err));
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={props.open}
      title={editing ? t('notify.edit') : t('notify.add')}
      width={960}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      okButtonProps={{ loading: saving, 'data-testid': 'save-channel' }}
      destroyOnHidden
    >
      <Form<ChannelForm>
        form={form}
        layout="vertical"
        onFinish={(values) => void save(values)}
        onValuesChange={onValuesChange}
        initialValues={newChannelForm()}
        data-testid="channel-form"
      >
        <Form.Item name="platform" label={t('notify.platform')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            data-testid="channel-platform"
            onChange={() => void form.validateFields(['webhookUrl']).catch(() => undefined)}
            options={PLATFORMS.map((p) => ({ value: p, label: platformName(p) }))}
          />
        </Form.Item>
        <Row gutter={24}>
          <Col xs={24} md={14}>
            <Form.Item
              name="name"
              label={t('notify.name')}
              tooltip={t('notify.nameHelp')}
              rules={[{ required: true, whitespace: true, message: t('form.required') }]}
            >
              <Input placeholder={t('notify.namePlaceholder')} maxLength={100} data-testid="channel-name" />
            </Form.Item>
            <Form.Item
              name="webhookUrl"
              label={t('notify.webhook')}
              rules={webhookRules}
              dependencies={['platform']}
              extra={t('notify.webhookShape', { example: webhookExample(platform) })}
            >
              <Input
                placeholder={
                  props.channel
                    ? t('notify.webhookKeep', { hint: props.channel.webhookHint })
                    : webhookExample(platform)
                }
                autoComplete="off"
                data-testid="channel-webhook"
              />
            </Form.Item>
            {platform === 'wecom' ? (
              <Typography.Paragraph type="secondary" data-testid="channel-no-secret">
                {t('notify.secretNone')}
              </Typography.Paragraph>
            ) : (
              <>
                <Form.Item name="secret" label={t('notify.secret')} extra={t(`notify.secretHelp.${platform}`)}>
                  <Input.Password
                    autoComplete="new-password"
                    disabled={removeSecret}
                    placeholder={props.channel?.hasSecret ? t('notify.secretKeep') : 'SEC…'}
                    data-testid="channel-secret"
                  />
                </Form.Item>
                {props.channel?.hasSecret ? (
                  <Form.Item name="removeSecret" valuePropName="checked" className="notify-remove-secret">
                    <Checkbox data-testid="channel-remove-secret">{t('notify.secretRemove')}</Checkbox>
                  </Form.Item>
                ) : null}
              </>
            )}
            <Form.Item name="unitIds" label={t('notify.units')} extra={t('notify.unitsHelp')}>
              <Select
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('notify.unitsNone')}
                data-testid="channel-units"
                options={(org.data?.units ?? []).map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Alert
              type="info"
              className="notify-steps"
              title={t('notify.howTo')}
              description={
                // The catalogue writes the steps as one line "a → b → c"; a numbered list is easier to follow.
                <ol className="notify-steps-list">
                  {t(`notify.steps.${platform}`)
                    .split(/\s*→\s*/u)
                    .map((step) => (
                      <li key={step}>{step}</li>
                    ))}
                </ol>
              }
              data-testid="channel-steps"
            />
          </Col>
        </Row>
        {error ? (
          <Alert type="error" showIcon className="form-alert" title={error} data-testid="channel-error" />
        ) : null}
      </Form>
    </Modal>
  );
}
