// antd-mobile's theme variables and base styles first, its components' with them, then the page's
// own last so they win over both (all end up in reporter.css, in this order).
import 'antd-mobile/es/global';
import ConfigProvider from 'antd-mobile/es/components/config-provider';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { createRoot } from 'react-dom/client';
import { createReporterApi } from './api.ts';
import { App } from './app.tsx';
import './reporter.css';
import { takeTokenFromLink } from './session.ts';
import { lang } from './words.ts';

const token = takeTokenFromLink(location, history, localStorage);
const api = createReporterApi(() => localStorage.getItem('reporter-token') ?? token);
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN}>
      <App api={api} />
    </ConfigProvider>,
  );
