import { StyleProvider } from '@ant-design/cssinjs';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createRoot } from 'react-dom/client';
import { ConsoleApp } from './app.tsx';
import './console.css';
import { I18nProvider } from './i18n/i18n.tsx';

/** The class antd.css scopes its design tokens under (read from antd.css when the console is bundled). */
declare const ANTD_CSS_VAR_KEY: string;

const detached = document.createElement('div');

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

createRoot(root).render(
  <I18nProvider>
    {(lang) => {
      dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
      return (
        // Ant Design's styles and design tokens all come from antd.css: zero-runtime mode skips the
        // component styles, and the token variables it still writes go to a detached element that
        // the document never applies. No <style> reaches the page, so it runs under a CSP without
        // 'unsafe-inline' styles.
        <StyleProvider container={detached}>
          <ConfigProvider
            locale={lang === 'zh' ? zhCN : enUS}
            theme={{ zeroRuntime: true, cssVar: { key: ANTD_CSS_VAR_KEY } }}
          >
            <AntApp>
              <ConsoleApp />
            </AntApp>
          </ConfigProvider>
        </StyleProvider>
      );
    }}
  </I18nProvider>,
);
