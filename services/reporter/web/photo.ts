import { fitLongEdge } from './photo-size.ts';

/** Long edge and JPEG quality of what leaves the phone: a 12 MP photo of 4 MB becomes ~300 kB. */
export const PHOTO_LONG_EDGE = 1600;
export const PHOTO_QUALITY = 0.8;
const THUMB_EDGE = 160;

export interface ResizedPhoto {
  jpeg: Blob;
  width: number;
  height: number;
  /** A small data: URL to show in the form (the page's policy allows data: images, not blob:). */
  thumb: string;
}

function canvasOf(width: number, height: number, image: CanvasImageSource): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('canvas 2d is not available');
  // JPEG has no transparency: a PNG screenshot's transparent parts become white, not black.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  return canvas;
}

function toJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the photo could not be encoded'))),
      'image/jpeg',
      quality,
    );
  });
}

/**
 * A photo as the phone's camera made it, resized before upload. createImageBitmap applies the
 * EXIF orientation (a portrait photo stays upright); re-encoding drops the EXIF block, location
 * included, on the phone already.
 */
export async function resizePhoto(
  file: Blob,
  longEdge = PHOTO_LONG_EDGE,
  quality = PHOTO_QUALITY,
): Promise<ResizedPhoto> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const size = fitLongEdge(bitmap.width, bitmap.height, longEdge);
    const jpeg = await toJpeg(canvasOf(size.width, size.height, bitmap), quality);
    const small = fitLongEdge(bitmap.width, bitmap.height, THUMB_EDGE);
    const thumb = canvasOf(small.width, small.height, bitmap).toDataURL('image/jpeg', 0.7);
    return { jpeg, ...size, thumb };
  } finally {
    bitmap.close();
  }
}
