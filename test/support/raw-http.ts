import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as received (not decompressed). */
  bytes: Buffer;
  json: () => { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
}

/**
 * One HTTP request over a real socket with the path and headers exactly as given: fetch would
 * normalise the path and refuses to set Host, which these tests need to control.
 */
export function rawRequest(
  base: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        setHost: !Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'host'),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            bytes,
            json: () => JSON.parse(text) as ReturnType<RawResponse['json']>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Every byte percent-encoded, letters and digits included: how a client may hide a value. */
export const percentEncodeEvery = (text: string): string => Buffer.from(text).toString('hex').replace(/../g, '%$&');
