import { CopyOutlined } from '@ant-design/icons';
import { QRCode, Typography } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * A reporter's personal link: the phone page with the token in the #fragment (it never reaches a
 * server's or a proxy's log, and the page takes it off the address), and its QR code to scan with
 * 微信 / 企业微信 / 钉钉. Made here from the secret shown once; the secret is never sent back.
 */
export function reporterLink(origin: string, token: string): string {
  return `${origin}/reporter#t=${encodeURIComponent(token)}`;
}

export function ReporterLink({ token, viewer = false }: { token: string; viewer?: boolean }) {
  const { t } = useI18n();
  const link = reporterLink(window.location.origin, token);
  return (
    <div className="reporter-link" data-testid="reporter-link">
      <Typography.Paragraph>{t(viewer ? 'tokens.viewerLinkHelp' : 'tokens.reporterLinkHelp')}</Typography.Paragraph>
      {/* As SVG, like the display links' (display-link-panel.tsx): no inline style under the console's policy. */}
      <QRCode value={link} size={200} type="svg" bordered data-testid="reporter-qr" />
      <Typography.Paragraph copyable={{ text: link, icon: [<CopyOutlined key="copy" />, <CopyOutlined key="done" />] }}>
        <Typography.Text code data-testid="reporter-link-url">
          {link}
        </Typography.Text>
      </Typography.Paragraph>
    </div>
  );
}
