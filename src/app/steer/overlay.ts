/** The steering box over the view while a locomotion policy drives: keys, gamepad, the command and its clamps, the joystick. */
import { h, fmt } from '../dom';
import { KEY_HELP } from './keyboard';
import type { Joystick } from './joystick';
import type { Clamp, Vec3 } from './command';

export interface OverlayState {
  active: boolean;
  command: Vec3;
  measured: Vec3 | null;
  clamps: Clamp[];
  notice: string | null;
  gamepad: { id: string | null; index: number | null };
}

export class SteerOverlay {
  readonly el: HTMLElement;
  private readonly cmd: HTMLElement;
  private readonly clamp: HTMLElement;
  private readonly pad: HTMLElement;
  private readonly note: HTMLElement;
  private text = '';

  constructor(root: HTMLElement, joystick: Joystick) {
    this.cmd = h('div', { id: 'steer-command', class: 'mono' });
    this.clamp = h('div', { id: 'steer-clamp', class: 'warn' });
    this.pad = h('div', { id: 'steer-gamepad', class: 'dim' });
    this.note = h('div', { id: 'steer-notice', class: 'warn' });
    const text = h(
      'div',
      { class: 'steer-text' },
      h('div', { class: 'title' }, 'Steer'),
      h('table', { id: 'steer-keys' }, ...KEY_HELP.map(([k, what]) => h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, what)))),
      this.pad,
      this.cmd,
      this.clamp,
      this.note,
    );
    // the joystick first: it stays put while the text beside it changes width
    this.el = h('div', { id: 'steer', class: 'steer-box', hidden: true }, joystick.el, text);
    root.append(this.el);
  }

  render(s: OverlayState): void {
    this.el.hidden = !s.active;
    if (!s.active) return;
    const [vx, vy, wz] = s.command,
      m = s.measured;
    const lines = [
      `command vx ${fmt(vx)} vy ${fmt(vy)} m/s, wz ${fmt(wz)} rad/s`,
      m ? `base    vx ${fmt(m[0])} vy ${fmt(m[1])} m/s, wz ${fmt(m[2])} rad/s` : '',
      s.clamps.map((c) => `${c.axis} ${fmt(c.asked)} → ${fmt(c.used)} (range ${fmt(c.range[0])}..${fmt(c.range[1])})`).join(' · '),
      s.gamepad.id
        ? `gamepad: ${s.gamepad.id} (left stick move, right stick turn, A/B next/previous skill)`
        : 'gamepad: none (connect one and press a button)',
      s.notice ?? '',
    ];
    const text = lines.join('\n');
    if (text === this.text) return; // no DOM work when nothing changed
    this.text = text;
    this.cmd.textContent = lines[0] + (lines[1] ? '\n' + lines[1] : '');
    this.clamp.textContent = lines[2] ? `clamped to the policy's ranges: ${lines[2]}` : '';
    this.pad.textContent = lines[3];
    this.note.textContent = lines[4];
  }
}
