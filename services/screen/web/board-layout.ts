/**
 * Which columns a view shows and how wide they are. Pure so the rules (no movement column on
 * the innovations board, no branch column on a portrait screen) are unit-tested.
 */

export type ViewKind = 'ranking' | 'around' | 'innovations';

export interface BoardColumns {
  movement: boolean;
  branch: boolean;
  /** the branch joins the unit under the crew's name (portrait, where there is no branch column) */
  branchUnderName: boolean;
  score: boolean;
  indicators: number;
}

export interface BoardShape {
  /** the view's ranking group: on a branch's own ranking every row has the same branch */
  group?: string | null;
  /** frozen final standings: no movement "since yesterday" to show */
  frozen?: boolean;
}

export function boardColumns(
  kind: ViewKind,
  indicators: number,
  portrait: boolean,
  shape: BoardShape = {},
): BoardColumns {
  const oneBranch = shape.group?.startsWith('branch:') === true;
  return {
    // Innovations rank a month's tally: neither "since yesterday" nor a competition score applies.
    movement: kind !== 'innovations' && shape.frozen !== true,
    score: kind !== 'innovations',
    // A portrait screen is too narrow for a branch column; the branch moves under the crew name.
    // A branch's own ranking names its branch in the title, not on every row.
    branch: !portrait && !oneBranch,
    branchUnderName: portrait && !oneBranch,
    // Nor for three indicators beside a whole crew name (甲/乙/丙班 tells crews apart): two, the heaviest.
    indicators: Math.max(0, portrait ? Math.min(2, indicators) : indicators),
  };
}

/** CSS grid-template-columns for the header row and every row (they must line up). */
export function gridTemplate(columns: BoardColumns): string {
  const parts = ['var(--w-rank)'];
  if (columns.movement) parts.push('var(--w-move)');
  // Portrait screens are narrow: the crew column gives way so indicator values stay whole.
  parts.push(columns.branch ? 'minmax(0, 2.5fr)' : 'minmax(0, 2.2fr)');
  if (columns.branch) parts.push('minmax(0, 1.25fr)');
  for (let i = 0; i < columns.indicators; i++) parts.push('minmax(0, 1fr)');
  if (columns.score) parts.push('minmax(0, 0.9fr)');
  return parts.join(' ');
}

/** Columns a veto notice spans: every indicator and the score. */
export function vetoSpan(columns: BoardColumns): number {
  return Math.max(1, columns.indicators + (columns.score ? 1 : 0));
}
