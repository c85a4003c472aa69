import { ClockCircleOutlined, DeleteOutlined } from '@ant-design/icons';
import { Button, Result, Tooltip } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * A feature whose API another part of the project is still building (see PLANNED in
 * api-client.ts): said plainly instead of a button that fails.
 */
export function ComingSoon(props: { feature: 'excel' | 'corrections' | 'deleteDrafts' }) {
  const { t } = useI18n();
  return (
    <Result
      className="coming-card"
      icon={<ClockCircleOutlined />}
      title={t(`coming.${props.feature}.title`)}
      subTitle={t(`coming.${props.feature}.body`)}
      data-testid={`coming-${props.feature}`}
    />
  );
}

/** Deleting a competition or screen set never published: its API is being built (PLANNED.deleteDrafts). */
export function DeleteSoon() {
  const { t } = useI18n();
  return (
    <Tooltip title={`${t('coming.deleteDrafts.title')}：${t('coming.deleteDrafts.body')}`}>
      <Button icon={<DeleteOutlined />} disabled data-testid="delete-soon">
        {t('common.remove')}
      </Button>
    </Tooltip>
  );
}
