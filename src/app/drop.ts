/** Drag and drop of files or a whole folder onto the page: the hint shown while files are over it, the drop loaded. */
import { readDrop } from './assets';
import type { Loader } from './loader';

export function mountDrop(hint: HTMLElement, files: Loader): void {
  let depth = 0; // dragenter/dragleave pairs of the page's elements
  window.addEventListener('dragenter', (e) => {
    if (e.dataTransfer?.types.includes('Files')) {
      depth++;
      hint.hidden = false;
    }
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) hint.hidden = true;
  });
  window.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  window.addEventListener('drop', (e) => {
    const dt = e.dataTransfer;
    if (!dt?.types.includes('Files')) return;
    e.preventDefault();
    depth = 0;
    hint.hidden = true;
    void files.openFiles((onFile) => readDrop(dt, onFile));
  });
}
