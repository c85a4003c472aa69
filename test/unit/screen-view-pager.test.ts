import { describe, expect, it } from 'vitest';
import {
  advance,
  isDue,
  paginate,
  reconcile,
  rowsPerPage,
  seriesPage,
  type Position,
  type ViewSlot,
} from '../../services/screen/web/view-pager.ts';

describe('paginate', () => {
  it.each([
    { rows: 0, gaps: [], capacity: 10, pages: [[0, 0]] },
    { rows: 7, gaps: [], capacity: 10, pages: [[0, 7]] },
    { rows: 10, gaps: [], capacity: 10, pages: [[0, 10]] },
    {
      rows: 25,
      gaps: [],
      capacity: 10,
      pages: [
        [0, 10],
        [10, 20],
        [20, 25],
      ],
    },
    // a gap costs half a row: 3 leaders + gap + 7 rows = 10.5 rows, one too many for 10
    {
      rows: 10,
      gaps: [3],
      capacity: 10,
      pages: [
        [0, 9],
        [9, 10],
      ],
    },
    { rows: 10, gaps: [3], capacity: 11, pages: [[0, 10]] },
    // capacity below one still moves forward a row at a time
    {
      rows: 3,
      gaps: [],
      capacity: 0,
      pages: [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    },
  ])('$rows rows, gaps $gaps, capacity $capacity', ({ rows, gaps, capacity, pages }) => {
    expect(paginate(rows, gaps, capacity).map((p) => [p.start, p.end])).toEqual(pages);
  });

  it.each([
    [800, 80, 10],
    [790, 80, 9],
    [100, 80, 3],
    [800, 0, 3],
    [0, 80, 3],
  ])('rowsPerPage(%s, %s) = %s', (height, row, expected) => {
    expect(rowsPerPage(height, row)).toBe(expected);
  });
});

const slots: ViewSlot[] = [
  { key: 'overall', seconds: 20, pages: 2 },
  { key: 'around', seconds: 10, pages: 1 },
  { key: 'innovations', seconds: 15, pages: 1 },
];

describe('rotation', () => {
  it('pages through a view, then moves to the next view, then wraps', () => {
    let p: Position = { index: 0, key: 'overall', page: 0, since: 0 };
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      p = advance(slots, p, i);
      seen.push(`${p.key}:${p.page}`);
    }
    expect(seen).toEqual(['overall:1', 'around:0', 'innovations:0', 'overall:0', 'overall:1']);
  });

  it('is due after the view’s seconds', () => {
    const p: Position = { index: 1, key: 'around', page: 0, since: 1000 };
    expect(isDue(slots, p, 10_999)).toBe(false);
    expect(isDue(slots, p, 11_000)).toBe(true);
  });

  it('keeps view, page and page time across a data update', () => {
    const p: Position = { index: 0, key: 'overall', page: 1, since: 500 };
    expect(reconcile(slots, p, 9000)).toEqual(p);
  });

  it('follows a view that moved to another index', () => {
    const p: Position = { index: 1, key: 'around', page: 0, since: 500 };
    const moved = [slots[1], slots[0], slots[2]] as ViewSlot[];
    expect(reconcile(moved, p, 9000)).toEqual({ index: 0, key: 'around', page: 0, since: 500 });
  });

  it('clamps the page when a view got shorter', () => {
    const p: Position = { index: 0, key: 'overall', page: 1, since: 500 };
    const shorter = [{ key: 'overall', seconds: 20, pages: 1 }];
    expect(reconcile(shorter, p, 9000)?.page).toBe(0);
  });

  it('hands over to the view in its place when the shown view vanished', () => {
    const p: Position = { index: 1, key: 'gone', page: 3, since: 500 };
    expect(reconcile(slots, p, 9000)).toEqual({ index: 1, key: 'around', page: 0, since: 9000 });
    expect(reconcile([], p, 9000)).toBeNull();
    expect(reconcile(slots, null, 9000)).toEqual({ index: 0, key: 'overall', page: 0, since: 9000 });
  });
});

describe('seriesPage', () => {
  // Overall (3 pages), then the branch pages of one 各分公司排名 view: 杭州 2 pages, 宁波 1, 温州 1.
  const slots = [
    { key: '0', series: '0', seconds: 20, pages: 3 },
    { key: '1:branch:hz', series: '1', seconds: 15, pages: 2 },
    { key: '1:branch:nb', series: '1', seconds: 15, pages: 1 },
    { key: '1:branch:wz', series: '1', seconds: 15, pages: 1 },
  ];
  it.each([
    [0, 1, 2, 3],
    [1, 0, 1, 4],
    [1, 1, 2, 4],
    [2, 0, 3, 4],
    [3, 0, 4, 4],
  ])('view %i page %i reads %i of %i', (index, page, expected, pages) => {
    expect(seriesPage(slots, { index, page })).toEqual({ page: expected, pages });
  });
});
