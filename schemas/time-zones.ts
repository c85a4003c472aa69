/**
 * Time zones whose calendar days match the daily rollup (UTC+08:00, no daylight saving). Kept free
 * of zod so the console's bundle can list them without shipping the schema library.
 */
export const SUPPORTED_TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Chongqing',
  'Asia/Hong_Kong',
  'Asia/Macau',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'Asia/Manila',
  'Asia/Brunei',
] as const;
