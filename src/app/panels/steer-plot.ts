/** The steering plot (uPlot, in the charts panel while a locomotion policy drives): commanded vx and wz against the measured base velocity, last 10 s. */
import uPlot from 'uplot';
import { h } from '../dom';
import { AXIS, smallPlot } from './charts';
import type { SteerSnapshot, SteerView } from '../steer/steer';

const SPAN = 10; // s kept
const SERIES: [string, string, number[] | undefined][] = [
  ['vx command (m/s)', '#4dff88', [6, 4]],
  ['vx base (m/s)', '#4dff88', undefined],
  ['wz command (rad/s)', '#ffb347', [6, 4]],
  ['wz base (rad/s)', '#ffb347', undefined],
];

export class SteerPlot implements SteerView {
  readonly box: HTMLElement;
  private readonly plot: uPlot;
  private readonly data: number[][] = [[], [], [], [], []];
  private lastT = -1;
  private width = 0;
  /** points drawn (tests read it) */
  points = 0;

  constructor(el: HTMLElement) {
    this.box = h(
      'div',
      { class: 'chart', id: 'chart-steer', hidden: true, 'data-x-axis': 'simulated time (s)', 'data-y-axis': 'm/s, rad/s' },
      h('div', { class: 'title' }, 'Command vs base velocity · dashed: command, solid: measured'),
    );
    el.prepend(this.box);
    this.plot = new uPlot(
      smallPlot(
        [
          { ...AXIS, size: 30 },
          { ...AXIS, size: 40 },
        ],
        [{}, ...SERIES.map(([label, stroke, dash]) => ({ label, stroke, dash, width: 1.5, points: { show: false } }))],
      ),
      this.data as uPlot.AlignedData,
      this.box,
    );
  }

  update(s: SteerSnapshot): void {
    this.box.hidden = !s.active;
    if (!s.active || !s.measured) return;
    if (s.time < this.lastT) this.data.forEach((d) => (d.length = 0)); // a reset
    if (s.time === this.lastT) return;
    this.lastT = s.time;
    const row = [s.time, s.command[0], s.measured[0], s.command[2], s.measured[2]];
    row.forEach((v, i) => this.data[i].push(v));
    while (this.data[0].length && this.data[0][0] < s.time - SPAN) this.data.forEach((d) => d.shift());
    const w = Math.max(120, this.box.clientWidth - 4),
      ht = Math.max(60, this.box.clientHeight - 20);
    if (w !== this.width) this.plot.setSize({ width: (this.width = w), height: ht });
    this.plot.setData(this.data as uPlot.AlignedData);
    this.points++;
  }
}
