import { CopyOutlined, ExportOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Form, Input, QRCode, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, type NewDisplayLink } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { isLoopbackOrigin, screenUrl } from '../model/screen-url.ts';

/** What a new display link shows once: its QR code for a phone and its address for a TV, with a copy button. */
export function NewLinkView(props: { link: NewDisplayLink }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const url = screenUrl(window.location.origin, props.link.url);
  return (
    <Row gutter={24} align="middle" data-testid="new-link">
      <Col flex="none">
        <QRCode value={url} size={200} type="svg" bordered data-testid="link-qr" />
      </Col>
      <Col flex="auto">
        <Typography.Paragraph strong>{t('links.scan')}</Typography.Paragraph>
        <Typography.Paragraph copyable={false}>
          <Typography.Text code className="link-url" data-testid="link-url">
            {url}
          </Typography.Text>
        </Typography.Paragraph>
        <Space>
          <Button
            icon={<CopyOutlined />}
            onClick={() => {
              void navigator.clipboard
                .writeText(url)
                .then(() => message.success(t('common.copied')))
                .catch(() => message.info(t('links.copyByHand')));
            }}
          >
            {t('links.copy')}
          </Button>
          <Button icon={<ExportOutlined />} href={url} target="_blank" data-testid="open-link">
            {t('links.open')}
          </Button>
        </Space>
        <Alert className="form-alert" type="warning" showIcon title={t('links.onceOnly')} />
        {isLoopbackOrigin(window.location.origin) ? (
          <Alert className="form-alert" type="info" showIcon title={t('links.loopback')} />
        ) : null}
      </Col>
    </Row>
  );
}

/** Creates a display link for a screen (where it hangs, e.g. 西湖加油站营业厅) and shows it. */
export function DisplayLinkPanel(props: { screenId: string; onCreated?: (link: NewDisplayLink) => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [created, setCreated] = useState<NewDisplayLink>();
  const [busy, setBusy] = useState(false);

  async function create(values: { label: string }) {
    setBusy(true);
    try {
      const link = await api.createLink(props.screenId, values.label.trim());
      setCreated(link);
      props.onCreated?.(link);
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setBusy(false);
    }
  }

  return created ? (
    <NewLinkView link={created} />
  ) : (
    <Form layout="inline" onFinish={(values: { label: string }) => void create(values)}>
      <Form.Item
        name="label"
        label={t('links.label')}
        tooltip={t('links.labelHelp')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }]}
      >
        <Input placeholder={t('links.labelPlaceholder')} data-testid="link-label" className="link-label" />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="create-link">
          {t('links.create')}
        </Button>
      </Form.Item>
    </Form>
  );
}
