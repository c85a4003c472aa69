import { Alert, App, Button, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, type History, type Preview } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { dateTime } from '../model/format.ts';
import { useApi } from '../use-api.ts';
import { PreviewTable } from './preview-modal.tsx';

type VersionRow = History['versions'][number];

const STATUS_COLOURS = { current: 'green', draft: 'gold', superseded: 'default' } as const;

/**
 * 版本与发布: every saved version with its author, time and note; a draft is previewed beside the
 * current rules and published with a note; any older version can be published again (a rollback).
 */
export function VersionsTab(props: { competitionId: string; manageable: boolean; onPublished: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const history = useApi(() => api.history(props.competitionId), [props.competitionId]);
  const [publishing, setPublishing] = useState<{ row: VersionRow; preview?: Preview; error?: string }>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const current = history.data?.currentVersion ?? null;

  async function open(row: VersionRow) {
    setNote('');
    setPublishing({ row });
    try {
      const preview = await api.preview(props.competitionId, { version: row.version });
      setPublishing({ row, preview });
    } catch (err) {
      setPublishing({ row, error: err instanceof Error ? apiMessage(err.message, lang) : String(err) });
    }
  }

  async function publish() {
    if (!publishing) return;
    setBusy(true);
    try {
      const published = await api.publish(props.competitionId, { version: publishing.row.version, note });
      void message.success(t('versions.publishedN', { n: published.version }));
      setPublishing(undefined);
      await history.reload();
      props.onPublished();
    } catch (err) {
      setPublishing({ ...publishing, error: err instanceof Error ? apiMessage(err.message, lang) : String(err) });
    } finally {
      setBusy(false);
    }
  }

  const isRollback = publishing !== undefined && current !== null && publishing.row.version < current;
  return (
    <>
      {history.error ? <Alert type="error" showIcon title={apiMessage(history.error.message, lang)} /> : null}
      <Table<VersionRow>
        rowKey="version"
        loading={history.loading}
        dataSource={history.data?.versions ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="versions-table"
        columns={[
          { title: t('versions.version'), width: 80, render: (_, v) => `v${v.version}` },
          {
            title: t('competition.status'),
            width: 100,
            render: (_, v) => <Tag color={STATUS_COLOURS[v.status]}>{t(`versionStatus.${v.status}`)}</Tag>,
          },
          { title: t('versions.savedAt'), width: 160, render: (_, v) => dateTime(v.savedAt) },
          { title: t('versions.author'), width: 140, render: (_, v) => v.author || '—' },
          {
            title: t('versions.note'),
            render: (_, v) => v.note || <Typography.Text type="secondary">—</Typography.Text>,
          },
          {
            title: t('versions.published'),
            width: 260,
            render: (_, v) =>
              v.publishedAt ? (
                <Space orientation="vertical" size={0}>
                  <span>
                    {dateTime(v.publishedAt)} · {v.publishedBy ?? ''}
                  </span>
                  {v.publishedNote && v.publishedNote !== v.note ? (
                    <Typography.Text type="secondary">{v.publishedNote}</Typography.Text>
                  ) : null}
                </Space>
              ) : (
                '—'
              ),
          },
          {
            title: t('common.actions'),
            width: 160,
            render: (_, v) =>
              props.manageable && v.status !== 'current' ? (
                <Button
                  size="small"
                  type={v.status === 'draft' ? 'primary' : 'default'}
                  onClick={() => void open(v)}
                  data-testid={`publish-v${v.version}`}
                >
                  {v.status === 'draft' ? t('versions.previewAndPublish') : t('versions.rollback')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={publishing !== undefined}
        onCancel={() => setPublishing(undefined)}
        width={1100}
        title={
          publishing
            ? t(isRollback ? 'versions.rollbackTitle' : 'versions.publishTitle', { n: publishing.row.version })
            : ''
        }
        footer={
          <Space>
            <Input
              className="note-input"
              placeholder={t('versions.notePlaceholder')}
              value={note}
              onChange={(event) => setNote(event.target.value)}
              data-testid="publish-note"
            />
            <Button onClick={() => setPublishing(undefined)}>{t('common.cancel')}</Button>
            <Button type="primary" loading={busy} onClick={() => void publish()} data-testid="confirm-publish">
              {t(isRollback ? 'versions.confirmRollback' : 'versions.confirmPublish')}
            </Button>
          </Space>
        }
      >
        {publishing?.error ? <Alert type="error" showIcon className="form-alert" title={publishing.error} /> : null}
        <Typography.Paragraph type="secondary">{t('versions.publishHelp')}</Typography.Paragraph>
        {publishing?.preview ? <PreviewTable preview={publishing.preview} /> : null}
      </Modal>
    </>
  );
}
