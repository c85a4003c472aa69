import Button from 'antd-mobile/es/components/button';
import DotLoading from 'antd-mobile/es/components/dot-loading';
import Selector from 'antd-mobile/es/components/selector';
import Tabs from 'antd-mobile/es/components/tabs';
import { useEffect, useState } from 'react';
import type { ReporterApi } from './api.ts';
import { openDraftStore } from './draft-store.ts';
import { MyReports } from './my-reports.tsx';
import { NoticeView } from './notice-view.tsx';
import { crewsInScope, type Crew, type Org } from './org-scope.ts';
import { loadOrg } from './org.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { OutboxList } from './outbox-list.tsx';
import { ReportForm } from './report-form.tsx';
import { REPORT_KINDS, type ReportKind } from './report-forms.ts';
import { signOut, whoAmI, type Reporter } from './session.ts';
import { SignedOutPage, type SignedOutReason } from './signed-out-page.tsx';
import { t } from './words.ts';

type Phase =
  | { state: 'loading' }
  | { state: 'signed-out'; reason: SignedOutReason }
  | { state: 'failed'; message: string }
  | { state: 'signed-in'; reporter: Reporter; org: Org; crews: Crew[]; outbox: Outbox };

type Tab = 'new' | 'mine' | 'notice';

/** Signs in from the kept token, then reads the registry and opens the outbox of this reporter's drafts. */
async function signIn(api: ReporterApi): Promise<Phase> {
  const who = await whoAmI(api, localStorage);
  if (who.state === 'signed-out') return { state: 'signed-out', reason: who.reason };
  const reporter = who.reporter;
  const org = await loadOrg(api, localStorage);
  const outbox = await createOutbox({
    api,
    store: await openDraftStore(reporter.id),
    later: (run, ms) => setTimeout(run, ms),
  });
  // What was sent in an earlier visit is in 我的上报 with its review status; the outbox is what is still on the phone.
  await outbox.clearSent();
  return { state: 'signed-in', reporter, org, crews: crewsInScope(org, reporter), outbox };
}

function SignedIn({
  api,
  phase,
  onSignOut,
}: {
  api: ReporterApi;
  phase: Extract<Phase, { state: 'signed-in' }>;
  onSignOut: () => void;
}) {
  const { reporter, org, crews, outbox } = phase;
  // A viewer reports nothing and may only object during 公示 (the server refuses the rest anyway).
  const viewer = reporter.role === 'viewer';
  const [tab, setTab] = useState<Tab>(viewer ? 'notice' : 'new');
  const [kind, setKind] = useState<ReportKind>('hazard_found');

  useEffect(() => {
    const flush = () => void outbox.flush();
    window.addEventListener('online', flush);
    flush();
    return () => window.removeEventListener('online', flush);
  }, [outbox]);

  return (
    <>
      <header className="bar">
        <h1>{t('app.title')}</h1>
        <span data-testid="reporter-name">
          {t(viewer ? 'app.viewerAs' : 'app.signedInAs', { name: reporter.name })}
        </span>
        <Button fill="none" size="mini" className="sign-out" onClick={onSignOut}>
          {t('app.signOut')}
        </Button>
      </header>
      <Tabs activeKey={tab} onChange={(key) => setTab(key as Tab)} stretch>
        {viewer ? null : <Tabs.Tab key="new" title={t('tab.new')} data-tab="new" />}
        {viewer ? null : <Tabs.Tab key="mine" title={t('tab.mine')} data-tab="mine" />}
        <Tabs.Tab key="notice" title={t('tab.notice')} data-tab="notice" />
      </Tabs>
      {tab === 'new' ? (
        <Selector
          className="kinds"
          aria-label={t('tab.new')}
          columns={3}
          value={[kind]}
          onChange={(chosen) => chosen[0] && setKind(chosen[0])}
          options={REPORT_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
        />
      ) : null}
      <OutboxList outbox={outbox} />
      <div className="body">
        {tab === 'new' ? (
          // A new form per kind; within a kind the form keeps what is typed.
          <ReportForm key={kind} kind={kind} crews={crews} org={org} outbox={outbox} api={api} />
        ) : tab === 'mine' ? (
          <MyReports api={api} />
        ) : (
          <NoticeView api={api} reporter={reporter} crews={crews} org={org} photos={!viewer} />
        )}
      </div>
    </>
  );
}

/** The reporters' phone page: the personal link's sign-in, then the report forms, the outbox, 我的上报 and 公示 / 异议. */
export function App({ api }: { api: ReporterApi }) {
  const [phase, setPhase] = useState<Phase>({ state: 'loading' });

  useEffect(() => {
    signIn(api).then(setPhase, (err: unknown) =>
      setPhase({ state: 'failed', message: err instanceof Error ? err.message : String(err) }),
    );
  }, [api]);

  useEffect(() => {
    // Tests and the handbook's screenshots wait on this: signed-in, revoked, unknown, …
    if (phase.state === 'signed-in') document.body.dataset['signIn'] = 'signed-in';
    else if (phase.state === 'signed-out') document.body.dataset['signIn'] = phase.reason;
  }, [phase]);

  switch (phase.state) {
    case 'loading':
      return (
        <main className="loading">
          <DotLoading color="primary" />
        </main>
      );
    case 'signed-out':
      return <SignedOutPage reason={phase.reason} />;
    case 'failed':
      return (
        <main className="signed-out" role="alert">
          <h1>{t('error.network')}</h1>
          <p>{phase.message}</p>
        </main>
      );
    case 'signed-in':
      return (
        <SignedIn
          api={api}
          phase={phase}
          onSignOut={() => {
            signOut(localStorage);
            setPhase({ state: 'signed-out', reason: 'none' });
          }}
        />
      );
  }
}
