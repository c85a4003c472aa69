import { randomInt } from 'node:crypto';

/**
 * Short codes for display links (/s/7KQ2MX4P): typed into a TV's browser with a remote, read out
 * over the phone, pasted into a 企业微信 group. Digits and capitals without the ones people
 * confuse (0/O, 1/I/L), so what is read is what is typed.
 */
export const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * 31^8 ≈ 8.5·10^11 codes (39.6 bits). With a thousand live links and the guess limit of the
 * /s/ route (20 misses a minute per address), one address finds a link about once in 80 years
 * (docs/screens-and-print.md has the sums); the code is typed once per TV, so no longer.
 */
export const SHORT_CODE_LENGTH = 8;

/** A new code from the system's cryptographic random source. */
export function newShortCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < SHORT_CODE_LENGTH; i++) code += SHORT_CODE_ALPHABET.charAt(random(SHORT_CODE_ALPHABET.length));
  return code;
}

const CODE_PATTERN = new RegExp(`^[${SHORT_CODE_ALPHABET}]{${SHORT_CODE_LENGTH}}$`);

/**
 * The code someone typed, as it was issued: lower case, full-width characters, spaces and
 * hyphens (7kq2-mx4p) are forgiven; anything else that is not a code gives null.
 */
export function normaliseShortCode(typed: string): string | null {
  // NFKC: a Chinese input method in full-width mode types ７ＫＱ２.
  const code = typed.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  return CODE_PATTERN.test(code) ? code : null;
}

/** Where a short code leads: the path the console shows and a TV opens. */
export function shortPath(code: string): string {
  return `/s/${code}`;
}
