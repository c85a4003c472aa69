import type { ClickHouseClient } from '@clickhouse/client';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  reportEventId,
  OpenHazard,
  type Report,
  type ReportCreate,
  type ReportListQuery,
  type ReviewRequest,
  type ReviewStep,
} from '../../schemas/report.schema.ts';
import type { Principal } from '../access/access.ts';
import { branchScope, crewInScope, refuseCrewsOutOfScope } from '../access/scope.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { IngestReport } from '../pipeline/ingest-pipeline.ts';
import { AppError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../shared/errors.ts';
import {
  approvedHazardReports,
  findReports,
  loadReport,
  saveReportVersion,
  type StoredReport,
} from '../storage/reports.store.ts';
import { rectifyDeadline, reviewLevels } from './review-levels.ts';

export interface ReviewOutcome {
  reportId: string;
  ok: boolean;
  report?: Report;
  error?: { code: string; message: string };
}

export interface Reports {
  /** Stores a report pending (or publishes it at once when no review applies); a resend is stored once. */
  submit(by: Principal, body: ReportCreate): Promise<Report>;
  list(by: Principal, query: z.infer<typeof ReportListQuery>): Promise<Report[]>;
  /** Approves or rejects each report on its own: one that cannot be never stops the others. */
  review(by: Principal, request: ReviewRequest): Promise<ReviewOutcome[]>;
  openHazards(by: Principal, crewId: string): Promise<z.infer<typeof OpenHazard>[]>;
}

export interface ReportsDeps {
  client: ClickHouseClient;
  catalog: Catalog;
  /** The ingest path every event takes (HTTP and Kafka alike). */
  ingest: (items: readonly unknown[]) => Promise<IngestReport>;
  now: () => Date;
}

const hashOf = (body: ReportCreate) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

export function createReports(deps: ReportsDeps): Reports {
  const { client, catalog, now } = deps;
  // One change of reports at a time in this process: two reviewers approving the same report at
  // once must not both write "level 2".
  let queue: Promise<unknown> = Promise.resolve();
  function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  }

  function crewOf(crewId: string) {
    const crew = catalog.crew(crewId);
    if (!crew) {
      throw new InvalidInputError(
        'unknown_crew',
        `班组 "${crewId}" 不在组织架构中 / crew "${crewId}" is not in the registry`,
        [{ path: 'event.crewId', message: `unknown crew "${crewId}"` }],
      );
    }
    return crew;
  }

  /** Publishes the event an approved report becomes; a retry stores nothing twice. */
  async function publish(report: Report): Promise<string> {
    const eventId = reportEventId(report.reportId);
    const answer = await deps.ingest([{ ...report.event, eventId }]);
    const refused = answer.rejected[0];
    if (refused) {
      throw new InvalidInputError(
        'report_event_refused',
        `事件未被接受 / the event was refused: ${JSON.stringify(refused)}`,
        answer.rejected,
      );
    }
    if (answer.conflicts.length > 0) {
      throw new ConflictError(
        'report_event_conflict',
        `事件编号 ${eventId} 已用于其他内容 / event id ${eventId} was used for other content before`,
      );
    }
    return eventId;
  }

  async function save(stored: StoredReport): Promise<void> {
    await saveReportVersion(client, stored, now());
  }

  async function submit(by: Principal, body: ReportCreate): Promise<Report> {
    const crew = crewOf(body.event.crewId);
    refuseCrewsOutOfScope(by, [body.event], () => crew);
    const bodyHash = hashOf(body);
    return oneAtATime(async () => {
      const existing = await loadReport(client, body.reportId);
      if (existing) {
        if (existing.bodyHash === bodyHash && existing.report.reporterTokenId === (by.tokenId ?? null)) {
          return existing.report;
        }
        throw new ConflictError(
          'report_conflict',
          `上报编号 "${body.reportId}" 已用于另一份上报 / report id "${body.reportId}" was used for a different report`,
        );
      }
      const levels = reviewLevels(catalog, crew.crewId, body.event.type, body.event.occurredAt);
      const report: Report = {
        reportId: body.reportId,
        status: 'pending',
        event: body.event,
        location: body.location ?? null,
        description: body.description ?? null,
        evidence: body.evidence,
        branchId: crew.branchId,
        unitId: crew.unitId,
        reportedBy: by.name,
        reporterTokenId: by.tokenId ?? null,
        reportedAt: now().toISOString(),
        levels,
        approvedLevels: 0,
        steps: [],
        rejection: null,
        eventId: null,
      };
      if (levels.length === 0) {
        // No competition asks review: it counts at once, like an event from a system.
        const eventId = await publish(report);
        const approved: Report = { ...report, status: 'approved', eventId };
        await save({ version: 1, bodyHash, report: approved });
        return approved;
      }
      await save({ version: 1, bodyHash, report });
      return report;
    });
  }

  async function decide(by: Principal, reportId: string, request: ReviewRequest): Promise<Report> {
    const stored = await loadReport(client, reportId);
    const crew = stored ? catalog.crew(stored.report.event.crewId) : undefined;
    // Out of scope answers like unknown: a reviewer learns nothing of other branches' reports.
    if (!stored || (crew ? !crewInScope(by, crew) : branchScope(by) !== undefined)) {
      throw new NotFoundError('report_not_found', `上报 "${reportId}" 不存在 / report "${reportId}" does not exist`);
    }
    const report = stored.report;
    if (report.status === 'approved' && request.decision === 'approved') {
      // A retried approval: publishing again stores the event once.
      await publish(report);
      return report;
    }
    if (report.status !== 'pending') {
      throw new ConflictError(
        'report_decided',
        `上报 "${reportId}" 已${report.status === 'approved' ? '通过' : '驳回'} / report "${reportId}" was already ${report.status}`,
      );
    }
    if (by.tokenId !== undefined && report.steps.some((s) => s.byTokenId === by.tokenId)) {
      throw new ForbiddenError(
        'same_reviewer',
        `同一审核人不能审核两级 / "${by.name}" already reviewed report "${reportId}" at an earlier level`,
      );
    }
    const level = report.approvedLevels + 1;
    const step: ReviewStep = {
      level,
      levelName: report.levels[level - 1] ?? '',
      decision: request.decision,
      by: by.name,
      byTokenId: by.tokenId ?? null,
      at: now().toISOString(),
      note: request.note ?? null,
    };
    const steps = [...report.steps, step];
    let next: Report;
    if (request.decision === 'rejected') {
      next = {
        ...report,
        status: 'rejected',
        steps,
        rejection: { reason: request.note ?? '', by: by.name, at: step.at },
      };
    } else if (level < report.levels.length) {
      next = { ...report, approvedLevels: level, steps };
    } else {
      // Published before it is stored approved: if storing fails, the report is still pending and
      // approving again publishes the same event id, stored once.
      const eventId = await publish(report);
      next = { ...report, status: 'approved', approvedLevels: level, steps, eventId };
    }
    await save({ version: stored.version + 1, bodyHash: stored.bodyHash, report: next });
    return next;
  }

  return {
    submit,
    async list(by, query) {
      const mine = query.mine === 'true' || by.role === 'reporter';
      return findReports(client, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.type ? { type: query.type } : {}),
        ...(query.branchId ? { branchId: query.branchId } : {}),
        ...(mine ? { reporterTokenId: by.tokenId ?? '' } : {}),
        ...(!mine && branchScope(by) ? { branchIds: [...(branchScope(by) ?? [])] } : {}),
        ...(query.olderThanHours !== undefined
          ? { reportedBefore: new Date(now().getTime() - query.olderThanHours * 3_600_000).toISOString() }
          : {}),
        limit: query.limit,
      });
    },
    async review(by, request) {
      const outcomes: ReviewOutcome[] = [];
      for (const reportId of new Set(request.reportIds)) {
        try {
          outcomes.push({ reportId, ok: true, report: await oneAtATime(() => decide(by, reportId, request)) });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          outcomes.push({ reportId, ok: false, error: { code: err.code, message: err.message } });
        }
      }
      return outcomes;
    },
    async openHazards(by, crewId) {
      const crew = crewOf(crewId);
      refuseCrewsOutOfScope(by, [{ crewId }], () => crew);
      const reports = await approvedHazardReports(client, crewId);
      const rectified = new Set(
        reports.flatMap((r) => (r.event.type === 'hazard_rectified' ? [r.event.hazardId] : [])),
      );
      return reports
        .flatMap((r) =>
          r.event.type === 'hazard_found' && !rectified.has(r.event.hazardId) ? [{ r, e: r.event }] : [],
        )
        .sort((a, b) => a.e.occurredAt.localeCompare(b.e.occurredAt))
        .map(({ r, e }) => ({
          hazardId: e.hazardId,
          reportId: r.reportId,
          crewId,
          location: r.location,
          description: r.description,
          foundAt: e.occurredAt,
          deadline: rectifyDeadline(catalog, crewId, e.occurredAt) ?? null,
        }));
    },
  };
}
