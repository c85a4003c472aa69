import Result from 'antd-mobile/es/components/result';
import type { MessageKey } from './i18n/i18n.ts';
import type { SignIn } from './session.ts';
import { t } from './words.ts';

export type SignedOutReason = Extract<SignIn, { state: 'signed-out' }>['reason'];

const WORDS: Record<SignedOutReason, MessageKey> = {
  none: 'signIn.body',
  revoked: 'signIn.revoked',
  unknown: 'signIn.unknown',
};

/** No personal link yet, or one that was revoked, mistyped or is not a reporter's. */
export function SignedOutPage({ reason }: { reason: SignedOutReason }) {
  return (
    <main className="signed-out" role={reason === 'none' ? undefined : 'alert'}>
      <Result
        status={reason === 'none' ? 'info' : 'warning'}
        title={<h1>{t(reason === 'none' ? 'signIn.title' : 'app.title')}</h1>}
        description={<p data-testid="sign-in-message">{t(WORDS[reason])}</p>}
      />
    </main>
  );
}
