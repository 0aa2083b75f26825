/** Library: built-in and loaded robots, clips, policies; file picker (files + folder); remove. */
import { store, newSegment } from '../store';
import { h } from '../dom';
import { rerenderOn } from './common';
import { readFileList } from '../assets';
import type { App } from '../app';

/** A file input's change handler: opens the picked files (and clears the input, so the same pick fires again). */
export const openPicked =
  (app: App) =>
  (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const list = [...(input.files ?? [])];
    input.value = '';
    if (list.length) void app.files.openFiles((onFile) => readFileList(list, onFile));
  };

export function mountLibrary(el: HTMLElement, app: App): void {
  const open = openPicked(app);
  const files = h('input', { type: 'file', id: 'file-input', multiple: true, hidden: true, 'data-testid': 'file-input', onchange: open });
  const folder = h('input', { type: 'file', id: 'folder-input', multiple: true, hidden: true, webkitdirectory: true, onchange: open });
  const loaders = h(
    'div',
    { class: 'loaders' },
    h(
      'button',
      {
        onclick: () => files.click(),
        title:
          'Robot .xml/.urdf with its meshes; clips .csv/.npz/.bvh/.pkl/.json (a SONIC folder: Load folder…); policy .onnx + deploy.yaml',
      },
      'Load files…',
    ),
    h('button', { onclick: () => folder.click(), title: 'A whole folder (robot with meshes/, policy folder…)' }, 'Load folder…'),
    files,
    folder,
  );
  const body = h('div');
  el.append(
    loaders,
    body,
    h(
      'div',
      { class: 'dim', style: 'font-size:11px' },
      'or drop files / a folder on the 3D view. Loaded files are remembered in this browser until removed.',
    ),
  );

  const render = () => {
    const s = store.getState();
    body.replaceChildren();
    const section = (title: string, kind: 'robot' | 'clip' | 'policy') => {
      const items = s.assets.filter((a) => a.kind === kind);
      body.append(h('h3', {}, `${title} (${items.length})`));
      const ul = h('ul', { class: 'list', 'data-kind': kind });
      if (kind === 'policy') {
        ul.append(
          h(
            'li',
            { class: s.driver === 'builtin' ? 'sel' : '' },
            h('span', { class: 'name', onclick: () => store.setState({ driver: 'builtin' }) }, 'Built-in controller'),
            h('span', { class: 'badge' }, 'built-in'),
          ),
        );
      }
      for (const a of items) {
        const selected =
          (kind === 'robot' && s.robotId === a.id) ||
          (kind === 'policy' && s.policyId === a.id && s.driver === 'policy') ||
          (kind === 'clip' && s.source === 'timeline' && s.segments.some((g) => g.clipId === a.id));
        const pick = () => {
          if (kind === 'robot') store.setState({ robotId: a.id });
          else if (kind === 'policy') store.setState({ policyId: a.id, driver: 'policy' });
          else {
            const d = app.clipDuration(a.id);
            if (d !== null) store.setState({ source: 'timeline', segments: [newSegment(a.id, d, s.driver, 0.5)] });
          }
        };
        ul.append(
          h(
            'li',
            { class: selected ? 'sel' : '', title: a.detail, 'data-id': a.id },
            h('span', { class: 'name', onclick: pick }, a.name),
            a.builtin ? h('span', { class: 'badge' }, 'built-in') : h('span', { class: 'detail' }, a.detail.slice(0, 18)),
            kind === 'clip'
              ? h(
                  'button',
                  {
                    title: 'Append to the timeline',
                    onclick: () => {
                      const d = app.clipDuration(a.id);
                      if (d !== null)
                        store.setState((st) => ({ source: 'timeline', segments: [...st.segments, newSegment(a.id, d, st.driver, 0.5)] }));
                    },
                  },
                  '+',
                )
              : null,
            a.builtin
              ? null
              : h('button', { title: "Remove (also from this browser's storage)", onclick: () => void app.files.removeAsset(a.id) }, '✕'),
          ),
        );
      }
      body.append(ul);
    };
    section('Robots', 'robot');
    section('Clips', 'clip');
    section('Policies', 'policy');
  };
  render();
  rerenderOn(['assets', 'robotId', 'policyId', 'driver', 'segments', 'source'], render);
}
