/** Timeline tab: segments (clip, in/out, driver, crossfade), add, remove, drag to reorder, loop the whole. */
import { store, newSegment, type SegmentSpec } from '../store';
import { h, fmt } from '../dom';
import type { App } from '../app';
import type { DriverKind } from '../../core/motion/timeline';

export function mountTimeline(el: HTMLElement, app: App): void {
  const list = h('div', { id: 'segments' });
  const addSel = h('select', { id: 'add-clip' });
  const add = h(
    'button',
    {
      id: 'add-segment',
      onclick: () => {
        const s = store.getState();
        const id = addSel.value;
        const d = id ? app.clipDuration(id) : null;
        if (d !== null) store.setState({ source: 'timeline', segments: [...s.segments, newSegment(id, d, s.driver, 0.5)] });
      },
    },
    '+ Add segment',
  );
  const loop = h('input', {
    type: 'checkbox',
    id: 'timeline-loop',
    onchange: (e: Event) => store.setState({ loop: (e.target as HTMLInputElement).checked }),
  });
  el.append(
    h('h2', {}, 'Timeline'),
    h(
      'div',
      { class: 'dim', style: 'font-size:12px;margin-bottom:6px' },
      'Segments play in order; each next one is re-headed (yaw) and moved onto where the previous ends, and crossfaded over its transition. Drag ☰ to reorder.',
    ),
    list,
    h('div', { class: 'row' }, addSel, add),
    h('label', { class: 'dim' }, loop, ' loop the whole timeline'),
  );

  let dragFrom = -1;
  const update = (i: number, patch: Partial<SegmentSpec>) =>
    store.setState((s) => ({ segments: s.segments.map((g, k) => (k === i ? { ...g, ...patch } : g)) }));
  const num = (v: number, on: (x: number) => void, cls: string, step = 0.1) =>
    h('input', {
      type: 'number',
      step: String(step),
      min: '0',
      value: fmt(v),
      class: cls,
      onchange: (e: Event) => {
        const x = Number((e.target as HTMLInputElement).value);
        if (Number.isFinite(x)) on(x);
      },
    });
  const render = () => {
    const s = store.getState();
    const clips = s.assets.filter((a) => a.kind === 'clip');
    addSel.replaceChildren(...clips.map((c) => h('option', { value: c.id }, c.name)));
    loop.checked = s.loop;
    list.replaceChildren(
      ...s.segments.map((g, i) => {
        const seg = h(
          'div',
          {
            class: 'seg',
            draggable: 'true',
            'data-index': String(i),
            ondragstart: (e: DragEvent) => {
              dragFrom = i;
              seg.classList.add('dragging');
              e.dataTransfer?.setData('text/plain', String(i));
            },
            ondragend: () => seg.classList.remove('dragging'),
            ondragover: (e: DragEvent) => e.preventDefault(),
            ondrop: (e: DragEvent) => {
              e.preventDefault();
              const from = dragFrom >= 0 ? dragFrom : Number(e.dataTransfer?.getData('text/plain'));
              dragFrom = -1;
              if (from === i || !(from >= 0)) return;
              store.setState((st) => {
                const segs = st.segments.slice();
                const [m] = segs.splice(from, 1);
                segs.splice(i, 0, m);
                return { segments: segs };
              });
            },
          },
          h(
            'div',
            { class: 'head' },
            h('span', { class: 'handle', title: 'drag to reorder' }, '☰'),
            h('span', { class: 'num dim' }, `${i + 1}`),
            h(
              'select',
              {
                onchange: (e: Event) => {
                  const id = (e.target as HTMLSelectElement).value;
                  const d = app.clipDuration(id);
                  if (d !== null) update(i, { clipId: id, in: 0, out: d });
                },
              },
              ...clips.map((c) => h('option', { value: c.id, selected: c.id === g.clipId }, c.name)),
            ),
            h(
              'button',
              {
                class: 'remove-segment',
                title: 'Remove',
                onclick: () => store.setState((st) => ({ segments: st.segments.filter((_, k) => k !== i) })),
              },
              '✕',
            ),
          ),
          h(
            'div',
            { class: 'grid' },
            'in',
            num(g.in, (x) => update(i, { in: x }), 'seg-in'),
            'out',
            num(g.out, (x) => update(i, { out: x }), 'seg-out'),
            'fade',
            num(g.crossfade, (x) => update(i, { crossfade: x }), 'seg-fade'),
            'driver',
            h(
              'select',
              { class: 'seg-driver', onchange: (e: Event) => update(i, { driver: (e.target as HTMLSelectElement).value as DriverKind }) },
              ...(['replay', 'builtin', 'policy'] as DriverKind[]).map((d) => h('option', { value: d, selected: d === g.driver }, d)),
            ),
          ),
        );
        return seg;
      }),
    );
  };
  render();
  store.subscribe((s, p) => {
    if (s.segments !== p.segments || s.assets !== p.assets || s.loop !== p.loop) render();
  });
  let last = -2;
  setInterval(() => {
    const c = app.currentSegment();
    const idx = c ? c.index : -1;
    if (idx !== last) {
      last = idx;
      list.querySelectorAll('.seg').forEach((n, k) => n.classList.toggle('active', k === idx));
      // a segment's driver takes over when the segment starts
      const s = store.getState();
      if (c && s.segments.length > 1 && s.segments[idx] && s.segments[idx].driver !== s.driver && s.playing) {
        if (s.segments[idx].driver !== 'policy' || s.policyId) store.setState({ driver: s.segments[idx].driver });
      }
    }
  }, 100);
}
