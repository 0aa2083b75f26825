/** Keyboard steering: W/S forward/back, A/D left/right, Q/E turn left/right; Shift: full deflection (else half). */
import type { Vec3 } from './command';

/** key code → [axis, sign] */
const KEYS: Record<string, [number, number]> = {
  KeyW: [0, 1],
  KeyS: [0, -1],
  KeyA: [1, 1],
  KeyD: [1, -1],
  KeyQ: [2, 1],
  KeyE: [2, -1],
};
export const KEY_HELP: [string, string][] = [
  ['W / S', 'forward / back'],
  ['A / D', 'left / right'],
  ['Q / E', 'turn left / right'],
  ['Shift', 'full speed'],
];

export class KeyboardInput {
  private readonly down = new Set<string>();
  private shift = false;

  constructor(target: Window = window) {
    target.addEventListener('keydown', (e) => {
      if ((e.target as HTMLElement | null)?.closest?.('input,select,textarea')) return;
      this.shift = e.shiftKey;
      if (KEYS[e.code] && !e.ctrlKey && !e.metaKey && !e.altKey) this.down.add(e.code);
    });
    target.addEventListener('keyup', (e) => {
      this.shift = e.shiftKey;
      this.down.delete(e.code);
    });
    target.addEventListener('blur', () => this.down.clear());
  }

  /** any steering key held */
  get active(): boolean {
    return this.down.size > 0;
  }

  deflection(): Vec3 {
    const d: Vec3 = [0, 0, 0];
    for (const code of this.down) {
      const [axis, sign] = KEYS[code];
      d[axis] += sign * (this.shift ? 1 : 0.5);
    }
    return d;
  }
}
