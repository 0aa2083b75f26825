/**
 * On-screen joystick (pointer events: mouse, pen, touch): up/down = forward/back, left/right = turn left/right.
 * The knob follows the pointer inside the ring and springs back to the centre when released.
 */
import { h } from '../dom';
import type { Vec3 } from './command';

const RADIUS = 44; // px, the knob's travel

export class Joystick {
  readonly el: HTMLElement;
  private readonly knob: HTMLElement;
  private x = 0;
  private y = 0;
  private pointer: number | null = null;

  constructor() {
    this.knob = h('div', { class: 'steer-knob' });
    this.el = h('div', { id: 'steer-joystick', class: 'steer-joystick', title: 'drag: forward/back, turn left/right' }, this.knob);
    this.el.style.touchAction = 'none';
    this.el.addEventListener('pointerdown', (e) => {
      this.pointer = e.pointerId;
      this.el.setPointerCapture(e.pointerId);
      this.move(e);
      e.preventDefault();
    });
    this.el.addEventListener('pointermove', (e) => {
      if (e.pointerId === this.pointer) this.move(e);
    });
    const end = (e: PointerEvent) => {
      if (e.pointerId !== this.pointer) return;
      this.pointer = null;
      this.x = this.y = 0;
      this.draw();
    };
    this.el.addEventListener('pointerup', end);
    this.el.addEventListener('pointercancel', end);
  }

  get active(): boolean {
    return this.pointer !== null;
  }

  private move(e: PointerEvent): void {
    const r = this.el.getBoundingClientRect();
    let dx = (e.clientX - (r.left + r.width / 2)) / RADIUS,
      dy = (e.clientY - (r.top + r.height / 2)) / RADIUS;
    const m = Math.hypot(dx, dy);
    if (m > 1) {
      dx /= m;
      dy /= m;
    }
    this.x = dx;
    this.y = dy;
    this.draw();
  }

  private draw(): void {
    this.knob.style.transform = `translate(${this.x * RADIUS}px, ${this.y * RADIUS}px)`;
  }

  /** screen right = turn right (−wz), screen up = forward */
  deflection(): Vec3 {
    return [-this.y, 0, -this.x];
  }
}
