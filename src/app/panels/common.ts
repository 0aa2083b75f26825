/** Pieces shared by the panels: re-render on store changes, the heading + hint of a list panel. */
import { store, type AppState } from '../store';
import { h } from '../dom';

/** Whether any of `keys` differs (by identity) between two objects. */
export function changed<T extends object>(s: T, p: T, keys: readonly (keyof T)[]): boolean {
  return keys.some((k) => s[k] !== p[k]);
}

/** Call `render` whenever one of these store keys changes. */
export function rerenderOn(keys: readonly (keyof AppState)[], render: () => void): void {
  store.subscribe((s, p) => {
    if (changed(s, p, keys)) render();
  });
}

/** A panel's heading and its one-paragraph hint. */
export function panelIntro(title: string, hint: string): HTMLElement[] {
  return [h('h2', {}, title), h('div', { class: 'dim', style: 'font-size:12px;margin-bottom:6px' }, hint)];
}
