import { Card, Form, InputNumber, Typography } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * 公示设置: how many working days a closed period's results stay posted. The API counts them on the
 * State Council's holiday calendar, so organisers give the number the union's rules say, not dates.
 */
export function NoticeCard() {
  const { t } = useI18n();
  return (
    <Card title={t('editor.notice')} className="section-card" data-testid="notice-card">
      <Typography.Paragraph type="secondary">{t('editor.noticeHelp')}</Typography.Paragraph>
      <Form.Item
        name="noticeWorkingDays"
        label={t('editor.noticeWorkingDays')}
        rules={[{ required: true, type: 'integer', min: 1, max: 30, message: t('editor.noticeWorkingDaysRange') }]}
      >
        <InputNumber
          className="notice-days"
          min={1}
          max={30}
          precision={0}
          suffix={t('editor.noticeWorkingDaysUnit')}
          data-testid="notice-working-days"
        />
      </Form.Item>
    </Card>
  );
}
