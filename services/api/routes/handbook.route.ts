import { readdir, readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  HANDBOOK_CSS_PATH,
  HANDBOOK_FILE,
  HANDBOOK_PATH,
  SCREENSHOT_PATH,
  renderGuide,
} from '../../handbook/handbook-page.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { sendStaticAsset, staticAsset } from '../../shared/static-asset.ts';

export interface HandbookDeps {
  /** The folder of the guides (docs/). */
  docs: URL;
  /** The folder of the pictures the browser tests take (test/browser/screenshots/). */
  screenshots: URL;
}

const html = { 200: { description: 'an HTML page', content: { 'text/html': { schema: z.string() } } } };

/**
 * The organiser's handbook (docs/组织者手册.md) and the guides it links, rendered by this server:
 * the console's help link and the empty pages open it, also on a network without the internet.
 * Read from disk on each request, so the page is the file that ships. Public: it holds no data.
 */
export function handbookRoute(deps: HandbookDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const css = staticAsset(
      await readFile(new URL('../../handbook/handbook.css', import.meta.url)),
      'text/css; charset=utf-8',
    );

    async function guide(file: string): Promise<string> {
      // Only a guide the folder holds: the name is compared, never joined into a path as given.
      const files = await readdir(deps.docs).catch(() => [] as string[]);
      if (!files.includes(file)) {
        throw new NotFoundError('guide_not_found', `没有这份说明 / no guide "${file}" in docs/`);
      }
      return renderGuide(await readFile(new URL(encodeURIComponent(file), deps.docs), 'utf8'));
    }

    const send = (reply: FastifyReply, page: string) =>
      reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);

    r.get(HANDBOOK_PATH, { schema: { hide: true, response: html } }, async (_request, reply) =>
      send(reply, await guide(HANDBOOK_FILE)),
    );
    r.get(
      `${HANDBOOK_PATH}/:file`,
      {
        schema: {
          hide: true,
          params: z.object({
            file: z
              .string()
              .max(100)
              .regex(/^[^/\\]+\.md$/),
          }),
        },
      },
      async (request, reply) => send(reply, await guide(request.params.file)),
    );
    r.get(
      `${SCREENSHOT_PATH}/:name`,
      {
        schema: {
          hide: true,
          params: z.object({
            name: z
              .string()
              .max(100)
              .regex(/^[a-z0-9-]+\.jpg$/),
          }),
        },
      },
      async (request, reply) => {
        const bytes = await readFile(new URL(request.params.name, deps.screenshots)).catch(() => undefined);
        if (!bytes) throw new NotFoundError('picture_not_found', `没有这张图 / no picture "${request.params.name}"`);
        return sendStaticAsset(request, reply, staticAsset(bytes, 'image/jpeg'));
      },
    );
    r.get(HANDBOOK_CSS_PATH, { schema: { hide: true } }, (request, reply) => sendStaticAsset(request, reply, css));
  };
}
