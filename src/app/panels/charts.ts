/** Live uPlot charts: joint tracking error, anchor error, torque; object position error when the reference carries objects. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom';
import type { Metrics } from '../sim';
import type { ObjectReference } from '../object-reference';

const X_AXIS = 'simulated time (s)';

interface Chart {
  plot: uPlot;
  data: () => [number[], number[]];
  /** hidden while its series is empty (the object chart without an object reference) */
  hideEmpty: boolean;
}
type Key = keyof Omit<Metrics, 't'> | 'objectErr';

/** The axis style every small chart uses. */
export const AXIS: uPlot.Axis = { stroke: '#8a93a3', grid: { stroke: '#2a303b', width: 1 }, font: '10px system-ui' };

/** Options of a small chart (300 × 130, no legend or cursor, x not a time): its axes and series. */
export function smallPlot(axes: uPlot.Axis[], series: uPlot.Series[]): uPlot.Options {
  return { width: 300, height: 130, legend: { show: false }, cursor: { show: false }, scales: { x: { time: false } }, axes, series };
}

export class Charts {
  private readonly charts: Chart[] = [];
  /** number of points drawn so far (tests read it) */
  updates = 0;
  constructor(
    el: HTMLElement,
    private readonly metrics: Metrics,
    objectErr: ObjectReference['err'],
  ) {
    const defs: [Key, string, string, string][] = [
      ['jointErr', 'Joint tracking error', 'rad (mean |q − q_ref|)', '#4da3ff'],
      ['anchorErr', 'Anchor (torso) position error', 'm', '#ffb347'],
      ['torque', 'Joint torque', 'N·m (RMS)', '#4dff88'],
      ['objectErr', 'Object position error', 'm (mean |p_obj − p̂_obj|)', '#ff6f91'],
    ];
    for (const [key, title, unit, color] of defs) {
      const box = h(
        'div',
        { class: 'chart', id: `chart-${key}`, 'data-x-axis': X_AXIS, 'data-y-axis': unit },
        h('div', { class: 'title', title: `${title} · ${unit}` }, `${title} · ${unit}`),
      );
      el.append(box);
      const plot = new uPlot(
        smallPlot(
          [
            {
              ...AXIS,
              ticks: { stroke: '#2a303b' },
              size: 30,
              label: X_AXIS,
              labelSize: 12,
              labelFont: '10px system-ui',
              values: (_u, v) => v.map((x) => `${x} s`),
            },
            { ...AXIS, ticks: { stroke: '#2a303b' }, size: 50 },
          ],
          [{}, { stroke: color, width: 1.5, fill: color + '22', points: { show: false } }],
        ),
        [[], []],
        box,
      );
      const m = this.metrics;
      const data = (): [number[], number[]] =>
        key === 'objectErr' ? [objectErr.t.slice(), objectErr.err.slice()] : [m.t.slice(), m[key].slice()];
      this.charts.push({ plot, data, hideEmpty: key === 'objectErr' });
      if (key === 'objectErr') box.style.display = 'none';
    }
    const ro = new ResizeObserver(() => this.resize());
    ro.observe(el);
  }
  resize(): void {
    for (const c of this.charts) {
      const box = c.plot.root.parentElement!;
      c.plot.setSize({ width: Math.max(120, box.clientWidth - 4), height: Math.max(60, box.clientHeight - 20) });
    }
  }
  update(): void {
    for (const c of this.charts) {
      const d = c.data();
      if (c.hideEmpty) {
        const box = c.plot.root.parentElement!;
        const show = d[0].length > 0;
        if ((box.style.display !== 'none') !== show) {
          box.style.display = show ? '' : 'none';
          if (show) this.resize();
        }
      }
      c.plot.setData(d);
    }
    this.updates++;
  }
}
