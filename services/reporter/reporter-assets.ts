import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { staticAsset as asset, type Asset } from '../shared/static-asset.ts';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

/** name -> asset: index.html, reporter.js, reporter.css, served under /reporter. */
export type ReporterAssets = ReadonlyMap<string, Asset>;

/**
 * Bundles the reporters' phone page (React + antd-mobile) from its TypeScript, in memory, like the
 * console: nothing comes from a CDN. The page is opened on cheap Android phones over a weak mobile
 * signal inside 企业微信 / 钉钉 / 微信, where each 100 kB is seconds: antd-mobile is imported one
 * component at a time (antd-mobile/es/components/…), so only what the page uses is bundled, and
 * the components' stylesheets (with ours, imported by main.tsx) become one reporter.css. antd-mobile
 * injects no <style> at run time, so the page holds under style-src 'self' (docs/组织者手册.md
 * gives the sizes).
 */
export async function buildReporterAssets(): Promise<ReporterAssets> {
  const result = await build({
    entryPoints: { reporter: `${WEB_DIR}main.tsx` },
    bundle: true,
    minify: true,
    format: 'iife',
    // The X5 / XWeb engines of 微信 and 企业微信 and 钉钉's are Chromium based, some years behind
    // (the iPhone's WKWebView runs it too: no syntax past ES2019 is used).
    target: 'chrome80',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    outdir: '/',
    logLevel: 'silent',
    legalComments: 'none',
    charset: 'utf8',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const name = file.path.replace(/^\//, '');
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    assets.set(name, asset(Buffer.from(file.contents), type, { gzip: true }));
  }
  assets.set('index.html', asset(await readFile(`${WEB_DIR}index.html`), 'text/html; charset=utf-8', { gzip: true }));
  return assets;
}

/** Built once, on first use; a failed build is tried again on the next request. */
export function lazyReporterAssets(): () => Promise<ReporterAssets> {
  let built: Promise<ReporterAssets> | undefined;
  return () => {
    built ??= buildReporterAssets();
    built.catch(() => (built = undefined));
    return built;
  };
}
