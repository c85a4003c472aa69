import type { Browser } from 'playwright-core';

/** A photo as a phone camera makes it, `width`×`height` (made by the browser's own JPEG encoder). */
export async function cameraPhoto(browser: Browser, width = 4000, height = 3000): Promise<Buffer> {
  const page = await browser.newPage();
  const dataUrl = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const c = canvas.getContext('2d');
      if (!c) throw new Error('no 2d');
      const g = c.createLinearGradient(0, 0, w, h);
      g.addColorStop(0, '#c62828');
      g.addColorStop(1, '#1565c0');
      c.fillStyle = g;
      c.fillRect(0, 0, w, h);
      for (let i = 0; i < 400; i++) {
        c.fillStyle = `hsl(${i * 7}, 70%, 50%)`;
        c.fillRect((i * 97) % w, (i * 61) % h, w / 50, w / 50);
      }
      return canvas.toDataURL('image/jpeg', 0.95);
    },
    [width, height] as const,
  );
  await page.close();
  return Buffer.from(dataUrl.split(',')[1] ?? '', 'base64');
}
