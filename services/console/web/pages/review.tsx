import { CheckOutlined, CloseOutlined, PictureOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Image, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, type ReportQuery, type ReportView } from '../api-client.ts';
import { EmptyText } from '../components/empty-hint.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { apiMessage } from '../model/api-message.ts';
import { dateTime } from '../model/format.ts';
import { innovationStepEvent, type InnovationStep } from '../model/innovation-step.ts';
import { useOrg } from '../org-context.tsx';
import { useApi } from '../use-api.ts';

const REPORTABLE = ['hazard_found', 'hazard_rectified', 'violation', 'incident', 'innovation'] as const;
const AGES = [0, 24, 72, 168] as const;

/** One photo of a report: fetched with the token; a placeholder when it cannot be shown. */
function EvidencePhoto(props: { id: string }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>();
  useEffect(() => {
    let shown: string | undefined;
    api
      .evidenceUrl(props.id)
      .then((u) => setUrl((shown = u)))
      .catch(() => setUrl(null));
    return () => {
      if (shown) URL.revokeObjectURL(shown);
    };
  }, [props.id]);
  if (url) return <Image src={url} width={96} height={96} className="review-photo" alt={t('review.photo')} />;
  return (
    <div className="review-photo review-photo-missing" title={props.id} data-testid="evidence-placeholder">
      <PictureOutlined />
      <span>{url === null ? t('review.photoUnavailable') : t('review.photoLoading')}</span>
    </div>
  );
}

/**
 * 审核: the reports waiting in the organiser's branches, photos side by side, approved (one level)
 * or rejected with a reason, one at a time or many together.
 */
export function ReviewPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const [filters, setFilters] = useState<ReportQuery>({ status: 'pending' });
  const reports = useApi(() => api.reports(filters), [JSON.stringify(filters)]);
  const [selected, setSelected] = useState<string[]>([]);
  const [deciding, setDeciding] = useState<'approved' | 'rejected'>();
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);

  const crewName = (id: string) => org.data?.crews.find((c) => c.id === id)?.name ?? id;
  const typeLabel = (type: string) => t(`eventType.${type}` as MessageKey);

  async function decide() {
    if (!deciding) return;
    if (deciding === 'rejected' && note.trim() === '') {
      void message.error(t('review.reasonNeeded'));
      return;
    }
    setSaving(true);
    try {
      const { results } = await api.review({
        reportIds: selected,
        decision: deciding,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      const failed = results.filter((r) => !r.ok);
      const done = results.length - failed.length;
      if (done > 0) void message.success(t('review.done', { count: done }));
      for (const f of failed) void message.error(`${f.reportId}: ${apiMessage(f.error?.message ?? '', lang)}`);
      setSelected([]);
      setDeciding(undefined);
      setNote('');
      await reports.reload();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setSaving(false);
    }
  }

  async function innovationStep(report: ReportView, step: InnovationStep) {
    const event = innovationStepEvent(report, step, new Date());
    if (!event) return;
    try {
      await api.sendEvents([event]);
      void message.success(
        step.status === 'adopted' ? t('review.adoptedDone') : t('review.awardedDone', { level: step.awardLevel }),
      );
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    }
  }

  const innovationActions = (r: ReportView) =>
    r.status === 'approved' && r.event.type === 'innovation' ? (
      <Space size={4} wrap data-testid="innovation-actions">
        <Button
          size="small"
          data-testid="innovation-adopt"
          onClick={() => void innovationStep(r, { status: 'adopted' })}
        >
          {t('review.adopt')}
        </Button>
        {([1, 2, 3] as const).map((level) => (
          <Button
            key={level}
            size="small"
            onClick={() => void innovationStep(r, { status: 'awarded', awardLevel: level })}
          >
            {t('review.award', { level })}
          </Button>
        ))}
      </Space>
    ) : null;

  const nextLevel = (r: ReportView) =>
    r.status === 'pending'
      ? t('review.level', { n: r.approvedLevels + 1, of: r.levels.length, name: r.levels[r.approvedLevels] ?? '' })
      : t(`review.status.${r.status}` as MessageKey);

  return (
    <>
      <PageHeader title={t('review.title')} subtitle={t('review.subtitle')} />
      <Card>
        <Form layout="inline" className="review-filters">
          <Form.Item label={t('review.branch')}>
            <Select
              allowClear
              style={{ minWidth: 160 }}
              data-testid="review-branch"
              placeholder={t('review.all')}
              value={filters.branchId}
              options={(org.data?.branches ?? []).map((b) => ({ value: b.id, label: b.name }))}
              onChange={(branchId?: string) => setFilters((f) => ({ ...f, branchId }))}
            />
          </Form.Item>
          <Form.Item label={t('review.type')}>
            <Select
              allowClear
              style={{ minWidth: 140 }}
              placeholder={t('review.all')}
              value={filters.type}
              options={REPORTABLE.map((type) => ({ value: type, label: typeLabel(type) }))}
              onChange={(type?: string) => setFilters((f) => ({ ...f, type }))}
            />
          </Form.Item>
          <Form.Item label={t('review.age')}>
            <Select
              style={{ minWidth: 140 }}
              value={filters.olderThanHours ?? 0}
              options={AGES.map((h) => ({ value: h, label: t(`review.age.${h}` as MessageKey) }))}
              onChange={(h: number) => setFilters((f) => ({ ...f, olderThanHours: h === 0 ? undefined : h }))}
            />
          </Form.Item>
          <Form.Item label={t('review.statusFilter')}>
            <Select
              style={{ minWidth: 120 }}
              data-testid="review-status"
              value={filters.status}
              options={(['pending', 'approved', 'rejected'] as const).map((s) => ({
                value: s,
                label: t(`review.status.${s}` as MessageKey),
              }))}
              onChange={(status: ReportQuery['status']) => setFilters((f) => ({ ...f, status }))}
            />
          </Form.Item>
        </Form>
        <Space className="review-actions">
          <Button
            type="primary"
            icon={<CheckOutlined />}
            disabled={selected.length === 0}
            data-testid="review-approve"
            onClick={() => setDeciding('approved')}
          >
            {t('review.approve', { count: selected.length })}
          </Button>
          <Button
            danger
            icon={<CloseOutlined />}
            disabled={selected.length === 0}
            data-testid="review-reject"
            onClick={() => setDeciding('rejected')}
          >
            {t('review.reject', { count: selected.length })}
          </Button>
        </Space>
        {reports.error ? <Alert type="error" showIcon title={apiMessage(reports.error.message, lang)} /> : null}
        <Table<ReportView>
          rowKey="reportId"
          data-testid="review-table"
          loading={reports.loading}
          dataSource={reports.data?.reports ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          rowSelection={
            filters.status === 'pending'
              ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }
              : undefined
          }
          locale={{
            emptyText: (
              <EmptyText loading={reports.loading} failed={reports.error !== undefined}>
                {t('review.empty')}
              </EmptyText>
            ),
          }}
          columns={[
            {
              title: t('review.reportedAt'),
              width: 150,
              render: (_, r) => (
                <>
                  <div>{dateTime(r.reportedAt)}</div>
                  <Typography.Text type="secondary">{r.reportedBy}</Typography.Text>
                </>
              ),
            },
            {
              title: t('review.crew'),
              render: (_, r) => (
                <>
                  <div>{crewName(r.event.crewId)}</div>
                  <Tag>{typeLabel(r.event.type)}</Tag>
                </>
              ),
            },
            {
              title: t('review.what'),
              render: (_, r) => (
                <>
                  {r.location ? <div className="review-location">{r.location}</div> : null}
                  <div>{r.description ?? ''}</div>
                  {r.rejection ? (
                    <Typography.Text type="danger">
                      {t('review.rejectedBecause', { reason: r.rejection.reason })}
                    </Typography.Text>
                  ) : null}
                </>
              ),
            },
            {
              title: t('review.photos'),
              render: (_, r) =>
                r.evidence.length === 0 ? (
                  <Typography.Text type="secondary">{t('review.noPhotos')}</Typography.Text>
                ) : (
                  <Image.PreviewGroup>
                    <Space wrap size={4}>
                      {r.evidence.map((id) => (
                        <EvidencePhoto key={id} id={id} />
                      ))}
                    </Space>
                  </Image.PreviewGroup>
                ),
            },
            {
              title: t('review.levelColumn'),
              width: 210,
              render: (_, r) => (
                <>
                  <div>{nextLevel(r)}</div>
                  {innovationActions(r)}
                </>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={deciding !== undefined}
        title={deciding === 'rejected' ? t('review.rejectTitle') : t('review.approveTitle')}
        okText={deciding === 'rejected' ? t('review.rejectOk') : t('review.approveOk')}
        okButtonProps={{ danger: deciding === 'rejected', loading: saving, 'data-testid': 'review-confirm' }}
        onOk={() => void decide()}
        onCancel={() => setDeciding(undefined)}
      >
        <p>{t('review.selectedCount', { count: selected.length })}</p>
        <Input.TextArea
          data-testid="review-note"
          rows={3}
          maxLength={500}
          value={note}
          placeholder={deciding === 'rejected' ? t('review.reasonPlaceholder') : t('review.notePlaceholder')}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </>
  );
}
