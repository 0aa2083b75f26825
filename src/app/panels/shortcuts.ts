/** The "?" overlay: every keyboard shortcut in one list (opened by "?" or the header's ? button; Esc closes). */
import { h } from '../dom';

export const SHORTCUTS: [string, string][] = [
  ['Space', 'play / pause'],
  ['→', 'one control step (pauses)'],
  ['F', 'frame the robot'],
  ['drag on a body', 'push it (physical drivers)'],
  ['drag / wheel on the view', 'orbit / zoom the camera'],
  ['?', 'this list'],
  ['Esc', 'close this list'],
];

export function mountShortcuts(root: HTMLElement): void {
  const box = h(
    'div',
    {
      id: 'shortcuts',
      class: 'overlay-help',
      hidden: true,
      role: 'dialog',
      'aria-label': 'Keyboard shortcuts',
      onclick: (e: Event) => {
        if (e.target === box) box.hidden = true;
      },
    },
    h(
      'div',
      {},
      h('h2', {}, 'Keyboard shortcuts'),
      h('table', {}, ...SHORTCUTS.map(([k, what]) => h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, what)))),
      h(
        'div',
        { class: 'dim', style: 'margin-top:8px;font-size:11px' },
        'Files: drop robots, clips, policies, folders, sessions (.json / .zip) on the page.',
      ),
    ),
  );
  root.append(box);
  document.getElementById('help')?.addEventListener('click', () => {
    box.hidden = !box.hidden;
  });
  window.addEventListener('keydown', (e) => {
    if ((e.target as HTMLElement).closest('input,select,textarea')) return;
    if (e.key === '?') {
      box.hidden = !box.hidden;
      e.preventDefault();
    } else if (e.key === 'Escape') box.hidden = true;
  });
}
