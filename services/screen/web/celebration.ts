/**
 * A short banner with CSS confetti when a crew overtakes or reaches its target. The overlay
 * and its confetti pieces are built once and reused; a bounded queue shows one news at a time.
 */

import { reflow } from './reflow.ts';

const SHOW_MS = 3200;
const PIECES = 36;
const MAX_QUEUE = 4;

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

  const queue: News[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  function next(): void {
    const news = queue.shift();
    if (!news) {
      root.hidden = true;
      root.classList.remove('is-on');
      timer = null;
      return;
    }
    headline.textContent = news.headline;
    detail.textContent = news.detail;
    root.hidden = false;
    // Restart the CSS animations: drop the class, force a style flush, add it back.
    root.classList.remove('is-on');
    reflow(root);
    root.classList.add('is-on');
    timer = setTimeout(next, SHOW_MS);
  }

  return {
    show(news) {
      if (queue.length >= MAX_QUEUE) queue.shift();
      queue.push(news);
      if (timer === null) next();
    },
    clear() {
      queue.length = 0;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      root.hidden = true;
      root.classList.remove('is-on');
    },
  };
}
