import { Card, Typography } from 'antd';
import { GroupForm } from '../components/group-form.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useOrg } from '../org-context.tsx';

export function SettingsPage() {
  const { t } = useI18n();
  const org = useOrg();
  return (
    <>
      <PageHeader title={t('menu.settings')} subtitle={t('settings.subtitle')} />
      <Card title={t('settings.group')}>
        <Typography.Paragraph type="secondary">{t('settings.groupHelp')}</Typography.Paragraph>
        <GroupForm org={org.data} onSaved={() => void org.reload()} />
      </Card>
    </>
  );
}
