import { InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Modal, Result, Space, Steps, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, ApiError, type ImportResult, type SheetRowError } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { downloadText } from '../download.ts';
import { apiMessage } from '../model/api-message.ts';
import { BOM, PERSONS_TEMPLATE, ROSTER_TEMPLATE, targetsTemplate } from '../model/csv-templates.ts';

type Step = 'pick' | 'check' | 'done';

/**
 * 导入组织架构、人员或目标: the organiser's own sheet is checked first (a dry run: what it would create and
 * update, or each error at its row and column), and saved only when they say so.
 */
export function ImportModal(props: { open: boolean; onClose: () => void; onImported: () => void }) {
  const { t } = useI18n();
  return (
    <Modal
      open={props.open}
      width={820}
      title={t('import.title')}
      onCancel={props.onClose}
      footer={null}
      destroyOnHidden
    >
      <ImportPanel onImported={props.onImported} onDone={props.onClose} />
    </Modal>
  );
}

/** The same check-then-save import, inline (the first-run guide uses it). */
export function ImportPanel(props: { onImported: () => void; onDone?: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<File>();
  const [step, setStep] = useState<Step>('pick');
  const [plan, setPlan] = useState<ImportResult>();
  const [rowErrors, setRowErrors] = useState<SheetRowError[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  function reset() {
    setFile(undefined);
    setStep('pick');
    setPlan(undefined);
    setRowErrors([]);
    setError(undefined);
  }

  async function run(chosen: File, dryRun: boolean) {
    setBusy(true);
    setError(undefined);
    setRowErrors([]);
    try {
      const result = await api.importSheet(chosen, dryRun);
      setPlan(result);
      setStep(dryRun ? 'check' : 'done');
      if (!dryRun) {
        void message.success(t('import.saved', { version: result.version ?? '—' }));
        props.onImported();
      }
    } catch (err) {
      setStep('check');
      if (err instanceof ApiError && err.rowProblems().length > 0) setRowErrors(err.rowProblems());
      else setError(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function template() {
    try {
      await api.downloadRegistry();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    }
  }

  const counts = plan
    ? (['branches', 'units', 'crews', 'persons', 'targets'] as const).map((key) => ({ key, ...plan[key] }))
    : [];
  const footer =
    step === 'check' && plan && rowErrors.length === 0 && !error ? (
      <Space>
        <Button onClick={reset}>{t('import.another')}</Button>
        <Button type="primary" loading={busy} onClick={() => file && void run(file, false)} data-testid="import-save">
          {t('import.save')}
        </Button>
      </Space>
    ) : step === 'done' && props.onDone ? (
      <Button
        type="primary"
        onClick={() => {
          reset();
          props.onDone?.();
        }}
      >
        {t('common.close')}
      </Button>
    ) : step === 'check' ? (
      <Button onClick={reset}>{t('import.another')}</Button>
    ) : null;
  return (
    <div className="import-panel">
      <Steps
        size="small"
        className="section-card"
        current={step === 'pick' ? 0 : step === 'check' ? 1 : 2}
        items={[{ title: t('import.stepPick') }, { title: t('import.stepCheck') }, { title: t('import.stepSave') }]}
      />
      {step === 'pick' ? (
        <>
          <Upload.Dragger
            accept=".xlsx,.csv,.txt"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(chosen) => {
              setFile(chosen);
              void run(chosen, true);
              return false;
            }}
            data-testid="import-upload"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('import.drop')}</p>
            <p className="ant-upload-hint">{t('import.hint')}</p>
          </Upload.Dragger>
          <Space className="form-alert">
            <a onClick={() => void template()} data-testid="xlsx-template">
              {t('import.xlsxTemplate')}
            </a>
            <a onClick={() => downloadText('组织架构模板.csv', BOM + ROSTER_TEMPLATE)}>{t('import.rosterTemplate')}</a>
            <a onClick={() => downloadText('人员名单模板.csv', BOM + PERSONS_TEMPLATE)}>
              {t('import.personsTemplate')}
            </a>
            <a onClick={() => downloadText('目标模板.csv', BOM + targetsTemplate('competition-id'))}>
              {t('import.targetsTemplate')}
            </a>
          </Space>
        </>
      ) : null}
      {step !== 'pick' && file ? (
        <Typography.Paragraph>
          {t('import.file', { name: file.name, size: Math.ceil(file.size / 1024) })}
        </Typography.Paragraph>
      ) : null}
      {error ? <Alert type="error" showIcon title={error} /> : null}
      {rowErrors.length > 0 ? (
        <>
          <Alert
            type="error"
            showIcon
            className="form-alert"
            title={t('import.rowErrors', { n: rowErrors.length })}
            description={t('import.nothingSaved')}
          />
          <Table<SheetRowError>
            size="small"
            rowKey={(e) => `${e.sheet ?? ''}/${e.row}/${e.column ?? ''}/${e.message}`}
            dataSource={rowErrors}
            pagination={{ pageSize: 8, hideOnSinglePage: true }}
            data-testid="import-errors"
            columns={[
              ...(rowErrors.some((e) => e.sheet !== undefined)
                ? [
                    {
                      title: t('import.worksheet'),
                      render: (_: unknown, e: SheetRowError) => e.sheet ?? '—',
                      width: 110,
                    },
                  ]
                : []),
              ...(rowErrors.some((e) => e.cell !== undefined)
                ? [{ title: t('import.cell'), render: (_: unknown, e: SheetRowError) => e.cell ?? '—', width: 80 }]
                : []),
              { title: t('import.row'), dataIndex: 'row', width: 70 },
              { title: t('import.column'), render: (_, e) => e.column ?? '—', width: 130 },
              { title: t('import.problem'), render: (_, e) => apiMessage(e.message, lang) },
            ]}
          />
        </>
      ) : null}
      {plan && (step === 'check' || step === 'done') ? (
        <>
          {step === 'done' ? (
            <Result status="success" title={t('import.done', { version: plan.version ?? '—' })} />
          ) : (
            <Alert type="success" showIcon className="form-alert" title={t('import.checked', { rows: plan.rows })} />
          )}
          <Descriptions size="small" column={1} bordered data-testid="import-plan">
            {plan.sheets ? (
              <Descriptions.Item label={t('import.sheetsRead')}>
                {plan.sheets
                  .map((s) => t('import.sheetRows', { name: s.name, kind: t(`import.sheet.${s.kind}`), rows: s.rows }))
                  .join('；')}
              </Descriptions.Item>
            ) : (
              <Descriptions.Item label={t('import.sheet')}>{t(`import.sheet.${plan.sheet}`)}</Descriptions.Item>
            )}
            {counts.map((c) => (
              <Descriptions.Item key={c.key} label={t(`registry.${c.key}`)}>
                {t('import.counts', { created: c.created, updated: c.updated, unchanged: c.unchanged })}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </>
      ) : null}
      {footer ? <div className="import-footer">{footer}</div> : null}
    </div>
  );
}
