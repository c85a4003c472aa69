/** Where a TV opens a display link, and whether it can reach that address at all. Pure. */

export function screenUrl(origin: string, path: string): string {
  return `${origin.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** 127.0.0.1, ::1 and localhost reach only this computer: a TV needs the machine's LAN address. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
