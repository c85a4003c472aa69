/**
 * Forces the browser to apply pending style changes now. Restarting a CSS animation or
 * starting a FLIP transition needs the "before" state committed before the "after" is set.
 */
export function reflow(node: HTMLElement): void {
  node.getBoundingClientRect();
}
