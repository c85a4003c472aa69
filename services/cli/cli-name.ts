/**
 * The command the CLI is installed as (package.json "bin"). Ours alone: `npx leaderboard` outside
 * this repository fetched an unrelated npm package of that name. Messages that tell the user what
 * to run next say this name.
 */
export const CLI_NAME = 'ghlb';
