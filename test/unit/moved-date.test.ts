import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { movedDate, movedDateOffsetMs } from '../support/moved-date.ts';

describe('the system date moved inside test workers (scripts/faketime-test.sh)', () => {
  it("reads libfaketime's offset, and nothing in an ordinary run", () => {
    expect(movedDateOffsetMs({ FAKETIME: '+4961645s' })).toBe(4_961_645_000);
    expect(movedDateOffsetMs({ FAKETIME: '-60s' })).toBe(-60_000);
    expect(movedDateOffsetMs({})).toBeUndefined();
    expect(() => movedDateOffsetMs({ FAKETIME: '@2027-01-31 23:50:00' })).toThrow(/expected an offset like \+86400s/);
  });

  it('moves now and only now: explicit dates, parsing and instanceof are the real ones', () => {
    const day = 86_400_000;
    const Moved = movedDate(Date, 400 * day);
    const before = Date.now();
    const now = Moved.now();
    const constructed = new Moved();
    expect(now - before).toBeGreaterThanOrEqual(400 * day);
    expect(now - before).toBeLessThan(400 * day + 5_000);
    expect(constructed.getTime() - now).toBeLessThan(5_000);
    expect(constructed).toBeInstanceOf(Date);
    expect(new Date(0)).toBeInstanceOf(Moved);
    expect(new Moved('2028-02-29T12:00:00+08:00').toISOString()).toBe('2028-02-29T04:00:00.000Z');
    expect(new Moved(2027, 0, 31).getDate()).toBe(31);
    expect(Moved.parse('2027-03-28T01:30:00Z')).toBe(Date.UTC(2027, 2, 28, 1, 30));
    expect(Moved.UTC(2028, 1, 29)).toBe(Date.UTC(2028, 1, 29));
    expect(new Date((Moved as unknown as () => string)()).getTime() - now).toBeLessThan(5_000);
  });

  it('lets a test replace now, as on a real Date, without touching the real one', () => {
    const Moved = movedDate(Date, 60_000);
    const base = Moved.now.bind(Moved);
    Moved.now = () => base() - 3_600_000;
    expect(Date.now() - Moved.now()).toBeGreaterThan(3_500_000);
    expect(Math.abs(Date.now() - new Moved().getTime() + 60_000)).toBeLessThan(5_000);
  });
});

describe('in this run', () => {
  it("the worker's date is the one the machine shows to the processes it starts", () => {
    // Under scripts/faketime-test.sh `date` runs with libfaketime, and this worker moves its Date itself.
    const shown = Number(execFileSync('date', ['+%s'], { encoding: 'utf8' }).trim()) * 1000;
    expect(Math.abs(Date.now() - shown)).toBeLessThan(5_000);
  });
});
