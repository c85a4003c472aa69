/** Characters Windows does not allow in file names, and control characters. */
function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|]|\p{Cc}/gu, '_');
}

/** RFC 5987 attr-char: what encodeURIComponent leaves alone except ' ( ) *, which it must encode too. */
function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A download's Content-Disposition: the Chinese file name as RFC 6266 / 5987 filename* (every
 * current browser), and an ASCII one for clients that only read filename.
 */
export function attachment(fileName: string, asciiFallback: string): string {
  const name = safeFileName(fileName).trim() || asciiFallback;
  const ascii = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}
