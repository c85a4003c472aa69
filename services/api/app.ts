import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { AppError } from '../shared/errors.ts';
import { registerErrorHandler } from './error-handler.ts';
import { requireRequestSchemas } from './route-validation.ts';
import { createSiteGuard } from './site-guard.ts';
import type { AllowedHost } from '../shared/env.ts';
import { redactingLogOptions } from '../shared/log-redaction.ts';
import { createClientErrorHandler, createFrameworkErrors } from './framing-errors.ts';
import { parseJsonBody } from './json-body.ts';

export interface AppOptions {
  logger: FastifyBaseLogger;
  /** Route plugins, each a closure over its dependencies. */
  routes: ((app: FastifyInstance) => Promise<void>)[];
  /** Requests per minute per key (an API token, or the client address without one). */
  ratePerMinute: number;
  /** The rate-limit key of a request: its token's id; the client address without one, or when it is refused. */
  rateKey?: (request: FastifyRequest) => string;
  /** Body limit of routes that set none of their own. */
  bodyLimit: number;
  /** Host names this server answers to besides IP addresses and localhost (see site-guard). */
  allowedHosts: readonly AllowedHost[];
  /** Configured secrets (the bootstrap admin token): kept out of the log, as are token-shaped values. */
  secrets: readonly (string | undefined)[];
}

// Probes; /metrics needs a token where access control is on, so a scraper counts on its own token.
const UNLIMITED = new Set(['/healthz', '/readyz']);

/** Node's default: the request line and headers together (an over-long URL counts here). */
const MAX_HEADER_BYTES = 16 * 1024;
/**
 * An id may have 128 characters (schemas/common Id), each percent-encoded at worst; a longer path
 * segment is refused by the router with 414 (frameworkErrors).
 */
const MAX_PARAM_LENGTH = 3 * 128;

/** The fastify instance: schemas, OpenAPI at /docs, one error handler, and the given routes. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    clientErrorHandler: createClientErrorHandler(MAX_HEADER_BYTES),
    frameworkErrors: createFrameworkErrors(MAX_PARAM_LENGTH),
    loggerInstance: options.logger.child({}, redactingLogOptions(options.secrets)),
    // Probes and scrapes every few seconds would drown the request log.
    logController: new LogController({
      disableRequestLogging: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url),
    }),
  });
  app.setValidatorCompiler(validatorCompiler);
  requireRequestSchemas(app);
  // fastify's own parser calls a __proto__ key "not valid JSON" and loses why; this one says.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Answers are built by this server and typed from the same zod schemas (the type provider checks
  // them at compile time); parsing them again per request re-ran the registry's whole superRefine on
  // every GET /v1/org and walked every standings row. Response schemas still document /docs.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerErrorHandler(app);
  // First, so every answer carries them, refusals by the hooks below included.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      // The pages load their own scripts and styles and nothing inline (Swagger UI at /docs too).
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        // Only this server's own pages may frame its pages (no clickjacking of "open screen").
        frameAncestors: ["'self'"],
        // blob: the console's 审核 page shows evidence photos it fetched with the token (an <img>
        // cannot send the Authorization header); blob URLs belong to the page that made them.
        imgSrc: ["'self'", 'data:', 'blob:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        // No upgrade-insecure-requests: TVs on the plant network open http://<address>:3000.
      },
    },
    // TLS ends at the operator's proxy, which decides HSTS for its domain; sent from here it would
    // only reach plain-HTTP clients, which ignore it. Referrer-Policy stays no-referrer: display
    // tokens travel in page URLs.
    strictTransportSecurity: false,
  });
  await app.register(fastifyRateLimit, {
    // Added below as the first onRequest hook of every route: the plugin's own per-route hook
    // runs after the route's token check, so requests with made-up tokens were refused 401
    // without ever being counted.
    global: false,
    max: options.ratePerMinute,
    timeWindow: 60_000,
    keyGenerator: options.rateKey ?? ((request) => `ip:${request.ip}`),
    allowList: (request) => UNLIMITED.has(request.url),
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new AppError(
          'rate_limited',
          `请求过于频繁，请 ${context.after} 后重试 / more than ${context.max} requests a minute with this token (or from this address without one); retry in ${context.after}`,
          429,
        ),
        { statusCode: 429 },
      ),
  });
  app.addHook('onRequest', createSiteGuard(options.allowedHosts));
  app.addHook('onRequest', app.rateLimit());
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: '劳动竞赛排行榜 API / Labour-competition leaderboard API',
        description:
          '班组指标事件上报、组织架构、竞赛规则与排行榜。Crew metric events, registry, competition rules and standings.',
        version: '0.1.0',
      },
      tags: [
        { name: 'events', description: '事件 Events' },
        { name: 'registry', description: '组织架构 Registry' },
        { name: 'competitions', description: '竞赛 Competitions' },
        { name: 'standings', description: '排行榜 Standings' },
        { name: 'screens', description: '大屏 Big screens and display links' },
        { name: 'corrections', description: '更正 Finding, withdrawing and correcting stored events' },
        { name: 'notice', description: '公示 · 异议 · 复核 Public notice, objections, re-check, confirmation' },
        { name: 'notify', description: '群消息 Messages to the work groups: 企业微信, 钉钉 and 飞书 group robots' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // Without the top bar: its logo is an SVG with an inline <style>, which the policy above refuses.
    uiConfig: { layout: 'BaseLayout' },
  });
  for (const route of options.routes) await app.register(route);
  return app;
}
