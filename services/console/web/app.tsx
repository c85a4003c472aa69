import { Alert, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { ConsoleLayout } from './components/console-layout.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { matchRoute } from './model/route-match.ts';
import { CompetitionDetailPage } from './pages/competition-detail.tsx';
import { CompetitionEditorPage } from './pages/competition-editor.tsx';
import { CompetitionsPage } from './pages/competitions.tsx';
import { CorrectionsPage } from './pages/corrections.tsx';
import { NotifyChannelsPage } from './pages/notify-channels.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { RegistryPage } from './pages/registry.tsx';
import { ReviewPage } from './pages/review.tsx';
import { ScreenDetailPage } from './pages/screen-detail.tsx';
import { ScreensPage } from './pages/screens.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { TokensPage } from './pages/tokens.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { navigate, useLocation, type Location } from './router.ts';
import { OrgProvider } from './org-context.tsx';
import { SessionProvider } from './session-context.tsx';

export type MenuKey =
  'dashboard' | 'competitions' | 'review' | 'corrections' | 'registry' | 'screens' | 'notify' | 'tokens' | 'settings';

interface RouteDef {
  pattern: string;
  menu: MenuKey;
  render: (params: Record<string, string>, location: Location) => ReactNode;
}

const ROUTES: RouteDef[] = [
  {
    pattern: '/',
    menu: 'dashboard',
    render: (_, location) => <DashboardPage fromGuide={location.query.get('then') === 'screen'} />,
  },
  { pattern: '/competitions', menu: 'competitions', render: () => <CompetitionsPage /> },
  { pattern: '/registry', menu: 'registry', render: (_, location) => <RegistryPage tab={location.query.get('tab')} /> },
  { pattern: '/corrections', menu: 'corrections', render: () => <CorrectionsPage /> },
  { pattern: '/review', menu: 'review', render: () => <ReviewPage /> },
  { pattern: '/notify', menu: 'notify', render: () => <NotifyChannelsPage /> },
  { pattern: '/settings', menu: 'settings', render: () => <SettingsPage /> },
  { pattern: '/tokens', menu: 'tokens', render: () => <TokensPage /> },
  { pattern: '/screens', menu: 'screens', render: () => <ScreensPage /> },
  {
    pattern: '/screens/new',
    menu: 'screens',
    render: (_, location) => <ScreenDetailPage key="new" from={location.query.get('from')} />,
  },
  {
    pattern: '/screens/:id',
    menu: 'screens',
    render: (params) => <ScreenDetailPage key={params['id']} id={params['id'] ?? ''} />,
  },
  {
    pattern: '/competitions/new',
    menu: 'competitions',
    render: (_, location) => (
      <CompetitionEditorPage
        key="new"
        template={location.query.get('template')}
        returnHome={location.query.get('then') === 'screen'}
      />
    ),
  },
  {
    pattern: '/competitions/:id/edit',
    menu: 'competitions',
    render: (params) => <CompetitionEditorPage key={params['id']} id={params['id'] ?? ''} />,
  },
  {
    pattern: '/competitions/:id',
    menu: 'competitions',
    render: (params, location) => <CompetitionDetailPage id={params['id'] ?? ''} tab={location.query.get('tab')} />,
  },
];

function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.body')}
      extra={<a onClick={() => navigate('/')}>{t('menu.dashboard')}</a>}
    />
  );
}

export function ConsoleApp() {
  const location = useLocation();
  const { t } = useI18n();
  return (
    <SessionProvider>
      {(session, status, error) => {
        if (status === 'loading') {
          return (
            <div className="console-loading">
              <Spin size="large" />
            </div>
          );
        }
        if (status === 'failed' || !session) {
          return (
            <div className="console-loading">
              <Alert type="error" showIcon title={t('app.unreachable')} description={error?.message} />
            </div>
          );
        }
        if ((!session.who.authenticated && !session.who.open) || location.path === '/sign-in') return <SignInPage />;
        for (const route of ROUTES) {
          const params = matchRoute(route.pattern, location.path);
          if (params) {
            return (
              <OrgProvider>
                <ConsoleLayout menu={route.menu}>{route.render(params, location)}</ConsoleLayout>
              </OrgProvider>
            );
          }
        }
        return (
          <OrgProvider>
            <ConsoleLayout menu="dashboard">
              <NotFound />
            </ConsoleLayout>
          </OrgProvider>
        );
      }}
    </SessionProvider>
  );
}
