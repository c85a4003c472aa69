import { DeleteOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { apiMessage } from '../model/api-message.ts';

/**
 * 删除草稿: a competition or screen set that was never published. The API keeps its saved
 * versions as history and refuses once it has been published; `remove` is its DELETE.
 */
export function DeleteDraftButton(props: {
  confirm: string;
  name: string;
  remove: () => Promise<unknown>;
  onDeleted: () => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  async function remove() {
    setBusy(true);
    try {
      await props.remove();
      void message.success(t('deleteDraft.done', { name: props.name }));
      props.onDeleted();
    } catch (err) {
      void message.error(err instanceof Error ? apiMessage(err.message, lang) : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Popconfirm
      title={props.confirm}
      description={t('deleteDraft.help')}
      okButtonProps={{ danger: true, loading: busy }}
      onConfirm={() => void remove()}
    >
      <Button danger icon={<DeleteOutlined />} data-testid="delete-draft">
        {t('deleteDraft.button')}
      </Button>
    </Popconfirm>
  );
}
