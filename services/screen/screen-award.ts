import type { ScreenRow } from '../../schemas/screen.schema.ts';
import type { SheetOutcome } from '../../schemas/sheet.schema.ts';

/**
 * What a screen row says of the 考核细则 result: the grade, or the gates the entrant failed with
 * what each saw. A disqualified entrant (一票否决) has neither: its veto says why.
 */
export function screenAward(sheet: SheetOutcome | null): ScreenRow['award'] {
  if (sheet === null) return null;
  return {
    grade: sheet.grade === null ? null : { ...sheet.grade.name },
    failedGates: sheet.gates.filter((g) => !g.passed).map((g) => ({ name: { ...g.name }, reason: { ...g.reason } })),
  };
}
