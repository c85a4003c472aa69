import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { InvalidInputError } from '../shared/errors.ts';

const inflate = promisify(inflateRaw);

/** How much a workbook may unpack to before it is read: a few kilobytes of zip can hold gigabytes. */
export interface XlsxLimits {
  /** All its parts together, uncompressed. */
  maxUncompressedBytes: number;
  /** Parts in the zip. */
  maxEntries: number;
  /** Rows with values in the sheet that is read. */
  maxRows: number;
}

/**
 * exceljs holds a whole workbook as objects, about 13 bytes of memory per unpacked byte (measured:
 * a 100,000-crew roster unpacks to 52 MB and peaks at 680 MB): 50 MB keeps one import under about
 * 700 MB. Larger registries are imported in several files (or as CSV, which has no such cost).
 */
export const DEFAULT_XLSX_LIMITS: XlsxLimits = {
  maxUncompressedBytes: 50 * 1024 * 1024,
  maxEntries: 2_000,
  maxRows: 100_000,
};

const SAVE_AS_XLSX = '请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）后再上传';
const SAVE_AS_XLSX_EN = 'save it as an Excel workbook (*.xlsx) in Excel or WPS and upload that';

function refuse(code: string, zh: string, en: string, status = 422): InvalidInputError {
  return new InvalidInputError(code, `${zh} / ${en}`, undefined, status);
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function containsUtf16(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(text, 'utf16le'));
}

/**
 * An Office file of the old binary kind (a compound file): an .xls workbook, or an .xlsx that has
 * an open password, which Excel and WPS store encrypted inside such a container.
 */
function encrypted(): InvalidInputError {
  return refuse(
    'workbook_encrypted',
    '此工作簿设置了打开密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后保存，再上传',
    'this workbook has an open password (it is encrypted) and cannot be read: remove the password in Excel or WPS (File → Info → Protect Workbook → Encrypt with Password, clear it), save, and upload again',
  );
}

function compoundFileError(bytes: Uint8Array): InvalidInputError {
  if (containsUtf16(bytes, 'EncryptedPackage')) return encrypted();
  if (containsUtf16(bytes, 'Workbook') || containsUtf16(bytes, 'Book')) {
    return refuse(
      'workbook_xls',
      `这是旧版 Excel 97-2003 工作簿（.xls），不能直接读取：${SAVE_AS_XLSX}`,
      `this is an old Excel 97-2003 workbook (.xls), which is not read: ${SAVE_AS_XLSX_EN}`,
    );
  }
  return refuse(
    'not_a_workbook',
    `这是旧版 Office 文件（如 .doc），不是 Excel 工作簿：${SAVE_AS_XLSX}`,
    `this is an old Office file (such as .doc), not an Excel workbook: ${SAVE_AS_XLSX_EN}`,
  );
}

/** Bytes that are text: a CSV, a web page or XML given an Excel name, or a CSV sent as .xlsx. */
function textError(bytes: Uint8Array): InvalidInputError {
  const head = new TextDecoder('utf-8')
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^<(!doctype html|html|table|meta|head|body)\b/i.test(head)) {
    return refuse(
      'not_a_workbook',
      `这是网页（HTML）文件，只是用了 Excel 的扩展名（一些系统这样“导出 Excel”）：请用 Excel 或 WPS 打开，另存为 Excel 工作簿（*.xlsx）后再上传`,
      'this is a web page (HTML) with an Excel file name, as some systems "export to Excel": open it in Excel or WPS, save it as an Excel workbook (*.xlsx) and upload that',
    );
  }
  if (/^<\?xml\b/i.test(head)) {
    return refuse(
      'not_a_workbook',
      `这是 XML 文件（如“XML 电子表格 2003”），不是 .xlsx 工作簿：${SAVE_AS_XLSX}`,
      `this is an XML file (such as "XML Spreadsheet 2003"), not an .xlsx workbook: ${SAVE_AS_XLSX_EN}`,
    );
  }
  return refuse(
    'not_a_workbook',
    '这是文本文件（CSV），不是 .xlsx 工作簿：请按 CSV 上传（把扩展名改为 .csv），或在 Excel 中另存为 Excel 工作簿（*.xlsx）',
    'this is a text (CSV) file, not an .xlsx workbook: upload it as CSV (name it .csv, content-type text/csv) or save it as an Excel workbook (*.xlsx)',
  );
}

function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  // UTF-16 text (Excel's "Unicode text") has NULs but starts with its BOM.
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return true;
  return !head.includes(0);
}

function corrupt(detail: string): InvalidInputError {
  return refuse(
    'workbook_corrupt',
    `文件已损坏或不完整（可能没有下载或复制完整），无法读取：请在 Excel 或 WPS 中打开确认，重新保存后再上传（${detail}）`,
    `the file is damaged or incomplete (perhaps not fully downloaded or copied) and cannot be read: open it in Excel or WPS, save it again and upload that (${detail})`,
  );
}

function tooLarge(limits: XlsxLimits): InvalidInputError {
  const mb = Math.round(limits.maxUncompressedBytes / (1024 * 1024));
  return refuse(
    'workbook_too_large',
    `工作簿解压后超过 ${mb} MB（或部件过多），不予读取：请删去图片、多余的工作表和格式，或拆分为几个文件`,
    `the workbook unpacks to more than ${mb} MB (or has too many parts) and is not read: remove pictures, extra sheets and formatting, or split it into several files`,
    413,
  );
}

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** The zip's table of contents (its central directory), read without unpacking anything. */
function centralDirectory(buf: Buffer, limits: XlsxLimits): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('no zip directory: the end of the file is missing');
  let count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || buf.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) throw corrupt('bad zip64 directory');
    const record = Number(buf.readBigUInt64LE(locator + 8));
    if (record + 56 > buf.length || buf.readUInt32LE(record) !== ZIP64_EOCD_SIGNATURE) {
      throw corrupt('bad zip64 directory');
    }
    count = Number(buf.readBigUInt64LE(record + 32));
    offset = Number(buf.readBigUInt64LE(record + 48));
  }
  if (count > limits.maxEntries) throw tooLarge(limits);
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw corrupt('bad zip directory entry');
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
      flags: buf.readUInt16LE(at + 8),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      uncompressedSize: buf.readUInt32LE(at + 24),
      localOffset: buf.readUInt32LE(at + 42),
    };
    readZip64Sizes(buf.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Sizes and offsets too large for 32 bits are in the zip64 extra field, in this order. */
function readZip64Sizes(extra: Buffer, entry: ZipEntry): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = () => {
        const value = field + 8 <= at + 4 + size ? Number(extra.readBigUInt64LE(field)) : undefined;
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next() ?? entry.uncompressedSize;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localOffset === 0xffffffff) entry.localOffset = next() ?? entry.localOffset;
      return;
    }
    at += 4 + size;
  }
}

function entryData(buf: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL_SIGNATURE) throw corrupt(`bad zip entry ${entry.name}`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  if (start + entry.compressedSize > buf.length) throw corrupt(`zip entry ${entry.name} is cut short`);
  return buf.subarray(start, start + entry.compressedSize);
}

/** What kind of zip it is, by its parts: only an .xlsx (or .xlsm) workbook is read. */
function zipKindError(names: ReadonlySet<string>, mimetype: string | undefined): InvalidInputError | null {
  if (names.has('xl/workbook.xml')) return null;
  if (names.has('xl/workbook.bin')) {
    return refuse(
      'workbook_xlsb',
      `这是 Excel 二进制工作簿（.xlsb），不能直接读取：${SAVE_AS_XLSX}`,
      `this is an Excel binary workbook (.xlsb), which is not read: ${SAVE_AS_XLSX_EN}`,
    );
  }
  if (mimetype?.startsWith('application/vnd.oasis.opendocument.spreadsheet')) {
    return refuse(
      'not_a_workbook',
      `这是 OpenDocument 表格（.ods），不能直接读取：${SAVE_AS_XLSX}`,
      `this is an OpenDocument spreadsheet (.ods), which is not read: ${SAVE_AS_XLSX_EN}`,
    );
  }
  if (names.has('word/document.xml')) {
    return refuse(
      'not_a_workbook',
      `这是 Word 文档，不是 Excel 工作簿：${SAVE_AS_XLSX}`,
      `this is a Word document, not an Excel workbook: ${SAVE_AS_XLSX_EN}`,
    );
  }
  return refuse(
    'not_a_workbook',
    `这是压缩包（zip），不是 Excel 工作簿：${SAVE_AS_XLSX}`,
    `this is a zip archive, not an Excel workbook: ${SAVE_AS_XLSX_EN}`,
  );
}

/**
 * Checks that the bytes are an .xlsx workbook that unpacks within the limits, before the
 * spreadsheet library reads it (which unpacks every part in memory). Every part is inflated here
 * with a ceiling, since the sizes a zip declares may lie. Throws an error that says what the
 * file is instead and what to do, in Chinese and English.
 */
export async function checkXlsxPackage(bytes: Uint8Array, limits: XlsxLimits = DEFAULT_XLSX_LIMITS): Promise<void> {
  if (bytes.length === 0) throw refuse('workbook_empty', '文件是空的', 'the file is empty');
  if (startsWith(bytes, CFB_MAGIC)) throw compoundFileError(bytes);
  if (!startsWith(bytes, ZIP_MAGIC) && !startsWith(bytes, EMPTY_ZIP_MAGIC)) {
    if (looksLikeText(bytes)) throw textError(bytes);
    throw refuse(
      'not_a_workbook',
      `这不是 Excel 工作簿（.xlsx）：${SAVE_AS_XLSX}`,
      `this is not an Excel workbook (.xlsx): ${SAVE_AS_XLSX_EN}`,
    );
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = centralDirectory(buf, limits);
  const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes) throw tooLarge(limits);

  let budget = limits.maxUncompressedBytes;
  let mimetype: string | undefined;
  let strict = false;
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    // Zip-level passwords (bit 0) are not how Excel encrypts, but some tools do it.
    if ((entry.flags & 1) !== 0) throw encrypted();
    const data = entryData(buf, entry);
    let unpacked: Buffer;
    if (entry.method === 0) unpacked = data;
    else if (entry.method === 8) {
      try {
        unpacked = await inflate(data, { maxOutputLength: Math.max(1, budget) });
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limits);
        throw corrupt(`zip entry ${entry.name} cannot be unpacked`);
      }
    } else throw corrupt(`zip entry ${entry.name} uses compression method ${entry.method}`);
    budget -= unpacked.length;
    if (budget < 0) throw tooLarge(limits);
    if (entry.name === 'mimetype') mimetype = unpacked.toString('ascii', 0, 100);
    if (entry.name === 'xl/workbook.xml') strict = unpacked.includes('purl.oclc.org/ooxml/spreadsheetml');
  }
  const kind = zipKindError(new Set(entries.map((e) => e.name)), mimetype);
  if (kind) throw kind;
  if (strict) {
    throw refuse(
      'workbook_strict',
      '这是“Strict Open XML 电子表格”格式，不能直接读取：请另存为“Excel 工作簿（*.xlsx）”后再上传',
      'this workbook is saved as "Strict Open XML Spreadsheet", which is not read: save it as "Excel Workbook (*.xlsx)" and upload that',
    );
  }
}

/** A workbook that passed the checks above and still cannot be read by the spreadsheet library. */
export function unreadableWorkbook(detail: string): InvalidInputError {
  return corrupt(detail);
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Bytes of an Office file (a zip, or the old compound file): read as a workbook, whatever the upload said. */
export function isWorkbookFile(bytes: Uint8Array): boolean {
  return startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, EMPTY_ZIP_MAGIC) || startsWith(bytes, CFB_MAGIC);
}
