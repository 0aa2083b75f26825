/** Pieces shared by the panels: re-render on store changes, the heading + hint of a list panel, the add-a-clip row. */
import { store, type AppState, type AssetInfo } from '../store';
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

/**
 * A clip chooser and its add button (ids `selectId`, `buttonId`): `add(clipId)` on click when a clip is chosen;
 * `fill` lists the clips. The row goes where the panel puts it.
 */
export function addClipRow(
  selectId: string,
  buttonId: string,
  label: string,
  add: (clipId: string) => void,
): { row: HTMLElement; fill: (clips: AssetInfo[]) => void } {
  const select = h('select', { id: selectId });
  const button = h('button', { id: buttonId, onclick: () => select.value && add(select.value) }, label);
  const fill = (clips: AssetInfo[]) => select.replaceChildren(...clips.map((c) => h('option', { value: c.id }, c.name)));
  return { row: h('div', { class: 'row' }, select, button), fill };
}
