import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Empty, Space } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/** Sections of the organiser's handbook (docs/组织者手册.md) the console sends people to. */
export type HandbookSection =
  'first-run' | 'roster' | 'first-competition' | 'screens' | 'corrections' | 'close-period' | 'tokens' | 'notify';

/** The handbook as this server serves it, opened at a section. */
export const handbookHref = (section?: HandbookSection) => `/handbook${section ? `#${section}` : ''}`;

/**
 * A list's empty text: "loading" until its answer came, then the hint; nothing when loading failed
 * (the page shows the error): never "none yet" before the list is known to be empty.
 */
export function EmptyText(props: { loading: boolean; failed?: boolean; children: ReactNode }) {
  const { t } = useI18n();
  if (props.loading) return t('common.loading');
  return props.failed ? null : props.children;
}

/**
 * What an empty list says: one sentence of what to do next, the button that does it (when this
 * user may), and the handbook's section about it.
 */
export function EmptyHint(props: {
  text: string;
  section: HandbookSection;
  testId: string;
  action?: { label: string; onClick: () => void } | undefined;
}) {
  const { t } = useI18n();
  return (
    <Empty
      className="empty-hint"
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={props.text}
      data-testid={props.testId}
    >
      <Space>
        {props.action ? (
          <Button type="primary" onClick={props.action.onClick} data-testid={`${props.testId}-action`}>
            {props.action.label}
          </Button>
        ) : null}
        <Button
          href={handbookHref(props.section)}
          target="_blank"
          icon={<QuestionCircleOutlined />}
          data-testid={`${props.testId}-handbook`}
        >
          {t('help.section')}
        </Button>
      </Space>
    </Empty>
  );
}
