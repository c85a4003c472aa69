import Fastify from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PathId, Query } from '../../schemas/common.schema.ts';
import { requireRequestSchemas } from '../../services/api/route-validation.ts';

async function appWith(route: (app: ReturnType<typeof Fastify>) => void) {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  requireRequestSchemas(app);
  route(app);
  await app.ready();
  return app;
}

describe('requireRequestSchemas', () => {
  it('refuses at start a route whose query schema lets unknown parameters through', async () => {
    await expect(
      appWith((app) => app.get('/x', { schema: { querystring: z.object({ a: z.string() }) } }, () => 'ok')),
    ).rejects.toThrow('GET /x: its querystring schema must refuse unknown parameters');
  });

  it('refuses at start a path with parameters but no params schema', async () => {
    await expect(appWith((app) => app.get('/x/:id', () => 'ok'))).rejects.toThrow(
      'GET /x/:id: a path with parameters needs a params schema',
    );
  });

  it('gives a route without a query schema one that takes no parameters', async () => {
    const app = await appWith((app) =>
      app.get('/x/:id', { schema: { params: z.object({ id: PathId() }) } }, () => 'ok'),
    );
    expect((await app.inject('/x/a1')).statusCode).toBe(200);
    expect((await app.inject('/x/a1?a=1')).statusCode).toBe(400);
    expect((await app.inject('/x/a%20b')).statusCode).toBe(400);
  });

  it('lets a strict query through', async () => {
    const app = await appWith((app) =>
      app.get('/x', { schema: { querystring: Query({ a: z.string().optional() }) } }, () => 'ok'),
    );
    expect((await app.inject('/x?a=1')).statusCode).toBe(200);
    expect((await app.inject('/x?b=1')).json()).toMatchObject({
      message: expect.stringContaining('unknown query parameter "b"; this address takes a'),
    });
  });
});
