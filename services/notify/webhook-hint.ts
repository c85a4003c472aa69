/** "abcdef123456" → "ab…56": enough to tell two robots apart, not enough to post to one. */
function mask(value: string): string {
  return value.length <= 6 ? '…' : `${value.slice(0, 2)}…${value.slice(-2)}`;
}

/** A path segment as the platform reads it; as written when it is not valid percent-encoding. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A stray "%" (the URL parser keeps it): throwing here would fail every channel list.
    return segment;
  }
}

/**
 * A webhook address as the API shows it: every query value (企业微信 key, 钉钉 access_token) and
 * every long path segment (飞书's hook token) masked, the host and path kept so organisers can
 * see which platform and which robot it is.
 */
export function webhookHint(webhookUrl: string): string {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return '…';
  }
  const path = url.pathname
    .split('/')
    .map((segment) => (segment.length >= 16 ? mask(decoded(segment)) : segment))
    .join('/');
  const query = [...url.searchParams].map(([name, value]) => `${name}=${mask(value)}`).join('&');
  return `${url.protocol}//${url.host}${path}${query === '' ? '' : `?${query}`}`;
}
