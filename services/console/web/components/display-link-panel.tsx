import { CopyOutlined, ExportOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Form, Input, QRCode, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, type NewDisplayLink } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { isLoopbackOrigin, screenUrl } from '../model/screen-url.ts';

/**
 * Puts a text on the clipboard. A console opened at a plain-http LAN address has no
 * navigator.clipboard (secure contexts only): there the older execCommand copy of a selected
 * text still works, as antd's own copy buttons do it. False when neither did.
 */
async function copyText(text: string): Promise<boolean> {
  const clipboard = navigator.clipboard as Clipboard | undefined;
  if (clipboard) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, page not focused): try the older way.
    }
  }
  const buffer = document.createElement('textarea');
  buffer.value = text;
  buffer.readOnly = true;
  buffer.className = 'copy-buffer';
  document.body.appendChild(buffer);
  try {
    buffer.select();
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the only copy there is outside a secure context
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    buffer.remove();
  }
}

/** Copies a text, or says how to copy it where the browser allows neither way. */
function CopyButton(props: { text: string; label: string; testId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <Button
      icon={<CopyOutlined />}
      data-testid={props.testId}
      onClick={() => {
        void copyText(props.text).then((copied) =>
          copied ? message.success(t('common.copied')) : message.info(t('links.copyByHand')),
        );
      }}
    >
      {props.label}
    </Button>
  );
}

/**
 * What a new display link shows once: its QR code for a phone, its short address to type into a
 * TV's browser (or paste into a 企业微信 group), and the full address, each with a copy button.
 */
export function NewLinkView(props: { link: NewDisplayLink }) {
  const { t } = useI18n();
  const url = screenUrl(window.location.origin, props.link.url);
  const shortUrl = screenUrl(window.location.origin, props.link.shortUrl);
  return (
    <Row gutter={24} align="middle" wrap={false} data-testid="new-link">
      <Col flex="none">
        <QRCode value={url} size={200} type="svg" bordered data-testid="link-qr" />
      </Col>
      <Col flex="auto" className="new-link-text">
        <Typography.Paragraph strong>{t('links.typeShort')}</Typography.Paragraph>
        <Typography.Paragraph>
          <Typography.Text code className="link-short-url" data-testid="link-short-url">
            {shortUrl}
          </Typography.Text>
        </Typography.Paragraph>
        <Space wrap>
          <CopyButton text={shortUrl} label={t('links.copyShort')} testId="copy-short-url" />
          <Button icon={<ExportOutlined />} href={url} target="_blank" data-testid="open-link">
            {t('links.open')}
          </Button>
        </Space>
        <Typography.Paragraph className="link-full-title" type="secondary">
          {t('links.scan')}
        </Typography.Paragraph>
        <Typography.Paragraph>
          <Typography.Text code className="link-url" data-testid="link-url">
            {url}
          </Typography.Text>
        </Typography.Paragraph>
        <CopyButton text={url} label={t('links.copy')} testId="copy-url" />
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
