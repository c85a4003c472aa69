import { Alert, Divider, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';
import { navigate } from '../router.ts';
import { useApi } from '../use-api.ts';
import { DeliveryLog } from './delivery-log.tsx';
import { EmptyHint } from './empty-hint.tsx';
import { SubscriptionsEditor } from './subscriptions-editor.tsx';

/** A competition's 群消息 tab: what goes to which work group, and what was sent. */
export function NotifyTab(props: { competitionId: string }) {
  const { t, lang } = useI18n();
  const loaded = useApi(async () => {
    const [channels, saved] = await Promise.all([api.channels(), api.subscriptions(props.competitionId)]);
    return { channels: channels.channels, saved };
  }, [props.competitionId]);
  // A save may queue nothing at once, but the log is read again so it shows the current state.
  const [saves, setSaves] = useState(0);

  if (loaded.error) return <Alert type="error" showIcon title={apiMessage(loaded.error.message, lang)} />;
  if (!loaded.data) return <Skeleton active />;
  const { channels, saved } = loaded.data;
  return (
    <div data-testid="notify-tab">
      <Typography.Title level={5}>{t('notify.tab.title')}</Typography.Title>
      {channels.length === 0 ? (
        <EmptyHint
          text={t('notify.tab.noChannels')}
          section="notify"
          testId="notify-no-channels"
          action={{ label: t('notify.tab.goChannels'), onClick: () => navigate('/notify') }}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('notify.tab.help')}</Typography.Paragraph>
          <SubscriptionsEditor
            competitionId={props.competitionId}
            channels={channels}
            saved={saved}
            onSaved={() => {
              setSaves((n) => n + 1);
              void loaded.reload();
            }}
          />
        </>
      )}
      <Divider />
      <DeliveryLog competitionId={props.competitionId} refreshKey={saves} />
    </div>
  );
}
