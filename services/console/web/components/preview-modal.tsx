import { Descriptions, Modal, Table, Tag, Typography } from 'antd';
import type { Preview } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { RankChange } from './status-tag.tsx';

type Row = Preview['rows'][number];

const score = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** The standings a draft would give now beside the current ones: who moves, and by how much. */
export function PreviewTable(props: { preview: Preview }) {
  const { t } = useI18n();
  const { preview } = props;
  const placing = (p: Row['current']) =>
    p === null ? (
      <Typography.Text type="secondary">—</Typography.Text>
    ) : p.disqualified ? (
      <Tag color="red">{t('standings.vetoed')}</Tag>
    ) : (
      <span>
        {t('rank.nth', { n: p.rank ?? '—' })} · {score(p.score)}
      </span>
    );
  return (
    <>
      <Descriptions size="small" column={6} className="section-card">
        <Descriptions.Item label={t('preview.asOf')}>{preview.asOf}</Descriptions.Item>
        <Descriptions.Item label={t('preview.crews')}>{preview.summary.crews}</Descriptions.Item>
        <Descriptions.Item label={t('preview.up')}>
          <span className="rank-up">{preview.summary.up}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('preview.down')}>
          <span className="rank-down">{preview.summary.down}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('preview.same')}>{preview.summary.same}</Descriptions.Item>
        <Descriptions.Item label={t('preview.changes')}>{preview.changes.length}</Descriptions.Item>
      </Descriptions>
      <Table<Row>
        rowKey="crewId"
        size="small"
        dataSource={preview.rows}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="preview-table"
        columns={[
          { title: t('standings.crew'), dataIndex: 'crewName' },
          { title: t('standings.unit'), dataIndex: 'unitName' },
          { title: t('standings.branch'), dataIndex: 'branchName' },
          { title: t('preview.current'), render: (_, r) => placing(r.current) },
          { title: t('preview.draft'), render: (_, r) => placing(r.draft) },
          {
            title: t('preview.rankChange'),
            render: (_, r) =>
              r.current === null ? <Tag>{t('preview.entered')}</Tag> : <RankChange change={r.rankChange} />,
          },
          {
            title: t('preview.scoreChange'),
            render: (_, r) => (r.scoreChange === null ? '—' : `${r.scoreChange > 0 ? '+' : ''}${score(r.scoreChange)}`),
          },
        ]}
      />
    </>
  );
}

export function PreviewModal(props: { preview: Preview | undefined; onClose: () => void; footer?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <Modal
      open={props.preview !== undefined}
      onCancel={props.onClose}
      width={1100}
      title={t('preview.title')}
      footer={props.footer ?? null}
    >
      {props.preview ? <PreviewTable preview={props.preview} /> : null}
    </Modal>
  );
}
