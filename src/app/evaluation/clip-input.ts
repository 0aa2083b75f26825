/**
 * Where the Evaluate panel takes its clips from: a folder or files dropped on its drop zone (or picked), which
 * stay until cleared; without them, the policy's own reference when it carries one, else the timeline's clips.
 * A drop here is the panel's own: it does not load the files into the app.
 */
import { readDrop, readFileList, type RawFile } from '../assets';
import { el } from '../dom';

export interface ClipInput {
  element: HTMLElement;
  /** the dropped or picked files (empty: none) */
  files(): RawFile[];
  /** the rate given for CSVs without one in their name (undefined: the readers' default) */
  fps(): number | undefined;
  /** a line under the drop zone (what was read, what was not) */
  note(text: string): void;
}

export function clipInput(): ClipInput {
  let files: RawFile[] = [];
  const note = el('div', { id: 'eval-clip-note', className: 'dim' });
  const summary = el('div', {
    id: 'eval-clip-files',
    textContent: 'no clips dropped: the policy’s own reference, else the timeline’s clips',
  });
  const folder = el('input', { id: 'eval-clip-folder', type: 'file', multiple: true });
  folder.webkitdirectory = true;
  const single = el('input', { id: 'eval-clip-pick', type: 'file', multiple: true });
  folder.hidden = single.hidden = true; // opened by the buttons below
  const clear = el('button', { id: 'eval-clip-clear', textContent: 'Clear', disabled: true });
  const set = (list: RawFile[], from: string) => {
    files = list;
    clear.disabled = !list.length;
    summary.textContent = list.length ? `${list.length} file(s) ${from}` : 'no clips dropped';
    summary.dataset.count = String(list.length);
    note.textContent = '';
  };
  const pick = (input: HTMLInputElement, from: string) => async () => {
    if (input.files?.length) set(await readFileList(input.files), from);
    input.value = '';
  };
  folder.onchange = pick(folder, 'from a folder');
  single.onchange = pick(single, 'picked');
  clear.onclick = () => set([], '');
  const zone = el(
    'div',
    { id: 'eval-drop', className: 'eval-drop' },
    el('b', { textContent: 'Drop a folder of clips here' }),
    ' (or several files) to evaluate each, like ',
    el('code', { textContent: '--motion DIR' }),
    el('br'),
    el('button', { textContent: 'Pick a folder…', onclick: () => folder.click() }),
    ' ',
    el('button', { textContent: 'Pick files…', onclick: () => single.click() }),
    ' ',
    clear,
    folder,
    single,
    summary,
    note,
  );
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    e.stopPropagation();
    zone.classList.add('over');
  });
  zone.addEventListener('dragenter', (e) => e.stopPropagation()); // the page's drop hint stays hidden
  zone.addEventListener('dragleave', (e) => {
    e.stopPropagation();
    zone.classList.remove('over');
  });
  zone.addEventListener('drop', (e) => {
    const dt = e.dataTransfer;
    e.preventDefault();
    e.stopPropagation(); // the page's own drop handler would load them into the app
    zone.classList.remove('over');
    if (dt?.files.length) void readDrop(dt).then((list) => set(list, 'dropped'));
  });
  const fpsInput = el('input', { id: 'eval-fps', type: 'number', min: '1', max: '1000', step: '1', placeholder: 'from the name' });
  fpsInput.style.width = '7em';
  const element = el('div', {}, zone, el('label', { className: 'dim' }, 'CSV rate when the name has none (Hz) ', fpsInput));
  return {
    element,
    files: () => files,
    fps: () => (Number(fpsInput.value) > 0 ? Number(fpsInput.value) : undefined),
    note: (t) => (note.textContent = t),
  };
}
