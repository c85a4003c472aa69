import { Card, Typography } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';

export function DashboardPage() {
  const { t } = useI18n();
  return (
    <Card>
      <Typography.Title level={4}>{t('menu.dashboard')}</Typography.Title>
    </Card>
  );
}
