import { InvalidInputError, formatPath } from '../shared/errors.ts';
import { parseJsonText } from '../shared/json-text.ts';

/**
 * Where a parsed JSON value holds a key that changes how every object behaves once code copies
 * it with Object.assign or a merge: `__proto__`, or `constructor` holding `prototype` (prototype
 * pollution). JSON.parse itself makes them plain own keys, so they are found by walking.
 */
export function forbiddenKeyPath(value: unknown): string | undefined {
  // Each node links to its parent instead of carrying a copy of its path: copying cost the square
  // of the depth, and a 300 KB body nested 50,000 deep held the server's one event loop for minutes.
  interface Step {
    node: unknown;
    key: string | number | undefined;
    parent: Step | undefined;
  }
  const pathOf = (step: Step, ...tail: string[]): string => {
    const keys: (string | number)[] = [];
    for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) keys.push(at.key);
    return formatPath([...keys.reverse(), ...tail]);
  };
  const stack: Step[] = [{ node: value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    const { node } = step;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, key: i, parent: step }));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node) as [string, unknown][]) {
        if (key === '__proto__') return pathOf(step, key);
        if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) {
          return pathOf(step, key, 'prototype');
        }
        stack.push({ node: child, key, parent: step });
      }
    }
  }
  return undefined;
}

/**
 * The JSON request bodies of every route but POST /v1/events (which reports its events one by
 * one): an empty body, malformed JSON and forbidden keys each say what is wrong and where.
 */
export function parseJsonBody(text: string): unknown {
  const value = parseJsonText(text, { zh: ' JSON', en: 'a JSON document' });
  // Only a body that can hold such a key is walked (a \u escape could spell one).
  if (text.includes('__proto__') || text.includes('prototype') || text.includes('\\u')) {
    const path = forbiddenKeyPath(value);
    if (path !== undefined) {
      throw new InvalidInputError(
        'forbidden_key',
        `请求体含有不允许的键 ${path}：它会改变所有对象的行为，请删除 / the body holds the key ${path}, which is refused because it would change how every object behaves (prototype pollution): remove it`,
        { path },
        400,
      );
    }
  }
  return value;
}
