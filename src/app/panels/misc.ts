/** Errors list, status line, view toggles, busy indicator. */
import { store } from '../store';
import { h, fmt } from '../dom';

export function mountErrors(el: HTMLElement): void {
  const render = () => {
    const s = store.getState();
    el.replaceChildren(...(s.errors.length ? s.errors.slice().reverse().map((e) => h('li', { class: 'error', 'data-kind': e.kind },
      h('button', { title: 'Dismiss', onclick: () => store.setState((st) => ({ errors: st.errors.filter((x) => x.id !== e.id) })) }, '✕'),
      h('span', { class: 'kind' }, e.kind), e.message)) : [h('li', { class: 'dim', style: 'border:0;background:none' }, 'No errors.')]));
  };
  render();
  store.subscribe((s, p) => { if (s.errors !== p.errors) render(); });
}

export function mountStatus(el: HTMLElement): void {
  let last = '';
  const render = () => {
    const s = store.getState(), st = s.status;
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
    el.replaceChildren(...parts.map(([k, v]) => h('span', { 'data-k': k, title: k === 'obs' ? `observations: ${st.obsReason}` : '' }, `${k} `, h('b', { class: 'num' }, v))),
      st.note ? h('span', { class: 'warn', title: st.note }, st.note) : '');
  };
  render();
  store.subscribe(render);
}

export function mountToggles(el: HTMLElement): void {
  const ghost = h('select', { id: 'ghost', title: 'Reference ghost', onchange: (e: Event) => store.setState({ ghost: (e.target as HTMLSelectElement).value as 'off' }) },
    h('option', { value: 'beside' }, 'ghost: beside'), h('option', { value: 'over' }, 'ghost: over'), h('option', { value: 'off' }, 'ghost: off'));
  const tog = (id: string, label: string, key: 'follow' | 'showContacts' | 'showCom') =>
    h('button', { id, onclick: () => store.setState((s) => ({ [key]: !s[key] }) as never) }, label);
  const follow = tog('follow', 'follow camera', 'follow');
  const contacts = tog('contacts', 'foot contacts', 'showContacts');
  const com = tog('com', 'CoM projection', 'showCom');
  el.append(ghost, follow, contacts, com);
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

export function mountBusy(el: HTMLElement): void {
  store.subscribe((s) => { el.hidden = !s.busy; el.textContent = s.busy; });
}
