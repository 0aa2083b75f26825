/**
 * Gamepad steering (standard mapping): left stick = planar velocity (up = forward, left = left), right stick x =
 * yaw rate (left = turn left), radial deadzone; A (button 0) / B (button 1) = next / previous skill. A pad
 * that disappears mid-run (unplugged: gone from navigator.getGamepads() or `connected` false) gives a zero
 * command and a notice; steering goes on with the other inputs.
 */
import { deadzone, type Vec3 } from './command';

export interface PadEvents {
  /** A / B pressed: +1 next skill, −1 previous */
  onSkill(dir: 1 | -1): void;
  /** the pad in use went away */
  onLost(id: string): void;
}

export class GamepadInput {
  /** index of the pad in use (null: none) */
  index: number | null = null;
  id: string | null = null;
  private last: Vec3 = [0, 0, 0];
  private pressed = [false, false];

  constructor(
    private readonly events: PadEvents,
    target: Window = window,
  ) {
    target.addEventListener('gamepadconnected', (e) => {
      const pad = e.gamepad;
      if (this.index === null && pad) this.take(pad);
    });
    target.addEventListener('gamepaddisconnected', (e) => {
      if (e.gamepad?.index === this.index) this.lose();
    });
  }

  private take(pad: Gamepad): void {
    this.index = pad.index;
    this.id = pad.id;
    this.pressed = [!!pad.buttons[0]?.pressed, !!pad.buttons[1]?.pressed];
  }

  private lose(): void {
    const id = this.id ?? 'gamepad';
    this.index = null;
    this.id = null;
    this.last = [0, 0, 0];
    this.events.onLost(id);
  }

  private pads(): (Gamepad | null)[] {
    try {
      return typeof navigator.getGamepads === 'function' ? Array.from(navigator.getGamepads()) : [];
    } catch {
      return []; // blocked by a permissions policy
    }
  }

  /** Read the pad (every frame): its deflection, and A/B presses as skill switches. */
  poll(): Vec3 {
    const pads = this.pads();
    if (this.index === null) {
      const p = pads.find((x) => x && x.connected);
      if (!p) return [0, 0, 0];
      this.take(p);
    }
    const pad = pads[this.index!];
    if (!pad || !pad.connected) {
      this.lose();
      return [0, 0, 0];
    }
    const ax = (i: number) => (Number.isFinite(pad.axes[i]) ? pad.axes[i] : 0);
    const [lx, ly] = deadzone(ax(0), ax(1));
    const [rx] = deadzone(ax(2), 0);
    this.last = [-ly, -lx, -rx];
    for (const b of [0, 1]) {
      const now = !!pad.buttons[b]?.pressed;
      if (now && !this.pressed[b]) this.events.onSkill(b === 0 ? 1 : -1);
      this.pressed[b] = now;
    }
    return this.last;
  }
}
