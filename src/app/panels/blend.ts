/**
 * Blend tab: two or more clips live, with weights and per-body-part masks. A layer can be a policy (tracking the
 * layer's clip, or steered by a command, e.g. legs from a walker): the robot is then driven by the blend of the
 * policies' PD targets and gains per joint, the other layers' clips played by PD (skills/blend-driver.ts);
 * weights and masks change live and smoothly.
 */
import { store, newLayer, reportError, type LayerSpec } from '../store';
import { h, fmt } from '../dom';
import { addClipRow, panelIntro, rerenderOn } from './common';
import { BODY_PARTS, type BodyPart } from '../../core/motion/blend';
import { commandText, parseCommands } from '../skills/plan';

const PART_LABEL: Record<BodyPart, string> = { root: 'root', legs: 'legs', torso: 'torso', leftArm: 'left arm', rightArm: 'right arm' };

/** A layer's policy (none: its clip by PD) and, for a steered policy, its command ("vx,vy,wz" or "live"). */
function layerPolicy(l: LayerSpec, i: number, policies: { id: string; name: string }[], set: (i: number, p: Partial<LayerSpec>) => void) {
  const row = h(
    'div',
    { class: 'row' },
    h('label', {}, 'driven by'),
    h(
      'select',
      {
        class: 'layer-policy',
        onchange: (e: Event) => {
          const id = (e.target as HTMLSelectElement).value;
          set(i, { policy: id ? { id, commands: l.policy?.commands } : undefined });
        },
      },
      h('option', { value: '', selected: !l.policy }, 'its clip, by PD'),
      ...policies.map((p) => h('option', { value: p.id, selected: p.id === l.policy?.id }, p.name)),
    ),
  );
  if (l.policy)
    row.append(
      h('input', {
        type: 'text',
        class: 'layer-cmd',
        placeholder: 'command: vx,vy,wz / live (empty: tracks the clip)',
        value: l.policy.commands ? commandText(l.policy.commands) : '',
        onchange: (e: Event) => {
          const v = (e.target as HTMLInputElement).value.trim();
          try {
            set(i, { policy: { id: l.policy!.id, commands: v ? parseCommands(v, `layer ${i + 1}`) : undefined } });
          } catch (err) {
            reportError(err, 'command');
          }
        },
      }),
    );
  return row;
}

export function mountBlend(el: HTMLElement): void {
  const list = h('div', { id: 'layers' });
  const adder = addClipRow('add-layer-clip', 'add-layer', '+ Add layer', (id) =>
    store.setState((s) => ({ layers: [...s.layers, newLayer(id, 1)] })),
  );
  const use = h(
    'button',
    {
      id: 'use-blend',
      onclick: () => store.setState((s) => ({ source: 'blend', driver: s.layers.some((l) => l.policy) ? 'policy' : s.driver })),
    },
    'Drive the robot from this blend',
  );
  el.append(
    ...panelIntro(
      'Blend',
      'Each joint takes the weighted mean of the layers whose mask covers its body part (root orientation by weighted slerp; angles clamped to the joint limits). E.g. legs from a march, arms from a wave.',
    ),
    use,
    list,
    adder.row,
  );
  const set = (i: number, patch: Partial<LayerSpec>) =>
    store.setState((s) => ({ layers: s.layers.map((l, k) => (k === i ? { ...l, ...patch } : l)) }));
  let key = '';
  const render = () => {
    const s = store.getState();
    use.classList.toggle('on', s.source === 'blend');
    const clips = s.assets.filter((a) => a.kind === 'clip');
    const policies = s.assets.filter((a) => a.kind === 'policy');
    const k = JSON.stringify(s.layers.map((l) => [l.clipId, l.policy ?? null])) + '|' + [...clips, ...policies].map((c) => c.id).join();
    if (k === key) return;
    key = k;
    adder.fill(clips);
    list.replaceChildren(
      ...s.layers.map((l, i) => {
        const val = h('span', { class: 'num' }, fmt(l.weight));
        return h(
          'div',
          { class: 'seg layer', 'data-index': String(i) },
          h(
            'div',
            { class: 'head' },
            h(
              'select',
              { class: 'layer-clip', onchange: (e: Event) => set(i, { clipId: (e.target as HTMLSelectElement).value }) },
              ...clips.map((c) => h('option', { value: c.id, selected: c.id === l.clipId }, c.name)),
            ),
            h('button', { title: 'Remove', onclick: () => store.setState((st) => ({ layers: st.layers.filter((_, q) => q !== i) })) }, '✕'),
          ),
          layerPolicy(l, i, policies, set),
          h(
            'div',
            { class: 'row' },
            h('label', {}, 'weight'),
            h('input', {
              type: 'range',
              class: 'blend-weight',
              'data-layer': String(i),
              min: '0',
              max: '1',
              step: '0.01',
              value: String(l.weight),
              oninput: (e: Event) => {
                const w = Number((e.target as HTMLInputElement).value);
                val.textContent = fmt(w);
                set(i, { weight: w });
              },
            }),
            val,
          ),
          h(
            'div',
            { class: 'parts' },
            ...BODY_PARTS.map((p) =>
              h(
                'label',
                {},
                h('input', {
                  type: 'checkbox',
                  class: `mask-${p}`,
                  checked: l.mask[p] > 0,
                  onchange: (e: Event) =>
                    set(i, { mask: { ...store.getState().layers[i].mask, [p]: (e.target as HTMLInputElement).checked ? 1 : 0 } }),
                }),
                ' ' + PART_LABEL[p],
              ),
            ),
          ),
        );
      }),
    );
  };
  render();
  rerenderOn(['layers', 'assets', 'source'], render);
}
