import Button from 'antd-mobile/es/components/button';
import List from 'antd-mobile/es/components/list';
import Tag from 'antd-mobile/es/components/tag';
import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type { ReportList } from '../../../schemas/report.schema.ts';
import { ApiRefusal, type ReporterApi } from './api.ts';
import { t } from './words.ts';

type Report = z.infer<typeof ReportList>['reports'][number];
const COLOR: Record<Report['status'], 'warning' | 'success' | 'danger'> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
};

/** 我的上报: the reporter's own reports as reviewed, a rejection with the reason the reviewer gave. */
export function MyReports({ api }: { api: ReporterApi }) {
  const [reports, setReports] = useState<Report[] | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  const load = useCallback(() => {
    setProblem(undefined);
    api.get<z.infer<typeof ReportList>>('/v1/reports?mine=true').then(
      (answer) => setReports(answer.reports),
      (err: unknown) => setProblem(err instanceof ApiRefusal ? err.message : t('error.network')),
    );
  }, [api]);
  useEffect(load, [load]);

  return (
    <section className="mine">
      <Button fill="none" color="primary" size="small" onClick={load}>
        {t('mine.refresh')}
      </Button>
      {problem ? (
        <p className="problem" role="alert">
          {problem}
        </p>
      ) : null}
      <List data-testid="my-reports">
        {reports?.length === 0 ? <List.Item>{t('mine.empty')}</List.Item> : null}
        {(reports ?? []).map((r) => {
          const reason = r.rejection?.reason;
          // Two review levels: 待审核 1/2 once the unit has approved.
          const progress =
            r.status === 'pending' && r.levels.length > 1
              ? ` ${String(r.approvedLevels)}/${String(r.levels.length)}`
              : '';
          const what = r.location ?? r.description ?? (r.event.type === 'innovation' ? (r.event.note ?? '') : '');
          return (
            <List.Item
              key={r.reportId}
              data-report-id={r.reportId}
              data-status={r.status}
              description={
                <>
                  <span>{`${r.event.occurredAt.slice(0, 16).replace('T', ' ')} ${what}`}</span>
                  {r.status === 'rejected' && reason ? (
                    <span className="reason">{t('mine.reason', { reason })}</span>
                  ) : null}
                </>
              }
            >
              <span className="kind">{t(`kind.${r.event.type}`)}</span>
              <Tag color={COLOR[r.status]}>{t(`status.${r.status}`) + progress}</Tag>
            </List.Item>
          );
        })}
      </List>
    </section>
  );
}
