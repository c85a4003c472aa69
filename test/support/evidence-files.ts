import sharp from 'sharp';

/** A map datum written into the GPS block: its text shows whether the GPS block survived. */
export const GPS_MARK = 'WGS-84';

/**
 * A phone-like JPEG with a GPS location (30°15'32.1"N 120°9'E, 杭州) and a camera make in its EXIF,
 * made here so the test does not depend on a photo checked into the repository.
 */
export async function jpegWithLocation(colour = { r: 200, g: 50, b: 50 }, width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .withExif({
      IFD0: { Make: 'TestPhone' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '30/1 15/1 3210/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '120/1 9/1 0/1',
        GPSMapDatum: GPS_MARK,
      },
    })
    .jpeg()
    .toBuffer();
}

export async function pngImage(width = 20, height = 10): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 120, b: 200, alpha: 1 } } })
    .png()
    .toBuffer();
}

/** A small valid PDF (one empty page), as text. */
export const SMALL_PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;
