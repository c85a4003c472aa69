import {
  ApartmentOutlined,
  DashboardOutlined,
  DesktopOutlined,
  AuditOutlined,
  EditOutlined,
  KeyOutlined,
  LogoutOutlined,
  QuestionCircleOutlined,
  RobotOutlined,
  SettingOutlined,
  TrophyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, Dropdown, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import type { MenuKey } from '../app.tsx';
import { useI18n, type Lang } from '../i18n/i18n.tsx';
import { href, navigate } from '../router.ts';
import { useSession } from '../session-context.tsx';
import { useOrg } from '../org-context.tsx';
import { handbookHref } from './empty-hint.tsx';

const { Sider, Header, Content } = Layout;

const PATHS: Record<MenuKey, string> = {
  dashboard: '/',
  competitions: '/competitions',
  review: '/review',
  corrections: '/corrections',
  registry: '/registry',
  screens: '/screens',
  notify: '/notify',
  tokens: '/tokens',
  settings: '/settings',
};

export function ConsoleLayout(props: { menu: MenuKey; children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const session = useSession();
  const { can, who } = session;
  const org = useOrg();
  const branding = org.data?.branding;
  useEffect(() => {
    // The emblem takes the group's colours (set through the CSSOM, which a strict CSP allows).
    const root = document.documentElement.style;
    if (branding) {
      root.setProperty('--group-primary', branding.primaryColour);
      root.setProperty('--group-accent', branding.accentColour);
    }
  }, [branding]);

  const items = [
    { key: 'dashboard', icon: <DashboardOutlined />, label: t('menu.dashboard') },
    { key: 'competitions', icon: <TrophyOutlined />, label: t('menu.competitions') },
    ...(can.manage ? [{ key: 'review', icon: <AuditOutlined />, label: t('menu.review') }] : []),
    ...(can.manage ? [{ key: 'corrections', icon: <EditOutlined />, label: t('menu.corrections') }] : []),
    { key: 'registry', icon: <ApartmentOutlined />, label: t('menu.registry') },
    { key: 'screens', icon: <DesktopOutlined />, label: t('menu.screens') },
    ...(can.manage ? [{ key: 'notify', icon: <RobotOutlined />, label: t('menu.notify') }] : []),
    ...(can.tokens ? [{ key: 'tokens', icon: <KeyOutlined />, label: t('menu.tokens') }] : []),
    ...(can.manageGroup ? [{ key: 'settings', icon: <SettingOutlined />, label: t('menu.settings') }] : []),
  ].map((item) => ({
    ...item,
    label: (
      <a
        href={href(PATHS[item.key as MenuKey])}
        onClick={(event) => {
          event.preventDefault();
          navigate(PATHS[item.key as MenuKey]);
        }}
      >
        {item.label}
      </a>
    ),
  }));

  const userName = who.token?.name ?? t('role.open');
  const userMenu = {
    items: [
      {
        key: 'role',
        disabled: true,
        label: (
          <Space orientation="vertical" size={0}>
            <Typography.Text strong>{userName}</Typography.Text>
            <Typography.Text type="secondary">
              {t(`role.${can.role}`)}
              {can.branchIds.length > 0 ? ` · ${t('role.branches', { list: can.branchIds.join('、') })}` : ''}
            </Typography.Text>
          </Space>
        ),
      },
      { type: 'divider' as const },
      ...(who.token
        ? [{ key: 'signOut', icon: <LogoutOutlined />, label: t('signIn.signOut'), onClick: () => session.signOut() }]
        : [{ key: 'signIn', icon: <KeyOutlined />, label: t('signIn.useToken'), onClick: () => navigate('/sign-in') }]),
    ],
  };

  return (
    <Layout className="console-shell" hasSider>
      <Sider width={220} className="console-sider" theme="dark">
        <div className="console-logo">
          <span className="console-emblem" aria-hidden="true">
            工
          </span>
          <span className="console-title">{t('app.title')}</span>
        </div>
        <Menu theme="dark" mode="inline" selectedKeys={[props.menu]} items={items} />
      </Sider>
      <Layout>
        <Header className="console-header">
          <Typography.Text className="console-group" data-testid="group-name">
            {org.data?.groupName ?? ''}
          </Typography.Text>
          <Space size="middle">
            {who.open && !who.token ? <Tag color="warning">{t('open.tag')}</Tag> : null}
            <a href={handbookHref()} target="_blank" rel="noopener" data-testid="help-link">
              <Space size={4}>
                <QuestionCircleOutlined />
                {t('help.link')}
              </Space>
            </a>
            <Segmented<Lang>
              size="small"
              value={lang}
              onChange={setLang}
              options={[
                { label: '中文', value: 'zh' },
                { label: 'EN', value: 'en' },
              ]}
            />
            <Dropdown menu={userMenu} placement="bottomRight">
              <Space className="console-user" data-testid="user-menu">
                <UserOutlined />
                <span>{userName}</span>
              </Space>
            </Dropdown>
          </Space>
        </Header>
        {who.open && !who.token ? (
          <Alert banner type="warning" showIcon title={t('open.banner')} data-testid="open-mode-banner" />
        ) : null}
        <Content className="console-content">{props.children}</Content>
      </Layout>
    </Layout>
  );
}
