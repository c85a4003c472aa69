const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const UTF16LE_BOM = [0xff, 0xfe] as const;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * The text of a registry file as organisers export it from a spreadsheet. Which encoding a file
 * is in depends on the "Save as" type chosen, and no file says so except through a BOM.
 */
export function decodeText(bytes: Uint8Array): string {
  // Excel's "CSV UTF-8" writes a BOM; left in, it would stick to the first header ("\uFEFF分公司编号").
  if (startsWith(bytes, UTF8_BOM)) return new TextDecoder('utf-8').decode(bytes.subarray(UTF8_BOM.length));
  // Excel's "Unicode text" is UTF-16LE with a BOM. Without one UTF-16 cannot be told from other
  // encodings reliably, so a BOM-less file is never guessed to be UTF-16.
  if (startsWith(bytes, UTF16LE_BOM)) return new TextDecoder('utf-16le').decode(bytes.subarray(UTF16LE_BOM.length));
  // WPS, LibreOffice, Numbers and scripts write UTF-8 without a BOM. Chinese text in GBK is almost
  // never valid UTF-8, so a strict decode that succeeds is strong evidence the file is UTF-8.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Chinese Excel's "CSV (逗号分隔)" writes the ANSI code page 936 (GBK) without a BOM;
    // GB18030 is its superset, so it reads GBK files and the rare characters GBK lacks.
    return new TextDecoder('gb18030').decode(bytes);
  }
}
