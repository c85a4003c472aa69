import { InvalidInputError } from '../shared/errors.ts';

/**
 * The hosts a robot webhook may point at. The server POSTs wherever a channel says, on an
 * organiser's word: without a list, a channel could make it POST to a service only it can reach
 * (a ClickHouse server's HTTP port runs the query in the address). The platforms' own hosts by
 * default; NOTIFY_WEBHOOK_HOSTS adds a private deployment's (or a test receiver's).
 */
export const PLATFORM_WEBHOOK_HOSTS = [
  'qyapi.weixin.qq.com',
  'oapi.dingtalk.com',
  'open.feishu.cn',
  'open.larksuite.com',
];

/** "host" allows any port of it; "host:port" that port only. */
export function webhookHostAllowed(webhookUrl: string, allowed: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  // The platforms answer on https; over http the robot's key would cross the network in clear.
  if (PLATFORM_WEBHOOK_HOSTS.includes(host) && url.protocol !== 'https:') return false;
  return allowed.some((entry) => entry === host || entry === url.host.toLowerCase());
}

export function refuseWebhookHost(webhookUrl: string, allowed: readonly string[]): void {
  if (webhookHostAllowed(webhookUrl, allowed)) return;
  if (URL.canParse(webhookUrl) && PLATFORM_WEBHOOK_HOSTS.includes(new URL(webhookUrl).hostname.toLowerCase())) {
    throw new InvalidInputError(
      'webhook_not_https',
      '机器人地址要以 https:// 开头（请复制群机器人设置里显示的完整地址）/ the webhook address must start with https:// (paste the whole address the robot’s settings show)',
      [{ path: 'body.webhookUrl', message: 'https only' }],
    );
  }
  const host = URL.canParse(webhookUrl) ? new URL(webhookUrl).host : webhookUrl;
  throw new InvalidInputError(
    'webhook_host_not_allowed',
    `机器人地址的主机 ${host} 不在允许的列表中（${allowed.join('、')}）：请复制群机器人设置里显示的地址；私有部署请运维在 NOTIFY_WEBHOOK_HOSTS 中加入该主机 / webhook host ${host} is not one of the allowed hosts (${allowed.join(', ')}): paste the address the group robot's settings show; for a private deployment, the operator adds the host to NOTIFY_WEBHOOK_HOSTS`,
    [{ path: 'body.webhookUrl', message: `host ${host} not allowed` }],
  );
}
