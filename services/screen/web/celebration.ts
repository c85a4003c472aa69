/**
 * A short banner with CSS confetti when a crew climbs onto the podium or reaches its target. It
 * lies over the masthead, never over the rows; the overlay and its confetti pieces are built
 * once and reused. Which news and how often is the gate's business (celebration-gate.ts).
 */

import { reflow } from './reflow.ts';

const SHOW_MS = 4500;
const PIECES = 36;

export interface News {
  headline: string;
  detail: string;
}

export interface Celebrator {
  show(news: News): void;
  clear(): void;
}

export function createCelebrator(root: HTMLElement): Celebrator {
  root.textContent = '';
  root.hidden = true;
  const confetti = document.createElement('div');
  confetti.className = 'confetti';
  for (let i = 0; i < PIECES; i++) {
    const piece = document.createElement('i');
    // Spread evenly with a little jitter from the index alone: deterministic, no RNG state.
    piece.style.left = `${((i * 61) % 100) + ((i * 7) % 3)}%`;
    piece.style.animationDelay = `${(i % 9) * 0.11}s`;
    piece.style.animationDuration = `${2.2 + (i % 5) * 0.25}s`;
    piece.className = `p${i % 4}`;
    confetti.append(piece);
  }
  const banner = document.createElement('div');
  banner.className = 'celebration-banner';
  const headline = document.createElement('div');
  headline.className = 'celebration-headline';
  const detail = document.createElement('div');
  detail.className = 'celebration-detail';
  banner.append(headline, detail);
  root.append(confetti, banner);

  let timer: ReturnType<typeof setTimeout> | null = null;

  function hide(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    root.hidden = true;
    root.classList.remove('is-on');
  }

  return {
    show(news) {
      headline.textContent = news.headline;
      detail.textContent = news.detail;
      root.hidden = false;
      // Restart the CSS animations: drop the class, force a style flush, add it back.
      root.classList.remove('is-on');
      reflow(root);
      root.classList.add('is-on');
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(hide, SHOW_MS);
    },
    clear: hide,
  };
}
