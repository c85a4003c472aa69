import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Space, Steps, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, ApiError, type SheetRead, type SheetRowError } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { draftToForm, type SheetForm } from '../model/sheet-form.ts';

type DraftItem = SheetRead['sheet']['categories'][number]['items'][number];

interface PreviewRow {
  key: string;
  row: number;
  section: string;
  name: string;
  maxPoints: number | null;
  rule: React.ReactNode;
}

/**
 * 导入考核细则: an .xlsx in the layout unions use (类别, 考核项目, 分值, 扣分标准) is read by the API,
 * shown as the sheet it would make (with every row it could not read at its cell), and put into
 * the editor only when the organiser says so; saving the competition is still theirs to do.
 */
export function SheetImportModal(props: { open: boolean; onClose: () => void; onApply: (sheet: SheetForm) => void }) {
  const { t, lang } = useI18n();
  const [read, setRead] = useState<SheetRead>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  function reset() {
    setRead(undefined);
    setError(undefined);
  }

  async function upload(file: File) {
    setBusy(true);
    reset();
    try {
      setRead(await api.readSheet(file));
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setBusy(false);
    }
  }

  const rule = (item: DraftItem) => {
    const d = item.deduction;
    if (!d) return <Tag color="orange">{t('sheetImport.unread')}</Tag>;
    const text =
      d.kind === 'escalating'
        ? t('sheetImport.rule.escalating', { steps: d.steps.map((s) => `−${s}`).join(' → ') })
        : t(`sheetImport.rule.${d.kind}`, { n: d.points });
    return (
      <Space size={4}>
        {text}
        {item.counts ? <Tag>{t(`sheet.counts.${item.counts.event}`)}</Tag> : null}
      </Space>
    );
  };

  const rows: PreviewRow[] = read
    ? [
        ...read.sheet.categories.flatMap((c) =>
          c.items.map((i) => ({
            key: i.id,
            row: i.row,
            section: t('sheetImport.category', { name: c.name.zh, n: c.maxPoints }),
            name: i.name.zh,
            maxPoints: i.maxPoints,
            rule: rule(i),
          })),
        ),
        ...(read.sheet.bonus?.items ?? []).map((b) => ({
          key: b.id,
          row: b.row,
          section: t('sheetImport.bonus', { n: read.sheet.bonus?.cap ?? 0 }),
          name: b.name.zh,
          maxPoints: b.maxPoints,
          rule: t('sheetImport.rule.bonus', { n: b.pointsEach }),
        })),
        ...read.sheet.vetoItems.map((v) => ({
          key: v.id,
          row: v.row,
          section: t('sheet.vetoItems'),
          name: v.name.zh,
          maxPoints: null,
          rule: <Tag color="red">{t('sheetImport.rule.veto')}</Tag>,
        })),
      ].sort((a, b) => a.row - b.row)
    : [];

  const total = read?.sheet.categories.reduce((acc, c) => acc + c.maxPoints, 0) ?? 0;
  return (
    <Modal
      open={props.open}
      width={1000}
      centered
      title={t('sheetImport.title')}
      onCancel={props.onClose}
      destroyOnHidden
      afterClose={reset}
      footer={
        read ? (
          <Space>
            <Button onClick={reset}>{t('import.another')}</Button>
            <Button
              type="primary"
              data-testid="sheet-import-apply"
              onClick={() => {
                props.onApply(draftToForm(read.sheet));
                reset();
              }}
            >
              {t('sheetImport.apply')}
            </Button>
          </Space>
        ) : null
      }
    >
      <Steps
        size="small"
        className="section-card"
        current={read ? 1 : 0}
        items={[
          { title: t('import.stepPick') },
          { title: t('import.stepCheck') },
          { title: t('sheetImport.stepApply') },
        ]}
      />
      {!read ? (
        <>
          <Upload.Dragger
            accept=".xlsx"
            maxCount={1}
            showUploadList={false}
            disabled={busy}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
            data-testid="sheet-import-upload"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('sheetImport.drop')}</p>
            <p className="ant-upload-hint">{t('sheetImport.hint')}</p>
          </Upload.Dragger>
          {error ? <Alert type="error" showIcon className="form-alert" title={error} /> : null}
        </>
      ) : (
        <>
          <Alert
            type={read.problems.length > 0 ? 'warning' : 'success'}
            showIcon
            className="form-alert"
            data-testid="sheet-import-summary"
            title={t('sheetImport.summary', {
              sheet: read.worksheet,
              rows: read.rows,
              categories: read.sheet.categories.length,
              total,
            })}
            description={read.problems.length > 0 ? t('sheetImport.problems', { n: read.problems.length }) : undefined}
          />
          {read.problems.length > 0 ? (
            <Table<SheetRowError>
              size="small"
              className="form-alert"
              rowKey={(e) => `${e.row}/${e.column ?? ''}/${e.message}`}
              dataSource={read.problems}
              pagination={false}
              data-testid="sheet-import-problems"
              columns={[
                { title: t('import.cell'), render: (_, e) => e.cell ?? '—', width: 70 },
                { title: t('import.row'), dataIndex: 'row', width: 60 },
                { title: t('import.column'), render: (_, e) => e.column ?? '—', width: 100 },
                { title: t('import.problem'), render: (_, e) => apiMessage(e.message, lang) },
              ]}
            />
          ) : null}
          <Table<PreviewRow>
            size="small"
            rowKey="key"
            dataSource={rows}
            pagination={false}
            scroll={{ y: 300 }}
            data-testid="sheet-import-preview"
            columns={[
              { title: t('import.row'), dataIndex: 'row', width: 60 },
              { title: t('sheetImport.section'), dataIndex: 'section', width: 220 },
              { title: t('sheet.itemName'), dataIndex: 'name' },
              {
                title: t('sheet.itemMax'),
                width: 70,
                render: (_, r) => (r.maxPoints === null ? '—' : r.maxPoints),
              },
              { title: t('sheet.deduction'), width: 260, render: (_, r) => r.rule },
            ]}
          />
          <Typography.Paragraph type="secondary" className="form-alert">
            {t('sheetImport.applyHelp')}
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  );
}
