/**
 * Blank sheets to fill in, with the headers the import reads (services/registry/org-csv.ts) and one
 * example row; a byte-order mark so Excel opens the Chinese headers as UTF-8.
 */
export const ROSTER_TEMPLATE = [
  '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数',
  'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,6',
].join('\r\n');

/** 人员名单: one row per person; 岗位 may stay blank. */
export const PERSONS_TEMPLATE = ['人员编号,姓名,所在班组编号,岗位', 'P1,张三,C1,加油员'].join('\r\n');

export function targetsTemplate(competitionId: string): string {
  return ['竞赛编号,班组编号,指标,目标值', `${competitionId},C1,sales.volume_litres,10000`].join('\r\n');
}

export const BOM = '\uFEFF';
