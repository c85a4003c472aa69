// esbuild bundles the stylesheets main.tsx and the antd-mobile components import into reporter.css.
declare module '*.css';
