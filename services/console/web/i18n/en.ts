import type { Messages } from './zh-CN.ts';

/** The console's words in English; the keys are zh-CN's, so a missing one fails the typecheck. */
export const en: Messages = {
  'app.title': 'Union console',
  'app.subtitle': 'Labour competitions · Ankang Cup · leaderboards',
  'app.unreachable': 'Cannot reach the server',
  'menu.dashboard': 'Home',
  'menu.competitions': 'Competitions',
  'menu.registry': 'Registry',
  'menu.screens': 'Screens',
  'menu.tokens': 'API tokens',
  'menu.settings': 'Group settings',
  'notFound.title': 'Page not found',
  'notFound.body': 'The address is wrong, or the page has moved.',
  'role.admin': 'Admin',
  'role.organiser': 'Organiser',
  'role.ingest': 'Data sender',
  'role.viewer': 'Viewer',
  'role.open': 'Open mode (no token)',
  'role.branches': 'only {list}',
  'open.tag': 'Open mode',
  'open.banner':
    'Open mode: access control is off, so anyone on this machine can change competitions, the registry and data without a token. Start with AUTH_MODE=tokens before real use.',
  'signIn.token': 'API token',
  'signIn.tokenRequired': 'Paste an API token',
  'signIn.help':
    'At its first start the server prints the first admin token in the terminal (once); an admin creates everyone else’s on the API tokens page. The token is kept in this browser tab only and forgotten when it closes.',
  'signIn.submit': 'Sign in',
  'signIn.refused': 'The token was refused: {reason}',
  'signIn.signOut': 'Sign out',
  'signIn.useToken': 'Sign in with a token',
};
