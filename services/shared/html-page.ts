const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every text from data goes through this on a server-rendered page: names are typed by organisers and imported from sheets. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * The start of a server-rendered page in Chinese, up to <body>: its title, its stylesheet and
 * script from this server (the Content-Security-Policy allows nothing inline), no favicon request.
 */
export function pageHead(page: { title: string; stylesheet: string; script?: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(page.title)}</title>
<link rel="stylesheet" href="${page.stylesheet}">
${page.script === undefined ? '' : `<script src="${page.script}" defer></script>\n`}</head>`;
}
