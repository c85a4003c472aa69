import { Tag } from 'antd';
import type { CompetitionSummary } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';

const COLOURS: Record<CompetitionSummary['status'], string> = {
  draft: 'default',
  upcoming: 'blue',
  running: 'green',
  ended: 'orange',
  closed: 'purple',
};

export function StatusTag(props: { status: CompetitionSummary['status'] }) {
  const { t } = useI18n();
  return <Tag color={COLOURS[props.status]}>{t(`status.${props.status}`)}</Tag>;
}

/** ▲ up in red and ▼ down in green, as Chinese boards show movement; 新进 for a crew ranked for the first time. */
export function RankChange(props: { change: number | null | undefined; isNew?: boolean }) {
  const { t } = useI18n();
  const change = props.change;
  if (change === null || change === undefined) {
    return <span className="rank-same">{props.isNew ? t('rank.new') : '—'}</span>;
  }
  if (change > 0) return <span className="rank-up">▲ {change}</span>;
  if (change < 0) return <span className="rank-down">▼ {-change}</span>;
  return <span className="rank-same">—</span>;
}
