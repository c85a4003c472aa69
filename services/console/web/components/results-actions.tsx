import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Modal, Spin } from 'antd';
import { useState } from 'react';
import { api, fetchPage, printPageUrl } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';

type PrintTitle = 'notice' | 'commendation';

/**
 * 成绩导出: the standings on screen (or, with periodId, a closed period's frozen final standings) as
 * the .xlsx union offices file, and as the A4 公示 / 表彰名单 page to print or save as PDF.
 */
export function ResultsActions(props: { competitionId: string; periodId?: string; group?: string; asOf?: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [printing, setPrinting] = useState<{ title: PrintTitle; html?: string }>();
  const { competitionId, periodId, group, asOf } = props;
  const failed = (err: unknown) =>
    void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));

  async function download() {
    setBusy(true);
    try {
      await (periodId === undefined
        ? api.downloadStandings(competitionId, { group, asOf })
        : api.downloadFinal(competitionId, periodId, { group }));
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  }

  // Fetched with the token and shown in a frame of this page (a new tab would go without the
  // token when standings need one); its style and script come from this server, as the policy allows.
  async function print(title: PrintTitle) {
    setPrinting({ title });
    try {
      const html = await fetchPage(printPageUrl(competitionId, { periodId, group, asOf, title }));
      setPrinting({ title, html });
    } catch (err) {
      setPrinting(undefined);
      failed(err);
    }
  }

  return (
    <>
      <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void download()} data-testid="download-xlsx">
        {periodId === undefined ? t('results.downloadStandings') : t('results.downloadFinal')}
      </Button>
      <Dropdown
        menu={{
          items: [
            { key: 'notice', label: t('results.printNotice'), 'data-testid': 'print-notice' },
            { key: 'commendation', label: t('results.printCommendation'), 'data-testid': 'print-commendation' },
          ],
          onClick: ({ key }) => void print(key as PrintTitle),
        }}
      >
        <Button icon={<PrinterOutlined />} data-testid="print-page">
          {t('results.print')}
        </Button>
      </Dropdown>
      <Modal
        open={printing !== undefined}
        onCancel={() => setPrinting(undefined)}
        width={960}
        title={printing ? t(printing.title === 'notice' ? 'results.printNotice' : 'results.printCommendation') : ''}
        footer={null}
        destroyOnHidden
      >
        {printing?.html ? (
          <iframe className="print-frame" srcDoc={printing.html} title="print" data-testid="print-frame" />
        ) : (
          <Spin />
        )}
      </Modal>
    </>
  );
}
