import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Space } from 'antd';
import { PLANNED } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * 成绩导出: the standings or a closed period's final standings as .xlsx and as a print-ready
 * 表彰/公示 page. Their API (services/excel) is being built: until then the buttons say so.
 */
export function ResultsActions(props: { competitionId: string; periodId?: string }) {
  const { t } = useI18n();
  const ready = PLANNED.excel;
  return (
    <Space orientation="vertical" className="full-width section-card">
      <Space>
        <Button icon={<DownloadOutlined />} disabled={!ready} data-testid="download-xlsx">
          {props.periodId ? t('results.downloadFinal') : t('results.downloadStandings')}
        </Button>
        <Button icon={<PrinterOutlined />} disabled={!ready} data-testid="print-page">
          {t('results.print')}
        </Button>
      </Space>
      {ready ? null : (
        <Alert type="info" showIcon title={t('coming.excel.title')} description={t('coming.excel.body')} />
      )}
    </Space>
  );
}
