/**
 * Steering of locomotion policies in the app: while a velocity-command policy drives (steer/command.ts
 * isLocomotion), every animation frame the keyboard, gamepad and on-screen joystick deflections become the
 * requested command, clamped to the policy's ranges, and written into the policy's ctx.command (the
 * controller reads it at its next control step). The overlay shows the keys, the command and any clamp; the
 * scene draws it as an arrow; the plot draws it against the measured base velocity. The simulation is
 * `endless` meanwhile (the reference's end neither loops nor stops a walking robot).
 */
import './steer.css';
import type { SteerTarget } from './target';
import { store, reportError } from '../store';
import { qYaw } from '../../core/math';
import { clampToRanges, requested, type Clamp, type Vec3 } from './command';
import { GamepadInput } from './gamepad';
import { Joystick } from './joystick';
import { KeyboardInput } from './keyboard';
import { SteerOverlay } from './overlay';

/** A notice in the Messages list (kind "Steering"). */
class SteerNotice extends Error {
  override name = 'Steering';
}

export interface SteerView {
  /** called every frame with the robot's root position/yaw and the command (scene arrow, plot) */
  update(s: SteerSnapshot): void;
}

export interface SteerSnapshot {
  active: boolean;
  time: number;
  requested: Vec3;
  command: Vec3;
  measured: Vec3 | null;
  root: { x: number; y: number; z: number; yaw: number } | null;
}

export class Steer {
  readonly keyboard: KeyboardInput;
  readonly gamepad: GamepadInput;
  readonly joystick = new Joystick();
  readonly overlay: SteerOverlay;
  readonly views: SteerView[] = [];
  /** A / B on the gamepad: the next / previous loaded skill (the timeline's live switching sets this) */
  onSwitchSkill: ((dir: 1 | -1) => void) | null = null;
  skillSwitches = 0;
  active = false;
  asked: Vec3 = [0, 0, 0];
  command: Vec3 = [0, 0, 0];
  measured: Vec3 | null = null;
  clamps: Clamp[] = [];
  /** the last notice (gamepad unplugged, ...) */
  notice: string | null = null;

  constructor(
    private readonly target: SteerTarget,
    overlayRoot: HTMLElement,
  ) {
    this.keyboard = new KeyboardInput();
    this.gamepad = new GamepadInput({
      onSkill: (dir) => this.switchSkill(dir),
      onLost: (id) => {
        this.notice = `gamepad "${id}" disconnected: its command is set to zero (keyboard and joystick still steer)`;
        reportError(new SteerNotice(this.notice));
      },
    });
    this.overlay = new SteerOverlay(overlayRoot, this.joystick);
  }

  start(): void {
    const frame = () => {
      try {
        this.update();
      } catch (e) {
        reportError(e, 'steering');
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  /** One frame: inputs → requested → clamped → the steered policy's command; overlay and views. */
  update(): void {
    const t = this.target,
      cfg = t.steered();
    const pad = this.gamepad.poll();
    this.active = !!cfg;
    this.asked = requested([this.keyboard.deflection(), pad, this.joystick.deflection()]);
    const { used, clamps } = clampToRanges(this.asked, cfg?.commandRanges ?? null);
    this.command = cfg ? used : [0, 0, 0];
    this.clamps = cfg ? clamps : [];
    t.command(cfg ? this.command : null);
    this.measured = cfg ? t.measured() : null;
    this.overlay.render(this);
    const r = cfg ? t.root() : null;
    const snap: SteerSnapshot = {
      active: this.active,
      time: t.time,
      requested: this.asked,
      command: this.command,
      measured: this.measured,
      root: r ? { x: r.pos[0], y: r.pos[1], z: r.pos[2], yaw: qYaw(r.quat) } : null,
    };
    for (const v of this.views) v.update(snap);
  }

  /** A / B: the hook if one is set, else the next / previous loaded policy (when more than one is loaded). */
  private switchSkill(dir: 1 | -1): void {
    this.skillSwitches++;
    if (this.onSwitchSkill) return this.onSwitchSkill(dir);
    const s = store.getState();
    const ids = s.assets.filter((a) => a.kind === 'policy').map((a) => a.id);
    if (ids.length < 2) return;
    const i = Math.max(0, ids.indexOf(s.policyId ?? ''));
    store.setState({ policyId: ids[(i + dir + ids.length) % ids.length] });
  }

  /** Plain data for the test hook. */
  snapshot(): Record<string, unknown> {
    return {
      active: this.active,
      requested: [...this.asked],
      command: [...this.command],
      measured: this.measured ? [...this.measured] : null,
      clamps: this.clamps.map((c) => ({ ...c })),
      gamepad: this.gamepad.index === null ? null : { index: this.gamepad.index, id: this.gamepad.id },
      keyboard: this.keyboard.active,
      joystick: this.joystick.active,
      notice: this.notice,
      skillSwitches: this.skillSwitches,
    };
  }
}
