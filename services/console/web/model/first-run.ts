/**
 * How far the guided start has come, read from what the server holds (so it resumes after a
 * reload or on another computer): 0 group, 1 roster, 2 first competition, 3 its screen, 4 done.
 * The screen step follows the guide's own competition only: a database that already has
 * competitions (the demo, or one set up with the CLI) is not sent back into the guide for it.
 */
export function firstRunStep(state: {
  org: { groupName: string; branding?: unknown; crews: readonly unknown[] };
  competitions: readonly { currentVersion: number | null }[];
  /** Display links of the first published competition's screen. */
  screenLinks: number;
  /** The guide just published its competition (the editor came back with ?then=screen). */
  fromGuide: boolean;
}): 0 | 1 | 2 | 3 | 4 {
  const groupSet = state.org.branding !== undefined || state.org.groupName !== '集团公司';
  if (!groupSet) return 0;
  if (state.org.crews.length === 0) return 1;
  if (!state.competitions.some((c) => c.currentVersion !== null)) return 2;
  if (state.fromGuide && state.screenLinks === 0) return 3;
  return 4;
}
