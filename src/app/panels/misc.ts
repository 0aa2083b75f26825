/** Messages list, status line, view toggles, busy indicator with the load progress. */
import { store, clearErrors } from '../store';
import { h, fmt } from '../dom';
import { rerenderOn } from './common';
import type { Loader } from '../loader';

/** The Messages list: newest first; a repeated message is one entry with a count (×N); "clear all". */
export function mountErrors(el: HTMLElement): void {
  const clear = h('button', { id: 'errors-clear', class: 'clear-all', title: 'Dismiss every message', onclick: clearErrors }, 'clear all');
  el.before(clear);
  const render = () => {
    const s = store.getState();
    clear.hidden = !s.errors.length;
    el.replaceChildren(
      ...(s.errors.length
        ? s.errors
            .slice()
            .reverse()
            .map((e) =>
              h(
                'li',
                { class: 'error', 'data-kind': e.kind, 'data-count': String(e.count) },
                h(
                  'button',
                  { title: 'Dismiss', onclick: () => store.setState((st) => ({ errors: st.errors.filter((x) => x.id !== e.id) })) },
                  '✕',
                ),
                e.count > 1 ? h('span', { class: 'count', title: `${e.count} times, last at ${e.at}` }, `×${e.count}`) : null,
                h('span', { class: 'kind' }, e.kind),
                e.message,
              ),
            )
        : [h('li', { class: 'dim', style: 'border:0;background:none' }, 'No errors.')]),
    );
  };
  render();
  rerenderOn(['errors'], render);
}

export function mountStatus(el: HTMLElement): void {
  let last = '';
  const render = () => {
    const s = store.getState(),
      st = s.status;
    const parts: [string, string][] = [
      ['t', `${fmt(s.time)} s`],
      ['real-time', `${fmt(st.rtf)}×`],
      ['policy', s.driver === 'policy' ? `${fmt(st.policyMs, 1)} ms` : '—'],
      ['physics', `${fmt(st.physicsMs, 1)} ms/step`],
      ['driver', s.driver],
      ['obs', st.obsBackend === 'probing' ? 'measuring…' : `${st.obsBackend.toUpperCase()} · ${s.obsMode === 'auto' ? 'auto' : 'forced'}`],
      ['fps', fmt(st.fps, 0)],
    ];
    const key = parts.map((p) => p[1]).join('|') + st.note + st.obsReason;
    if (key === last) return;
    last = key;
    el.replaceChildren(
      ...parts.map(([k, v]) =>
        h('span', { 'data-k': k, title: k === 'obs' ? `observations: ${st.obsReason}` : '' }, `${k} `, h('b', { class: 'num' }, v)),
      ),
      st.note ? h('span', { class: 'warn', title: st.note }, st.note) : '',
    );
  };
  render();
  store.subscribe(render);
}

export function mountToggles(el: HTMLElement, frameRobot: () => void): void {
  const ghost = h(
    'select',
    {
      id: 'ghost',
      title: 'Reference ghost',
      onchange: (e: Event) => store.setState({ ghost: (e.target as HTMLSelectElement).value as 'off' }),
    },
    h('option', { value: 'beside' }, 'ghost: beside'),
    h('option', { value: 'over' }, 'ghost: over'),
    h('option', { value: 'off' }, 'ghost: off'),
  );
  const tog = (id: string, label: string, key: 'follow' | 'showContacts' | 'showCom') =>
    h('button', { id, onclick: () => store.setState((s) => ({ [key]: !s[key] })) }, label);
  const follow = tog('follow', 'follow camera', 'follow');
  const contacts = tog('contacts', 'foot contacts', 'showContacts');
  const com = tog('com', 'CoM projection', 'showCom');
  const frame = h('button', { id: 'frame-robot', title: 'Frame the robot (F)', onclick: frameRobot }, 'frame robot');
  window.addEventListener('keydown', (e) => {
    if (!(e.target as HTMLElement).closest('input,select,textarea') && e.key.toLowerCase() === 'f' && !e.ctrlKey && !e.metaKey)
      frameRobot();
  });
  el.append(ghost, follow, frame, contacts, com);
  const render = () => {
    const s = store.getState();
    ghost.value = s.ghost;
    follow.classList.toggle('on', s.follow);
    contacts.classList.toggle('on', s.showContacts);
    com.classList.toggle('on', s.showCom);
  };
  render();
  store.subscribe(render);
}

/** What the app is busy with; during a long load a progress bar (file k of n, what is read/compiled) and Cancel. */
export function mountBusy(el: HTMLElement, loader: Loader): void {
  const label = h('span', { id: 'busy-label' });
  const bar = h('progress', { id: 'load-progress', max: 1, value: 0 });
  const cancel = h(
    'button',
    { id: 'load-cancel', title: 'Stop this load (what was loaded before stays)', onclick: () => loader.cancelLoad() },
    'Cancel',
  );
  el.append(label, bar, cancel);
  const render = () => {
    const s = store.getState(),
      p = s.progress;
    el.hidden = !s.busy && !p;
    bar.hidden = cancel.hidden = !p;
    label.textContent = p ? `${p.label} (${Math.min(p.done + 1, p.total)}/${p.total})` : s.busy;
    if (p) bar.value = p.total ? p.done / p.total : 0;
  };
  render();
  rerenderOn(['busy', 'progress'], render);
}
