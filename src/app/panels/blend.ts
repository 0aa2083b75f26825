/** Blend tab: two or more clips live, with weights and per-body-part masks. */
import { store, newLayer, type LayerSpec } from '../store';
import { h, fmt } from '../dom';
import { BODY_PARTS, type BodyPart } from '../../core/motion/blend';

const PART_LABEL: Record<BodyPart, string> = { root: 'root', legs: 'legs', torso: 'torso', leftArm: 'left arm', rightArm: 'right arm' };

export function mountBlend(el: HTMLElement): void {
  const list = h('div', { id: 'layers' });
  const addSel = h('select', { id: 'add-layer-clip' });
  const add = h(
    'button',
    {
      id: 'add-layer',
      onclick: () => {
        if (addSel.value) store.setState((s) => ({ layers: [...s.layers, newLayer(addSel.value, 1)] }));
      },
    },
    '+ Add layer',
  );
  const use = h('button', { id: 'use-blend', onclick: () => store.setState({ source: 'blend' }) }, 'Drive the robot from this blend');
  el.append(
    h('h2', {}, 'Blend'),
    h(
      'div',
      { class: 'dim', style: 'font-size:12px;margin-bottom:6px' },
      'Each joint takes the weighted mean of the layers whose mask covers its body part (root orientation by weighted slerp; angles clamped to the joint limits). E.g. legs from a march, arms from a wave.',
    ),
    use,
    list,
    h('div', { class: 'row' }, addSel, add),
  );
  const set = (i: number, patch: Partial<LayerSpec>) =>
    store.setState((s) => ({ layers: s.layers.map((l, k) => (k === i ? { ...l, ...patch } : l)) }));
  let key = '';
  const render = () => {
    const s = store.getState();
    use.classList.toggle('on', s.source === 'blend');
    const clips = s.assets.filter((a) => a.kind === 'clip');
    const k = s.layers.map((l) => l.clipId).join() + '|' + clips.map((c) => c.id).join();
    if (k === key) return;
    key = k;
    addSel.replaceChildren(...clips.map((c) => h('option', { value: c.id }, c.name)));
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
              { onchange: (e: Event) => set(i, { clipId: (e.target as HTMLSelectElement).value }) },
              ...clips.map((c) => h('option', { value: c.id, selected: c.id === l.clipId }, c.name)),
            ),
            h('button', { title: 'Remove', onclick: () => store.setState((st) => ({ layers: st.layers.filter((_, q) => q !== i) })) }, '✕'),
          ),
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
  store.subscribe((s, p) => {
    if (s.layers !== p.layers || s.assets !== p.assets || s.source !== p.source) render();
  });
}
