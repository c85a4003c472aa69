import type { IncidentSeverity } from '../../../schemas/event.schema.ts';

const SEVERITY_ZH: Record<IncidentSeverity, string> = {
  near_miss: '未遂事件',
  minor_injury: '轻伤',
  serious_injury: '重伤',
  fatality: '死亡',
};

/** English [singular, plural]: "1 serious injury", "2 fatalities". */
const SEVERITY_EN: Record<IncidentSeverity, readonly [string, string]> = {
  near_miss: ['near miss', 'near misses'],
  minor_injury: ['minor injury', 'minor injuries'],
  serious_injury: ['serious injury', 'serious injuries'],
  fatality: ['fatality', 'fatalities'],
};

/**
 * What a veto or gate saw of the incidents it counts, as crews, organisers and HQ read it on
 * screens and in the console: only the severities that happened ("重伤 1 起", never "死亡 0 起"
 * beside it, which reads as if a fatality had been looked into); when none did, "无重伤、死亡".
 */
export function incidentReason(counts: readonly (readonly [IncidentSeverity, number])[]): { zh: string; en: string } {
  const happened = counts.filter(([, n]) => n > 0);
  if (happened.length === 0) {
    const plural = counts.map(([s]) => SEVERITY_EN[s][1]);
    const last = plural.pop();
    return {
      zh: `无${counts.map(([s]) => SEVERITY_ZH[s]).join('、')}`,
      en: `no ${plural.length === 0 ? (last ?? '') : `${plural.join(', ')} or ${last ?? ''}`}`,
    };
  }
  return {
    zh: happened.map(([s, n]) => `${SEVERITY_ZH[s]} ${n} 起`).join('、'),
    en: happened.map(([s, n]) => `${n} ${SEVERITY_EN[s][n === 1 ? 0 : 1]}`).join(', '),
  };
}
