import type { ClickHouseClient } from '@clickhouse/client';
import { Report, type ReportStatus, type ReportableType } from '../../schemas/report.schema.ts';
import { toClickHouseTime } from './clickhouse-time.ts';
import { NOT_WITHDRAWN } from './corrections.store.ts';
import { insertRows } from './insert-rows.ts';

/** A report in one of its versions, with the hash of the body it was submitted with. */
export interface StoredReport {
  version: number;
  bodyHash: string;
  report: Report;
}

export interface ReportFilter {
  status?: ReportStatus;
  type?: ReportableType;
  branchId?: string;
  /** Only these branches (a limited organiser); undefined: every branch. */
  branchIds?: readonly string[];
  reporterTokenId?: string;
  /** Only reports made before this instant (ISO). */
  reportedBefore?: string;
  limit: number;
}

/** Writes the next version of a report (never changes a written one). */
export async function saveReportVersion(
  client: ClickHouseClient,
  stored: StoredReport,
  writtenAt: Date,
): Promise<void> {
  const r = stored.report;
  await insertRows(client, 'reports', [
    {
      report_id: r.reportId,
      version: stored.version,
      status: r.status,
      type: r.event.type,
      crew_id: r.event.crewId,
      branch_id: r.branchId,
      unit_id: r.unitId,
      reporter_token_id: r.reporterTokenId ?? '',
      reported_at: r.reportedAt,
      body_hash: stored.bodyHash,
      report: JSON.stringify(r),
      written_at: writtenAt.toISOString(),
    },
  ]);
}

interface Row {
  version: number | string;
  body_hash: string;
  report: string;
}

const toStored = (row: Row): StoredReport => ({
  version: Number(row.version),
  bodyHash: row.body_hash,
  report: Report.parse(JSON.parse(row.report)),
});

/** The current version of a report; undefined when none was made with this id. */
export async function loadReport(client: ClickHouseClient, reportId: string): Promise<StoredReport | undefined> {
  const result = await client.query({
    query: `SELECT version, body_hash, report FROM reports WHERE report_id = {id:String} ORDER BY version DESC LIMIT 1`,
    query_params: { id: reportId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<Row>();
  return row ? toStored(row) : undefined;
}

/** Reports in their current state, newest first. */
export async function findReports(client: ClickHouseClient, filter: ReportFilter): Promise<Report[]> {
  const where: string[] = [];
  if (filter.status) where.push('status = {status:String}');
  if (filter.type) where.push('type = {type:String}');
  if (filter.branchId) where.push('branch_id = {branchId:String}');
  if (filter.branchIds) where.push('has({branchIds:Array(String)}, branch_id)');
  if (filter.reporterTokenId) where.push('reporter_token_id = {reporterTokenId:String}');
  if (filter.reportedBefore) where.push("reported_at < parseDateTime64BestEffort({reportedBefore:String}, 3, 'UTC')");
  const result = await client.query({
    query: `SELECT version, body_hash, report FROM (
              SELECT report_id, version, status, type, branch_id, reporter_token_id, reported_at, body_hash, report
              FROM reports ORDER BY report_id, version DESC LIMIT 1 BY report_id)
            ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY reported_at DESC, report_id LIMIT {limit:UInt32}`,
    query_params: {
      status: filter.status ?? '',
      type: filter.type ?? '',
      branchId: filter.branchId ?? '',
      branchIds: filter.branchIds ?? [],
      reporterTokenId: filter.reporterTokenId ?? '',
      reportedBefore: filter.reportedBefore ?? '',
      limit: filter.limit,
    },
    format: 'JSONEachRow',
  });
  return (await result.json<Row>()).map((row) => toStored(row).report);
}

/** Approved hazard reports of a crew (found or rectified), for the open-hazards list. */
export async function approvedHazardReports(client: ClickHouseClient, crewId: string): Promise<Report[]> {
  const result = await client.query({
    query: `SELECT version, body_hash, report FROM (
              SELECT report_id, version, status, type, crew_id, body_hash, report
              FROM reports WHERE crew_id = {crewId:String} AND type IN ('hazard_found', 'hazard_rectified')
              ORDER BY report_id, version DESC LIMIT 1 BY report_id)
            WHERE status = 'approved'`,
    query_params: { crewId },
    format: 'JSONEachRow',
  });
  return (await result.json<Row>()).map((row) => toStored(row).report);
}

/**
 * Approved hazard_found reports made since an instant whose hazard has no rectification among the
 * stored events (withdrawn ones not counted), whatever brought it: an approved rectification
 * report or an event from a system. The work groups hear of those still open past their deadline.
 */
export async function unrectifiedHazardReports(client: ClickHouseClient, reportedSince: Date): Promise<Report[]> {
  const result = await client.query({
    query: `SELECT version, body_hash, report FROM (
              SELECT report_id, version, status, crew_id, body_hash, report
              FROM reports WHERE type = 'hazard_found' AND reported_at >= {since:DateTime64(3, 'UTC')}
              ORDER BY report_id, version DESC LIMIT 1 BY report_id)
            WHERE status = 'approved'
              AND (crew_id, JSONExtractString(report, 'event', 'hazardId')) NOT IN (
                SELECT crew_id, subject_id FROM lifecycle_events
                WHERE type = 'hazard_rectified' AND ${NOT_WITHDRAWN})
            ORDER BY report_id`,
    query_params: { since: toClickHouseTime(reportedSince) },
    format: 'JSONEachRow',
  });
  return (await result.json<Row>()).map((row) => toStored(row).report);
}
