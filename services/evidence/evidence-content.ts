import sharp from 'sharp';
import type { EvidenceContentType } from '../../schemas/evidence-upload.schema.ts';
import { InvalidInputError } from '../shared/errors.ts';

/** What a type is called, in Chinese and in English. */
const TYPE_NAMES: Record<EvidenceContentType, readonly [string, string]> = {
  'image/jpeg': ['JPEG 照片', 'a JPEG photo'],
  'image/png': ['PNG 图片', 'a PNG image'],
  'image/webp': ['WebP 图片', 'a WebP image'],
  'application/pdf': ['PDF 文件', 'a PDF document'],
};

/** Whether the bytes at `at` are these (ASCII/Latin-1) characters. */
const startsWith = (bytes: Uint8Array, at: number, text: string) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .subarray(at, at + text.length)
    .equals(Buffer.from(text, 'latin1'));

/** What the first bytes say a file is; undefined for anything else (HTML, an .exe, a HEIC photo …). */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceContentType | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (startsWith(bytes, 0, '\x89PNG\r\n\x1a\n')) return 'image/png';
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP')) return 'image/webp';
  if (startsWith(bytes, 0, '%PDF-')) return 'application/pdf';
  return undefined;
}

export interface PreparedEvidence {
  bytes: Uint8Array;
  contentType: EvidenceContentType;
  width?: number;
  height?: number;
}

export interface PrepareOptions {
  /** The Content-Type the upload was sent with (without parameters). */
  declared: string;
  /** Keep EXIF (the GPS location among it): only where an organiser asked for it. */
  keepMetadata: boolean;
  maxPixels: number;
}

/**
 * Checks that the bytes are what their Content-Type says, and re-encodes images: turned upright
 * from their EXIF orientation and written without EXIF, XMP or IPTC (a phone photo's GPS
 * location, its owner's name), unless keepMetadata. PDFs are kept as sent.
 */
export async function prepareEvidence(bytes: Uint8Array, options: PrepareOptions): Promise<PreparedEvidence> {
  const actual = sniffEvidenceType(bytes);
  if (actual === undefined) {
    throw new InvalidInputError(
      'evidence_type_unknown',
      `文件内容不是 JPEG、PNG、WebP 照片或 PDF（请求体开头 ${hexStart(bytes)}）/ the body is not a JPEG, PNG or WebP image nor a PDF (its first bytes are ${hexStart(bytes)}); iPhone HEIC photos: choose "Most Compatible" or let the phone page convert them`,
      undefined,
      415,
    );
  }
  if (actual !== options.declared) {
    throw new InvalidInputError(
      'evidence_type_mismatch',
      `Content-Type 是 ${options.declared}，但文件内容是${TYPE_NAMES[actual][0]} / the Content-Type header says ${options.declared} but the body is ${TYPE_NAMES[actual][1]}: send Content-Type: ${actual}`,
      undefined,
      415,
    );
  }
  if (actual === 'application/pdf') return { bytes, contentType: actual };
  return reencodeImage(bytes, actual, options);
}

async function reencodeImage(
  bytes: Uint8Array,
  contentType: Exclude<EvidenceContentType, 'application/pdf'>,
  options: PrepareOptions,
): Promise<PreparedEvidence> {
  try {
    // failOn 'error': a truncated photo is refused, not stored grey at the bottom.
    let image = sharp(bytes, { failOn: 'error', limitInputPixels: options.maxPixels }).rotate();
    if (options.keepMetadata) image = image.keepMetadata();
    image =
      contentType === 'image/jpeg'
        ? image.jpeg({ quality: 85, mozjpeg: true })
        : contentType === 'image/png'
          ? image.png()
          : image.webp({ quality: 85 });
    const { data, info } = await image.toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data), contentType, width: info.width, height: info.height };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/pixel limit/i.test(message)) {
      throw new InvalidInputError(
        'evidence_too_many_pixels',
        `图片像素过多（上限 ${options.maxPixels} 像素）/ the image has more than ${options.maxPixels} pixels (EVIDENCE_MAX_PIXELS): resize it before uploading`,
        undefined,
        413,
      );
    }
    throw new InvalidInputError(
      'evidence_image_unreadable',
      `图片已损坏或不完整，无法读取 / the ${contentType} image cannot be read (damaged or cut off): ${message}`,
    );
  }
}

function hexStart(bytes: Uint8Array): string {
  return bytes.length === 0
    ? '(empty)'
    : [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
