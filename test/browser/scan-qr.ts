import jsQRModule from 'jsqr';
import type { Page } from 'playwright-core';

// jsqr is CommonJS whose typings say `export default`: under NodeNext the default is the module itself.
const jsQR = jsQRModule.default;

/** Reads a QR code off the page as a phone would: the picture's pixels, decoded. */
export async function scanQr(target: Page, selector: string): Promise<string> {
  const pixels = await target.$eval(selector, async (svg) => {
    const image = new Image();
    image.src = `data:image/svg+xml;base64,${btoa(new XMLSerializer().serializeToString(svg))}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 400;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 400, 400);
    context.drawImage(image, 20, 20, 360, 360);
    return Array.from(context.getImageData(0, 0, 400, 400).data);
  });
  const code = jsQR(Uint8ClampedArray.from(pixels), 400, 400);
  if (!code) throw new Error('no QR code found');
  return code.data;
}
