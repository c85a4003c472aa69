import { Tag } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';
import type { Platform } from '../model/notify-form.ts';

const COLOURS: Record<Platform, string> = { wecom: 'green', dingtalk: 'blue', feishu: 'cyan' };

/** 企业微信 / 钉钉 / 飞书, each in its own colour, so a list of groups reads at a glance. */
export function PlatformTag(props: { platform: Platform }) {
  const { t } = useI18n();
  return (
    <Tag color={COLOURS[props.platform]} data-testid="platform-tag">
      {t(`notify.platform.${props.platform}`)}
    </Tag>
  );
}
