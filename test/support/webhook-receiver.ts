import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One local stand-in for the group robots of 企业微信, 钉钉 and 飞书, for tests of messages to the
 * work groups: it serves each platform's webhook path, checks the documented body and (钉钉 加签,
 * 飞书 签名校验) signature with its own implementation of the documented algorithms, answers the way
 * the platform does, and records what it accepted. A wrong body or signature is refused with the
 * platform's error and recorded in `refusals` (expectNoRefusals() throws listing them), so a test
 * that only counts accepted messages still fails loudly on a malformed request.
 *
 * Paths, as the platforms show them:
 *   企业微信  POST /cgi-bin/webhook/send?key=<key>
 *   钉钉      POST /robot/send?access_token=<token>[&timestamp=<ms>&sign=<urlencoded base64>]
 *   飞书      POST /open-apis/bot/v2/hook/<token>   (body carries timestamp and sign)
 */

export type RobotPlatform = 'wecom' | 'dingtalk' | 'feishu';

export interface Robot {
  /** The robot's key / access token (also its id here). */
  id: string;
  platform: RobotPlatform;
  /** "" when the robot has no signing secret. */
  secret: string;
  /** What an organiser would paste into the channel form. */
  webhookUrl: string;
}

export interface AcceptedMessage {
  robotId: string;
  platform: RobotPlatform;
  /** 钉钉 markdown.title, 飞书 card header; 企业微信 has none: the first line of the content. */
  title: string;
  /** The markdown as the group shows it (企业微信 content, 钉钉 text, 飞书 card markdown element). */
  text: string;
  body: Record<string, unknown>;
  /** The request's query string values (钉钉's timestamp and sign among them). */
  query: Record<string, string>;
}

export interface Refusal {
  robotId: string | undefined;
  platform: RobotPlatform | undefined;
  path: string;
  reason: string;
}

/** http500: HTTP 500; errcode: the platform's rate-limit answer; hang: no answer at all (the sender's timeout). */
export type FailureKind = 'http500' | 'errcode' | 'hang';

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  url: string;
  /** A new robot of the platform (a fresh key), with a secret when given ("" or omitted: none). */
  robot(platform: RobotPlatform, options?: { secret?: string; id?: string }): Robot;
  /** Accepted messages, in arrival order (of one robot, or all). */
  messages(robotId?: string): AcceptedMessage[];
  /** Requests refused for a wrong body, signature, key or method. */
  readonly refusals: readonly Refusal[];
  /** Requests answered with an injected failure (failNext), in order. */
  readonly failures: readonly { robotId: string; kind: FailureKind }[];
  /** Every request that reached a robot's path, accepted, refused or failed. */
  requestCount(robotId?: string): number;
  /**
   * The next n well-formed requests (to this robot, or any) are answered with a failure: HTTP 500,
   * the platform's rate-limit answer (企业微信 errcode 45009, 钉钉 130101, 飞书 code 11232), or
   * none at all until the receiver closes ("hang": the message is not accepted).
   */
  failNext(n: number, kind: FailureKind, robotId?: string): void;
  /** Resolves once at least `count` messages were accepted (for the robot, or all); rejects after timeoutMs. */
  waitForMessages(count: number, robotId?: string, timeoutMs?: number): Promise<AcceptedMessage[]>;
  /** Throws, listing them, when anything was refused. */
  expectNoRefusals(): void;
  /** Forgets the refusals so far: after a test that provoked them on purpose and checked them. */
  clearRefusals(): void;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** The receiver's clock for the signatures' one-hour window (ms); tests pass the product's fixed clock. */
  now?: () => number;
}

const HOUR_MS = 3_600_000;
const WECOM_MAX_CONTENT_BYTES = 4096;
const FEISHU_MAX_BODY_BYTES = 20 * 1024;

/** What each platform answers: success, and the errors the receiver uses. */
const ANSWERS = {
  wecom: {
    ok: { errcode: 0, errmsg: 'ok' },
    rateLimited: { errcode: 45009, errmsg: 'api freq out of limit' },
    badKey: { errcode: 93000, errmsg: 'invalid webhook url' },
    badBody: { errcode: 40008, errmsg: 'invalid message type' },
    tooLong: { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' },
  },
  dingtalk: {
    ok: { errcode: 0, errmsg: 'ok' },
    rateLimited: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
    badKey: { errcode: 300001, errmsg: 'token is not exist' },
    badBody: { errcode: 40035, errmsg: '缺少参数 json' },
    badSign: { errcode: 310000, errmsg: 'sign not match' },
  },
  feishu: {
    ok: { code: 0, msg: 'success', data: {}, StatusCode: 0, StatusMessage: 'success' },
    rateLimited: { code: 11232, msg: 'frequency limited', data: {} },
    badKey: { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} },
    badBody: { code: 9499, msg: 'Bad Request', data: {} },
    badSign: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} },
  },
} as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

class Refused extends Error {
  constructor(
    readonly answer: Record<string, unknown>,
    reason: string,
  ) {
    super(reason);
  }
}

function onlyKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  answer: Record<string, unknown>,
) {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new Refused(answer, `${where} has undocumented member(s) ${extra.join(', ')}`);
}

/** 钉钉 加签 as its documentation states it, written here independently of the product's code. */
function dingtalkExpected(secret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .digest('base64');
}

/** 飞书 签名校验: the string timestamp + "\n" + secret is the HMAC key, the message is empty. */
function feishuExpected(secret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .update(Buffer.alloc(0))
    .digest('base64');
}

export async function startWebhookReceiver(options: ReceiverOptions = {}): Promise<WebhookReceiver> {
  const now = options.now ?? Date.now;
  const robots = new Map<string, Robot>();
  const accepted: AcceptedMessage[] = [];
  const refusals: Refusal[] = [];
  const failures: { robotId: string; kind: FailureKind }[] = [];
  const requests = new Map<string, number>();
  const pendingFailures: { robotId: string | undefined; kind: FailureKind; left: number }[] = [];
  const waiters = new Set<() => void>();
  let base = '';

  function takeFailure(robotId: string): FailureKind | undefined {
    const entry = pendingFailures.find((f) => f.left > 0 && (f.robotId === undefined || f.robotId === robotId));
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.kind;
  }

  function checkWecom(robot: Robot, body: Record<string, unknown>): AcceptedMessage {
    const a = ANSWERS.wecom;
    onlyKeys(body, ['msgtype', 'markdown'], 'body', a.badBody);
    if (body['msgtype'] !== 'markdown')
      throw new Refused(a.badBody, `msgtype is ${JSON.stringify(body['msgtype'])}, not "markdown"`);
    const markdown = body['markdown'];
    if (!isObject(markdown)) throw new Refused(a.badBody, 'markdown is not an object');
    onlyKeys(markdown, ['content'], 'markdown', a.badBody);
    const content = markdown['content'];
    if (!nonEmptyString(content)) throw new Refused(a.badBody, 'markdown.content is not a non-empty string');
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > WECOM_MAX_CONTENT_BYTES) throw new Refused(a.tooLong, `markdown.content is ${bytes} bytes (max 4096)`);
    const title = (content.split('\n')[0] ?? '').replace(/^#+ /u, '');
    return { robotId: robot.id, platform: 'wecom', title, text: content, body, query: {} };
  }

  function checkDingtalk(robot: Robot, body: Record<string, unknown>, query: Record<string, string>): AcceptedMessage {
    const a = ANSWERS.dingtalk;
    if (robot.secret !== '') {
      const { timestamp, sign } = query;
      if (timestamp === undefined || sign === undefined)
        throw new Refused(a.badSign, 'timestamp or sign missing from the query string');
      if (!/^\d{13}$/u.test(timestamp)) throw new Refused(a.badSign, `timestamp "${timestamp}" is not milliseconds`);
      if (Math.abs(now() - Number(timestamp)) > HOUR_MS)
        throw new Refused(a.badSign, `timestamp ${timestamp} is more than an hour from ${now()}`);
      if (sign !== dingtalkExpected(robot.secret, timestamp))
        throw new Refused(a.badSign, `sign "${sign}" does not match`);
    } else if (query['sign'] !== undefined) {
      throw new Refused(a.badSign, 'signed, but the robot has no 加签 secret');
    }
    onlyKeys(body, ['msgtype', 'markdown', 'at'], 'body', a.badBody);
    if (body['msgtype'] !== 'markdown')
      throw new Refused(a.badBody, `msgtype is ${JSON.stringify(body['msgtype'])}, not "markdown"`);
    const markdown = body['markdown'];
    if (!isObject(markdown)) throw new Refused(a.badBody, 'markdown is not an object');
    onlyKeys(markdown, ['title', 'text'], 'markdown', a.badBody);
    const { title, text } = markdown;
    if (!nonEmptyString(title) || !nonEmptyString(text))
      throw new Refused(a.badBody, 'markdown.title and markdown.text must be non-empty strings');
    return { robotId: robot.id, platform: 'dingtalk', title, text, body, query };
  }

  function checkFeishu(robot: Robot, body: Record<string, unknown>, rawBytes: number): AcceptedMessage {
    const a = ANSWERS.feishu;
    if (rawBytes > FEISHU_MAX_BODY_BYTES) throw new Refused(a.badBody, `body is ${rawBytes} bytes (max 20 KB)`);
    if (robot.secret !== '') {
      const { timestamp, sign } = body;
      if (typeof timestamp !== 'string' || typeof sign !== 'string')
        throw new Refused(a.badSign, 'timestamp (a string) or sign missing from the body');
      if (!/^\d{10}$/u.test(timestamp)) throw new Refused(a.badSign, `timestamp "${timestamp}" is not seconds`);
      if (Math.abs(now() - Number(timestamp) * 1000) > HOUR_MS)
        throw new Refused(a.badSign, `timestamp ${timestamp} is more than an hour from ${now()}`);
      if (sign !== feishuExpected(robot.secret, timestamp))
        throw new Refused(a.badSign, `sign "${sign}" does not match`);
    } else if (body['sign'] !== undefined) {
      throw new Refused(a.badSign, 'signed, but the robot has no 签名校验 secret');
    }
    onlyKeys(body, ['timestamp', 'sign', 'msg_type', 'card'], 'body', a.badBody);
    if (body['msg_type'] !== 'interactive')
      throw new Refused(a.badBody, `msg_type is ${JSON.stringify(body['msg_type'])}, not "interactive"`);
    const card = body['card'];
    if (!isObject(card)) throw new Refused(a.badBody, 'card is not an object');
    const header = card['header'];
    const titleObject = isObject(header) ? header['title'] : undefined;
    if (!isObject(titleObject) || titleObject['tag'] !== 'plain_text' || !nonEmptyString(titleObject['content'])) {
      throw new Refused(a.badBody, 'card.header.title is not {"tag":"plain_text","content":…}');
    }
    const elements = card['elements'];
    if (!Array.isArray(elements) || elements.length === 0)
      throw new Refused(a.badBody, 'card.elements is not a non-empty array');
    const markdowns = elements.filter((e): e is Record<string, unknown> => isObject(e) && e['tag'] === 'markdown');
    if (elements.some((e) => !isObject(e) || typeof e['tag'] !== 'string'))
      throw new Refused(a.badBody, 'a card element has no tag');
    const first = markdowns[0];
    if (!first || !nonEmptyString(first['content']))
      throw new Refused(a.badBody, 'card.elements has no markdown element with content');
    const text = markdowns.map((e) => String(e['content'])).join('\n');
    return { robotId: robot.id, platform: 'feishu', title: titleObject['content'], text, body, query: {} };
  }

  function robotFor(platform: RobotPlatform, url: URL): string | undefined {
    if (platform === 'wecom') return url.searchParams.get('key') ?? undefined;
    if (platform === 'dingtalk') return url.searchParams.get('access_token') ?? undefined;
    return url.pathname.slice('/open-apis/bot/v2/hook/'.length);
  }

  function platformOf(pathname: string): RobotPlatform | undefined {
    if (pathname === '/cgi-bin/webhook/send') return 'wecom';
    if (pathname === '/robot/send') return 'dingtalk';
    if (pathname.startsWith('/open-apis/bot/v2/hook/')) return 'feishu';
    return undefined;
  }

  function answer(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  interface Reply {
    status: number;
    body: unknown;
    /** Leave the request unanswered. */
    hang?: true;
  }

  /** What the platform would answer this request; refusals and injected failures are recorded. */
  function decide(req: IncomingMessage, raw: Buffer): Reply {
    const url = new URL(req.url ?? '/', base);
    const platform = platformOf(url.pathname);
    const refuse = (robotId: string | undefined, reason: string, status: number, body: unknown): Reply => {
      refusals.push({ robotId, platform, path: url.pathname, reason });
      return { status, body };
    };
    if (!platform) {
      return refuse(undefined, `no robot path ${req.method ?? ''} ${url.pathname}`, 404, { error: 'not found' });
    }
    const answers = ANSWERS[platform];
    const robotId = robotFor(platform, url);
    const robot = robotId === undefined ? undefined : robots.get(robotId);
    if (!robot || robot.platform !== platform) {
      return refuse(robotId, `unknown ${platform} robot "${robotId ?? ''}"`, 200, answers.badKey);
    }
    requests.set(robot.id, (requests.get(robot.id) ?? 0) + 1);
    if (req.method !== 'POST')
      return refuse(robot.id, `method ${req.method ?? ''} instead of POST`, 405, answers.badBody);
    const contentType = req.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/json')) {
      return refuse(robot.id, `content-type "${contentType}" is not application/json`, 200, answers.badBody);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(robot.id, 'body is not JSON', 200, answers.badBody);
    }
    if (!isObject(body)) return refuse(robot.id, 'body is not a JSON object', 200, answers.badBody);
    const query = Object.fromEntries(url.searchParams);
    let message: AcceptedMessage;
    try {
      message =
        platform === 'wecom'
          ? checkWecom(robot, body)
          : platform === 'dingtalk'
            ? checkDingtalk(robot, body, query)
            : checkFeishu(robot, body, raw.length);
    } catch (err) {
      if (err instanceof Refused) return refuse(robot.id, err.message, 200, err.answer);
      throw err;
    }
    const failure = takeFailure(robot.id);
    if (failure) {
      failures.push({ robotId: robot.id, kind: failure });
      if (failure === 'hang') return { status: 0, body: null, hang: true };
      return failure === 'http500'
        ? { status: 500, body: { error: 'internal error' } }
        : { status: 200, body: answers.rateLimited };
    }
    accepted.push(message);
    for (const wake of waiters) wake();
    return { status: 200, body: answers.ok };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = decide(req, Buffer.concat(chunks));
    if (!reply.hang) answer(res, reply.status, reply.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      refusals.push({
        robotId: undefined,
        platform: undefined,
        path: req.url ?? '',
        reason: `receiver error: ${String(err)}`,
      });
      if (!res.headersSent) answer(res, 500, { error: String(err) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const messagesOf = (robotId?: string) => accepted.filter((m) => robotId === undefined || m.robotId === robotId);

  return {
    url: base,
    robot(platform, robotOptions = {}) {
      const id = robotOptions.id ?? `${platform}-${randomBytes(8).toString('hex')}`;
      const webhookUrl =
        platform === 'wecom'
          ? `${base}/cgi-bin/webhook/send?key=${id}`
          : platform === 'dingtalk'
            ? `${base}/robot/send?access_token=${id}`
            : `${base}/open-apis/bot/v2/hook/${id}`;
      const robot: Robot = { id, platform, secret: robotOptions.secret ?? '', webhookUrl };
      robots.set(id, robot);
      return robot;
    },
    messages: messagesOf,
    refusals,
    failures,
    requestCount: (robotId) =>
      robotId === undefined ? [...requests.values()].reduce((a, b) => a + b, 0) : (requests.get(robotId) ?? 0),
    failNext(n, kind, robotId) {
      pendingFailures.push({ robotId, kind, left: n });
    },
    waitForMessages(count, robotId, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = messagesOf(robotId);
          if (got.length < count) return;
          cleanup();
          resolve(got);
        };
        const timer = setTimeout(() => {
          cleanup();
          const refused = refusals.map((r) => `${r.platform ?? '?'} ${r.robotId ?? '?'}: ${r.reason}`).join('; ');
          reject(
            new Error(
              `${messagesOf(robotId).length} of ${count} messages arrived within ${timeoutMs} ms${refused ? `; refused: ${refused}` : ''}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    expectNoRefusals() {
      if (refusals.length === 0) return;
      throw new Error(
        `the webhook receiver refused ${refusals.length} request(s):\n${refusals.map((r) => `  ${r.platform ?? '?'} ${r.robotId ?? '?'} ${r.path}: ${r.reason}`).join('\n')}`,
      );
    },
    clearRefusals() {
      refusals.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
