import { build, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { yamlModule } from '../../schemas/examples/yaml-module.ts';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));
const require = createRequire(import.meta.url);

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** name -> asset: index.html, console.js, console.css and antd.css, served under /console. */
export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

function asset(body: Buffer, contentType: string): ConsoleAsset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * antd.css declares the design tokens under the class of the ConfigProvider it was rendered with
 * (e.g. .css-var-_R_0_ holding --ant-color-primary); the console's ConfigProvider takes the same
 * key so its components pick them up. The class with the most component rules is the root one.
 */
export function antdCssVarKey(css: Buffer): string {
  const counts = new Map<string, number>();
  for (const match of css.toString('utf8').matchAll(/\.(css-var-[A-Za-z0-9_-]+)\.ant-/g)) {
    const key = match[1] ?? '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [key] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!key) throw new Error('antd.css declares no design-token class (.css-var-…): has antd changed how it ships CSS?');
  return key;
}

/** The templates of schemas/examples/templates reach the console as data, parsed when bundled. */
const yamlPlugin: Plugin = {
  name: 'yaml',
  setup(b) {
    b.onLoad({ filter: /\.yaml$/ }, async (args) => ({
      contents: yamlModule(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/**
 * Bundles the organisers' console (React + Ant Design) from its TypeScript, in memory, like the
 * screen pages: `npm start` serves what is in the tree with nothing fetched from a CDN. It is its
 * own bundle, so the TV pages never load React. Ant Design runs in its zero-runtime mode with its
 * prebuilt stylesheet: no <style> is injected at run time, so a strict CSP (style-src 'self') holds.
 */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const antdCss = await readFile(require.resolve('antd/dist/antd.css'));
  const result = await build({
    entryPoints: { console: `${WEB_DIR}main.tsx` },
    bundle: true,
    minify: true,
    format: 'iife',
    // Organisers use current desktop browsers (360/QQ/Edge/Chrome are all Chromium-based).
    target: ['chrome100', 'edge100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', ANTD_CSS_VAR_KEY: JSON.stringify(antdCssVarKey(antdCss)) },
    write: false,
    outdir: '/',
    logLevel: 'silent',
    legalComments: 'none',
    charset: 'utf8',
    plugins: [yamlPlugin],
  });
  const assets = new Map<string, ConsoleAsset>();
  for (const file of result.outputFiles) {
    const name = file.path.replace(/^\//, '');
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    assets.set(name, asset(Buffer.from(file.contents), type));
  }
  assets.set('antd.css', asset(antdCss, 'text/css; charset=utf-8'));
  assets.set('index.html', asset(await readFile(`${WEB_DIR}index.html`), 'text/html; charset=utf-8'));
  return assets;
}

/** Built once, on first use: the API's tests and the scoring service never pay for bundling React. */
export function lazyConsoleAssets(): () => Promise<ConsoleAssets> {
  let built: Promise<ConsoleAssets> | undefined;
  return () => {
    built ??= buildConsoleAssets();
    // A failed build is tried again on the next request rather than cached.
    built.catch(() => (built = undefined));
    return built;
  };
}
