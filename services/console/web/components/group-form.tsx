import { App, Button, ColorPicker, Form, Input, Space } from 'antd';
import { useEffect, useState } from 'react';
import type { Org } from '../../../../schemas/org.schema.ts';
import { api } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';

interface Values {
  groupName: string;
  primaryColour: string;
  accentColour: string;
}

/** The colours of the union emblem: red and gold, as most union screens use. */
export const DEFAULT_COLOURS = { primaryColour: '#c62828', accentColour: '#ffc107' };

const hex = (value: unknown): string =>
  typeof value === 'string' ? value : ((value as { toHexString?: () => string } | null)?.toHexString?.() ?? '');

/** 集团名称与标识色: shown in the console's header and by every competition's built-in screen. */
export function GroupForm(props: { org: Org | undefined; onSaved: () => void; submitText?: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!props.org) return;
    form.setFieldsValue({ groupName: props.org.groupName, ...(props.org.branding ?? DEFAULT_COLOURS) });
  }, [props.org, form]);

  async function save(values: Values) {
    setSaving(true);
    try {
      await api.changeOrg({
        groupName: values.groupName.trim(),
        branding: { primaryColour: hex(values.primaryColour), accentColour: hex(values.accentColour) },
      });
      void message.success(t('settings.saved'));
      props.onSaved();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Form<Values> form={form} layout="vertical" onFinish={(values) => void save(values)} className="group-form">
      <Form.Item
        name="groupName"
        label={t('settings.groupName')}
        tooltip={t('settings.groupNameHelp')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }]}
      >
        <Input data-testid="group-name-input" placeholder="如：浙江能源集团" />
      </Form.Item>
      <Space size="large">
        <Form.Item name="primaryColour" label={t('settings.primaryColour')} getValueFromEvent={hex}>
          <ColorPicker showText disabledAlpha format="hex" />
        </Form.Item>
        <Form.Item name="accentColour" label={t('settings.accentColour')} getValueFromEvent={hex}>
          <ColorPicker showText disabledAlpha format="hex" />
        </Form.Item>
      </Space>
      <Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="save-group">
          {props.submitText ?? t('common.save')}
        </Button>
      </Form.Item>
    </Form>
  );
}
