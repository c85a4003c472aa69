/**
 * A light shape check of what the stream sends. The page trusts its own server, but a proxy
 * error page or a half-deployed server must not crash a screen that runs unattended all day:
 * anything that does not look like ScreenData is ignored and the last good data stays up.
 */
import type { ScreenData } from '../../../schemas/screen.schema.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isView(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.key === 'string' &&
    Array.isArray(value.rows) &&
    Array.isArray(value.columns) &&
    isObject(value.title) &&
    value.rows.every((r) => isObject(r) && typeof r.crewId === 'string' && Array.isArray(r.cells))
  );
}

export function asScreenData(value: unknown): ScreenData | null {
  if (!isObject(value) || !Array.isArray(value.views) || !isObject(value.title)) return null;
  if (!value.views.every(isView)) return null;
  return value as unknown as ScreenData;
}

export function parseScreenData(text: string): ScreenData | null {
  try {
    return asScreenData(JSON.parse(text));
  } catch {
    return null;
  }
}

/** `{"error":{"code","message"}}` from the server, or null. */
export function errorOf(value: unknown): { code: string; message: string } | null {
  if (!isObject(value) || !isObject(value.error)) return null;
  const { code, message } = value.error;
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : null;
}

/** Colours go into CSS variables; accept only #rrggbb so data cannot smuggle in CSS. */
export function safeColour(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value) ? value : fallback;
}
