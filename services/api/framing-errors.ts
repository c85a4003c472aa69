import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Requests that never reach a route: Node's HTTP parser refuses them (a bad Content-Length, a
 * broken chunked body, headers or a URL over maxHeaderSize), or fastify's router does (a URL
 * that does not decode, a path parameter over maxParamLength). Node and fastify answer those in
 * shapes of their own; these give the product's `{"error": {code, message, details}}`.
 */
export interface FramingAnswer {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Node's llhttp error codes (err.code of the server's 'clientError') and what a sender should fix. */
export function clientErrorAnswer(err: { code?: unknown; reason?: unknown }, maxHeaderBytes: number): FramingAnswer {
  const reason = typeof err.code === 'string' ? err.code : 'unknown';
  const details = { reason, ...(typeof err.reason === 'string' ? { parser: err.reason } : {}) };
  switch (reason) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'headers_too_large',
        message: `请求行和请求头超过 ${maxHeaderBytes} 字节：请缩短网址或请求头 / the request line and headers are larger than ${maxHeaderBytes} bytes: shorten the URL or the headers`,
        details: { ...details, maxHeaderBytes },
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request_timeout',
        message: '请求未在时限内发完 / the request was not received in time; send it again',
        details,
      };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return {
        status: 400,
        code: 'bad_content_length',
        message:
          'Content-Length 无效：应为一个字节数，且不能与 Transfer-Encoding 同时出现 / invalid Content-Length: it must be one number of bytes, and not come together with Transfer-Encoding',
        details,
      };
    case 'HPE_INVALID_EOF_STATE':
      return {
        status: 400,
        code: 'body_incomplete',
        message:
          '请求体未达到 Content-Length 所说的字节数连接就结束了 / the connection ended before the body reached its Content-Length: send the whole body, or the right length',
        details,
      };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return {
        status: 400,
        code: 'bad_transfer_encoding',
        message:
          'Transfer-Encoding 无效：只支持 chunked，且不能与 Content-Length 同时出现 / invalid Transfer-Encoding: only chunked is understood, and not together with Content-Length',
        details,
      };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 400,
        code: 'bad_chunked_body',
        message:
          '分块传输的请求体格式错误 / the chunked body is malformed: each chunk is its size in hex, CRLF, the bytes, CRLF, and a last chunk of size 0',
        details,
      };
    default:
      return {
        status: 400,
        code: 'malformed_request',
        message: `请求不符合 HTTP 协议 / the request is not valid HTTP/1.1 (${reason})`,
        details,
      };
  }
}

/**
 * These answers leave before @fastify/helmet's hooks could run: they carry what a JSON refusal
 * needs of its headers themselves (never sniffed as a page, nothing to load, never framed).
 */
const REFUSAL_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

function errorBody(answer: FramingAnswer): string {
  const { code, message, details } = answer;
  return JSON.stringify({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/** fastify's clientErrorHandler: writes the answer on the socket (no request exists yet) and closes it. */
export function createClientErrorHandler(maxHeaderBytes: number) {
  return function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
    // A reset connection has no one to answer (Node's own handler does the same).
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const answer = clientErrorAnswer(err, maxHeaderBytes);
    const body = errorBody(answer);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          Object.entries(REFUSAL_HEADERS)
            .map(([name, value]) => `${name}: ${value}\r\n`)
            .join('') +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/** The router's refusals (fastify's frameworkErrors option). */
export function frameworkErrorAnswer(error: FastifyError, maxParamLength: number): FramingAnswer {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return {
        status: 400,
        code: 'bad_url',
        message:
          '网址含有无法解码的 % 转义 / the URL holds a % escape that does not decode to UTF-8: percent-encode the path, e.g. %E7%8F%AD for 班',
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        code: 'url_too_long',
        message: `网址中的编号超过 ${maxParamLength} 个字符 / a path segment is longer than ${maxParamLength} characters; ids have at most 128 (${maxParamLength} percent-encoded)`,
        details: { maxParamLength },
      };
    default:
      return { status: 400, code: 'bad_request', message: error.message };
  }
}

export function createFrameworkErrors(maxParamLength: number) {
  return function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
    const answer = frameworkErrorAnswer(error, maxParamLength);
    void reply
      .code(answer.status)
      .headers(REFUSAL_HEADERS)
      .type('application/json; charset=utf-8')
      .send(errorBody(answer));
  };
}
