import { KeyOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../api-client.ts';
import { handbookHref } from '../components/empty-hint.tsx';
import { useI18n, type Lang } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';

export function SignInPage() {
  const { t, lang, setLang } = useI18n();
  const session = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(values: { token: string }) {
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(values.token);
      navigate('/', { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError && err.status !== 0
          ? t('signIn.refused', { reason: apiMessage(err.message, lang) })
          : String(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="sign-in">
      <Card className="sign-in-card">
        <div className="sign-in-head">
          <span className="console-emblem console-emblem-large" aria-hidden="true">
            工
          </span>
          <Typography.Title level={3}>{t('app.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('app.subtitle')}</Typography.Text>
        </div>
        <Form layout="vertical" onFinish={(values: { token: string }) => void submit(values)} requiredMark={false}>
          <Form.Item
            name="token"
            label={t('signIn.token')}
            rules={[{ required: true, whitespace: true, message: t('signIn.tokenRequired') }]}
            extra={t('signIn.help')}
          >
            <Input.Password prefix={<KeyOutlined />} placeholder="lbt_…" autoFocus data-testid="token-input" />
          </Form.Item>
          {error ? <Alert type="error" showIcon title={error} className="form-alert" /> : null}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in">
            {t('signIn.submit')}
          </Button>
        </Form>
        {session.who.open ? <Alert className="form-alert" type="warning" showIcon title={t('open.banner')} /> : null}
        <div className="sign-in-foot">
          <a href={handbookHref('first-run')} target="_blank" rel="noopener" data-testid="help-link">
            <QuestionCircleOutlined /> {t('help.link')}
          </a>
          <Segmented<Lang>
            size="small"
            value={lang}
            onChange={setLang}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'English', value: 'en' },
            ]}
          />
        </div>
      </Card>
    </div>
  );
}
