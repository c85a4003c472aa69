import { createHmac } from 'node:crypto';

/**
 * 钉钉 custom robot 加签: sign = Base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret)),
 * timestamp in milliseconds; both go into the webhook's query string (URL-encoded). 钉钉 refuses a
 * timestamp more than an hour away from its own clock.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/**
 * 飞书 custom bot 签名校验: sign = Base64(HmacSHA256(key = timestamp + "\n" + secret, message = "")),
 * timestamp in seconds; both go into the JSON body. Note the key/message order is the reverse of 钉钉's.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
