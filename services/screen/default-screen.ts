import type { Competition, Indicator } from '../../schemas/competition.schema.ts';
import type { GroupBranding } from '../../schemas/org.schema.ts';
import type { ScreenSet, ScreenView } from '../../schemas/screen.schema.ts';
import type { StoredCompetition } from '../storage/competitions.store.ts';

/** Every competition has a screen of its own under this id; saved screens may not take it. */
export const BUILT_IN_PREFIX = 'competition.';

export function builtInScreenId(competitionId: string): string {
  return `${BUILT_IN_PREFIX}${competitionId}`;
}

/** The indicators a view shows when the organiser named none: the three heaviest, in definition order on ties. */
export function leadingIndicators(definition: Competition, count = 3): Indicator[] {
  return definition.indicators
    .map((indicator, index) => ({ indicator, index }))
    .sort((a, b) => b.indicator.weight - a.indicator.weight || a.index - b.index)
    .slice(0, count)
    .map((x) => x.indicator);
}

/**
 * What a competition's screen shows until an organiser saves one: the overall ranking and each
 * branch's when it ranks by branch, every entrant page by page; the crew's own neighbourhood on
 * a crew's screen, and the month's 五小 innovations when it scores them. In the group's colours
 * when it has set them.
 */
export function defaultScreenFor(competition: StoredCompetition, group?: GroupBranding): ScreenSet {
  const def = competition.definition;
  const competitionId = competition.id;
  const views: ScreenView[] = [
    {
      kind: 'ranking',
      competitionId,
      group: 'overall',
      seconds: 20,
      title: def.kind === 'ankang' ? { zh: '安康杯排名', en: 'Ankang Cup ranking' } : { zh: '总排名', en: 'Overall' },
    },
  ];
  if (def.rankingGroups.includes('branch')) views.push({ kind: 'branch_tops', competitionId, seconds: 15 });
  views.push({ kind: 'around', competitionId, top: 3, around: 3, seconds: 20 });
  if (def.indicators.some((i) => i.rule.kind === 'innovation')) {
    views.push({ kind: 'innovations', competitionId, month: 'current', limit: 20, seconds: 20 });
  }
  return {
    name: def.name,
    branding: group
      ? { primaryColour: group.primaryColour, accentColour: group.accentColour }
      : { primaryColour: def.kind === 'ankang' ? '#0d47a1' : '#b71c1c', accentColour: '#ffc107' },
    celebrate: true,
    staleAfterSeconds: 30,
    views,
  };
}
