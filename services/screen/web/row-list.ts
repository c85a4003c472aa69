/**
 * The rows of the board. Each crew keeps one <li> while it stays on the page, so a live update
 * can MOVE the node and animate it (FLIP: measure, reorder, invert, let it glide back). Nodes of
 * crews that left the page are removed and forgotten, so a day of updates holds no garbage.
 */
import type { ScreenRow, ScreenViewData } from '../../../schemas/screen.schema.ts';
import type { BoardColumns } from './board-layout.ts';
import { vetoSpan } from './board-layout.ts';
import { entrantSubline, ownTag } from './entrant-words.ts';
import { gateReasons, pick, t, vetoReasons, type Lang } from './i18n.ts';
import { formatCell, formatScore, movement } from './number-format.ts';
import { reflow } from './reflow.ts';

export interface RowItem {
  row: ScreenRow;
  gapBefore: boolean;
}

export interface RowContext {
  lang: Lang;
  view: ScreenViewData;
  columns: BoardColumns;
  /** crews that climbed in a recent update → places gained */
  liveMoves: ReadonlyMap<string, number>;
}

interface RowParts {
  li: HTMLLIElement;
  shape: string;
  medal: HTMLSpanElement;
  move: HTMLDivElement;
  name: HTMLSpanElement;
  me: HTMLSpanElement;
  chip: HTMLSpanElement;
  award: HTMLSpanElement;
  sub: HTMLDivElement;
  branch: HTMLDivElement;
  cells: HTMLDivElement[];
  score: HTMLDivElement;
  veto: HTMLDivElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/** Writes only what changed: cheaper, and keeps running CSS transitions undisturbed. */
function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

function setAttr(node: HTMLElement, name: string, value: string | null): void {
  if (value === null) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

function shapeOf(columns: BoardColumns): string {
  return `${columns.movement ? 'm' : ''}${columns.branch ? 'b' : ''}${columns.score ? 's' : ''}${columns.indicators}`;
}

function buildRow(crewId: string, columns: BoardColumns): RowParts {
  const li = el('li', 'row');
  li.dataset.crewId = crewId;
  const rank = el('div', 'c c-rank');
  const medal = el('span', 'medal');
  rank.append(medal);
  const move = el('div', 'c c-move');
  const crew = el('div', 'c c-crew');
  const line = el('div', 'crew-line');
  const name = el('span', 'crew-name');
  const me = el('span', 'me-tag');
  const chip = el('span', 'live-chip');
  const award = el('span', 'award-tag');
  line.append(name, award, me, chip);
  const sub = el('div', 'crew-sub');
  crew.append(line, sub);
  const branch = el('div', 'c c-branch');
  const cells: HTMLDivElement[] = [];
  for (let i = 0; i < columns.indicators; i++) cells.push(el('div', 'c c-ind num'));
  const score = el('div', 'c c-score num');
  const veto = el('div', 'c c-veto');
  li.append(rank);
  if (columns.movement) li.append(move);
  li.append(crew);
  if (columns.branch) li.append(branch);
  li.append(...cells);
  if (columns.score) li.append(score);
  li.append(veto);
  return { li, shape: shapeOf(columns), medal, move, name, me, chip, award, sub, branch, cells, score, veto };
}

function fillRow(parts: RowParts, row: ScreenRow, ctx: RowContext): void {
  const { lang, view, columns } = ctx;
  const vetoed = row.rank === null || row.disqualified;
  // A failed 评优条件 keeps the rank but rules out any award: no medal, a stamp as plain as a veto's.
  const gateFailed = !vetoed && (row.award?.failedGates.length ?? 0) > 0;
  const grade = vetoed || gateFailed ? null : (row.award?.grade ?? null);
  const { li } = parts;
  setAttr(li, 'data-rank', row.rank === null ? '' : String(row.rank));
  const move = movement(view.kind === 'innovations' ? null : row.rankChange);
  setAttr(li, 'data-movement', move.kind);
  setAttr(li, 'data-vetoed', vetoed ? 'true' : null);
  setAttr(li, 'data-medal', !vetoed && !gateFailed && row.rank !== null && row.rank <= 3 ? String(row.rank) : null);
  setAttr(li, 'data-gate-failed', gateFailed ? 'true' : null);
  setAttr(li, 'data-grade', grade === null ? null : pick(grade, 'zh'));
  setText(parts.award, gateFailed ? t('notEligible', lang) : grade === null ? '' : pick(grade, lang));
  // Around me: the crew's own row, its unit's or branch's, or each of its persons'.
  const own = view.highlightIds.includes(row.crewId);
  setAttr(li, 'data-me', own ? 'true' : null);
  const live = ctx.liveMoves.get(row.crewId);
  setAttr(li, 'data-live-move', live === undefined ? null : 'up');

  setText(parts.medal, vetoed ? t('veto', lang) : String(row.rank));
  setText(parts.move, move.text);
  setText(parts.name, row.crewName);
  setText(parts.me, own ? ownTag(view.entrantLevel, lang) : '');
  setText(parts.chip, live === undefined ? '' : `↑${live}`);
  // A veto that zeroes one indicator leaves the crew ranked; its reason, and what a failed gate
  // saw, take the line under the name, since they are what the crew will ask about.
  const reasons = vetoReasons(row, lang);
  const partial = !vetoed && row.vetoes.length > 0;
  const notes = [partial ? reasons : '', gateFailed ? gateReasons(row, lang) : ''].filter((n) => n !== '');
  setAttr(li, 'data-veto-note', notes.length > 0 ? 'true' : null);
  setText(
    parts.sub,
    notes.length > 0 ? `⚠ ${notes.join(lang === 'zh' ? '；' : '; ')}` : entrantSubline(row, view.entrantLevel, columns),
  );
  setText(parts.branch, row.branchName);

  if (vetoed) {
    // The rank stamp already says 一票否决; the row's text says why, which is what crews ask.
    setText(parts.veto, reasons || t('vetoed', lang));
    parts.veto.style.gridColumn = `span ${vetoSpan(columns)}`;
  } else {
    parts.cells.forEach((cell, i) => {
      const column = view.columns[i];
      setText(cell, column ? formatCell(row.cells[i], column.format, lang) : '—');
    });
    setText(parts.score, formatScore(row.score, lang));
  }
}

export interface RowList {
  /**
   * `animate`: a live update of the same page (glide rows to their new places);
   * otherwise a new page or view (rows enter afresh).
   */
  render(items: readonly RowItem[], ctx: RowContext, animate: boolean): void;
  /** Update only the live-move marks (they expire between updates). */
  refreshLiveMoves(ctx: RowContext): void;
}

export function createRowList(list: HTMLOListElement): RowList {
  const rows = new Map<string, RowParts>();
  const gaps = new Map<string, HTMLLIElement>();
  let current: readonly RowItem[] = [];

  function gapNode(key: string): HTMLLIElement {
    let gap = gaps.get(key);
    if (!gap) {
      gap = el('li', 'gap');
      gap.setAttribute('aria-hidden', 'true');
      gap.textContent = '⋯';
      gaps.set(key, gap);
    }
    return gap;
  }

  return {
    render(items, ctx, animate) {
      current = items;
      const shape = shapeOf(ctx.columns);
      if (!animate) {
        rows.clear();
        gaps.clear();
        list.textContent = '';
      }
      // FLIP step 1 (first): where every surviving node is now, transforms included.
      const before = new Map<HTMLElement, number>();
      if (animate) {
        for (const parts of rows.values()) before.set(parts.li, parts.li.getBoundingClientRect().top);
      }
      const wantedRows = new Set<string>();
      const wantedGaps = new Set<string>();
      const order: HTMLLIElement[] = [];
      items.forEach((item, i) => {
        if (item.gapBefore) {
          const key = `gap:${item.row.crewId}`;
          wantedGaps.add(key);
          order.push(gapNode(key));
        }
        let parts = rows.get(item.row.crewId);
        if (parts && parts.shape !== shape) {
          parts.li.remove();
          parts = undefined;
        }
        if (parts) {
          // Done entering; left on, the enter animation would replay when another animation ends.
          parts.li.classList.remove('enter');
        } else {
          parts = buildRow(item.row.crewId, ctx.columns);
          parts.li.classList.add('enter');
          parts.li.style.setProperty('--i', String(i));
          rows.set(item.row.crewId, parts);
        }
        wantedRows.add(item.row.crewId);
        fillRow(parts, item.row, ctx);
        order.push(parts.li);
      });
      for (const [key, parts] of rows) {
        if (!wantedRows.has(key)) {
          parts.li.remove();
          rows.delete(key);
        }
      }
      for (const [key, gap] of gaps) {
        if (!wantedGaps.has(key)) {
          gap.remove();
          gaps.delete(key);
        }
      }
      // Reorder by moving nodes only where the order differs (appendChild moves, never clones).
      order.forEach((node, i) => {
        if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
      });
      if (!animate || before.size === 0) return;
      // FLIP steps 2–4: measure the new places, jump back by the difference, glide to zero.
      const moved: HTMLElement[] = [];
      for (const [node, top] of before) {
        if (!node.isConnected) continue;
        const dy = top - node.getBoundingClientRect().top;
        if (Math.abs(dy) < 1) continue;
        node.style.transition = 'none';
        node.style.transform = `translateY(${dy}px)`;
        moved.push(node);
      }
      if (moved.length === 0) return;
      reflow(list);
      for (const node of moved) {
        node.style.transition = '';
        node.style.transform = '';
      }
    },
    refreshLiveMoves(ctx) {
      for (const item of current) {
        const parts = rows.get(item.row.crewId);
        if (!parts) continue;
        const live = ctx.liveMoves.get(item.row.crewId);
        setAttr(parts.li, 'data-live-move', live === undefined ? null : 'up');
        setText(parts.chip, live === undefined ? '' : `↑${live}`);
      }
    },
  };
}
