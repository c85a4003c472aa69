import { InvalidInputError } from './errors.ts';

/**
 * A request body's JSON: an empty body and malformed JSON are each 400 malformed_json, saying
 * which (an empty body is not JSON; `what` names what it should have held).
 */
export function parseJsonText(text: string, what: { zh: string; en: string }): unknown {
  if (text.trim() === '') {
    throw new InvalidInputError(
      'malformed_json',
      `请求体为空，应为${what.zh} / the body is empty: send ${what.en}`,
      undefined,
      400,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(
      'malformed_json',
      `请求体不是有效的 JSON / the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      undefined,
      400,
    );
  }
}
