/**
 * Timeline tab: segments (clip, in/out, driver, crossfade), add, remove, drag to reorder, loop the whole. A policy
 * segment picks its policy (default: the global one) and what it follows (its clip, its own motion, a command);
 * keys 1..9 switch between the policy segments' skills live (skills/live.ts).
 */
import { store, newSegment, reportError, type SegmentSpec } from '../store';
import { h, fmt } from '../dom';
import { addClipRow, panelIntro, rerenderOn } from './common';
import type { App } from '../app';
import type { DriverKind, SegmentSkill, SkillMode } from '../../core/motion/timeline';
import { commandText, embeddedClip, parseCommands } from '../skills/plan';

const MODES: [SkillMode, string][] = [
  ['clip', 'its clip'],
  ['embedded', 'its own motion'],
  ['command', 'a command'],
];

/** The policy controls of a 'policy' segment: which policy, what it follows, the command. */
function skillControls(g: SegmentSpec, i: number, app: App, update: (i: number, p: Partial<SegmentSpec>) => void): HTMLElement[] {
  const policies = store.getState().assets.filter((a) => a.kind === 'policy');
  const sk: SegmentSkill = g.skill ?? { mode: 'clip' };
  const set = (p: Partial<SegmentSkill>) => {
    const next = { ...sk, ...p };
    if (!next.policyId) delete next.policyId;
    update(i, { skill: next.mode === 'clip' && !next.policyId ? undefined : next });
  };
  const pick = (mode: SkillMode) => {
    if (mode === 'command') return set({ mode, commands: sk.commands ?? [{ t: 0, vx: 0.4, vy: 0, wz: 0 }] });
    set({ mode });
    const id = sk.policyId ?? store.getState().policyId,
      model = app.sim.model;
    if (mode === 'embedded' && id && model)
      void Promise.resolve()
        .then(() => embeddedClip(model, app.policyConfig(model, id)))
        .then((c) => update(i, { in: 0, out: (c.nFrames - 1) / c.fps }))
        .catch((err) => reportError(err, 'segment'));
  };
  const out: HTMLElement[] = [
    h('span', {}, 'policy'),
    h(
      'select',
      { class: 'seg-policy', onchange: (e: Event) => set({ policyId: (e.target as HTMLSelectElement).value || undefined }) },
      h('option', { value: '', selected: !sk.policyId }, 'global policy'),
      ...policies.map((p) => h('option', { value: p.id, selected: p.id === sk.policyId }, p.name)),
    ),
    h('span', {}, 'follows'),
    h(
      'select',
      { class: 'seg-mode', onchange: (e: Event) => pick((e.target as HTMLSelectElement).value as SkillMode) },
      ...MODES.map(([m, label]) => h('option', { value: m, selected: m === sk.mode }, label)),
    ),
  ];
  if (sk.mode === 'command')
    out.push(
      h('span', { title: 'vx,vy,wz (m/s, rad/s, body frame) or t:vx,vy,wz; t:vx,vy,wz or live (steering)' }, 'command'),
      h('input', {
        type: 'text',
        class: 'seg-cmd',
        value: commandText(sk.commands),
        onchange: (e: Event) => {
          try {
            set({ commands: parseCommands((e.target as HTMLInputElement).value, `segment ${i + 1}`) });
          } catch (err) {
            reportError(err, 'command');
          }
        },
      }),
    );
  return out;
}

export function mountTimeline(el: HTMLElement, app: App): void {
  app.liveSkills.installKeys();
  const list = h('div', { id: 'segments' });
  const adder = addClipRow('add-clip', 'add-segment', '+ Add segment', (id) => {
    const s = store.getState();
    const d = app.clipDuration(id);
    if (d !== null) store.setState({ source: 'timeline', segments: [...s.segments, newSegment(id, d, s.driver, 0.5)] });
  });
  const loop = h('input', {
    type: 'checkbox',
    id: 'timeline-loop',
    onchange: (e: Event) => store.setState({ loop: (e.target as HTMLInputElement).checked }),
  });
  el.append(
    ...panelIntro(
      'Timeline',
      'Segments play in order; each next one is re-headed (yaw) and moved onto where the previous ends, and crossfaded over its transition. Drag ☰ to reorder. Policy segments: between two of them the PD targets and gains crossfade over the fade while both policies run; keys 1..9 switch to the n-th policy segment live.',
    ),
    list,
    adder.row,
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
    adder.fill(clips);
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
            ...(g.driver === 'policy' ? skillControls(g, i, app, update) : []),
          ),
        );
        return seg;
      }),
    );
  };
  render();
  rerenderOn(['segments', 'assets', 'loop'], render);
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
        if (s.segments[idx].driver !== 'policy' || s.policyId || s.segments[idx].skill?.policyId)
          store.setState({ driver: s.segments[idx].driver });
      }
    }
  }, 100);
}
