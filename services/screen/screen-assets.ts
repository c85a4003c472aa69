import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { staticAsset as asset, type Asset } from '../shared/static-asset.ts';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

export type { Asset };

/** name -> asset: the two pages' HTML, and their scripts and styles served under /screens/assets/. */
export type ScreenAssets = ReadonlyMap<string, Asset>;

/**
 * Bundles the screen and landing pages from their TypeScript at start-up, in memory: `npm start`
 * serves what is in the tree, with no build step to forget and nothing fetched from a CDN.
 * Chromium 80 is the oldest TV browser the pages promise to run on.
 */
export async function buildScreenAssets(): Promise<ScreenAssets> {
  const result = await build({
    entryPoints: { screen: `${WEB_DIR}screen.ts`, landing: `${WEB_DIR}landing.ts` },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'chrome80',
    write: false,
    outdir: '/',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    assets.set(file.path.replace(/^\//, ''), asset(Buffer.from(file.contents), 'text/javascript; charset=utf-8'));
  }
  for (const name of ['screen.css', 'landing.css', 'shortlink.css']) {
    assets.set(name, asset(await readFile(`${WEB_DIR}${name}`), 'text/css; charset=utf-8'));
  }
  for (const name of ['screen.html', 'landing.html']) {
    assets.set(name, asset(await readFile(`${WEB_DIR}${name}`), 'text/html; charset=utf-8'));
  }
  return assets;
}
