/** Tiny inline-SVG charts for the self-contained HTML report (no scripts, no external files). */

export const PALETTE = ['#4e9af1', '#f5a623', '#7ed321', '#d0021b', '#bd10e0', '#50e3c2', '#b8e986', '#9b9b9b'];

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return x.toFixed(a >= 100 ? Math.min(1, digits) : digits); // never more decimals than asked (100 %, not 100.0 %)
}

function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export interface BarSeries {
  name: string;
  values: number[];
  lo?: number[];
  hi?: number[];
}

/** Grouped vertical bars with optional error bars (e.g. 95% intervals). */
export function barChart(o: {
  title: string;
  unit?: string;
  categories: string[];
  series: BarSeries[];
  width?: number;
  height?: number;
}): string {
  const W = o.width ?? Math.max(360, 70 + o.categories.length * (24 + 18 * o.series.length));
  const H = o.height ?? 240;
  const L = 56,
    R = 10,
    T = 26,
    B = 48;
  const all = o.series.flatMap((s) => [...s.values, ...(s.hi ?? [])]).filter((x) => Number.isFinite(x));
  const ymax = niceMax(Math.max(0, ...all));
  const y = (v: number) => T + (H - T - B) * (1 - Math.max(0, v) / ymax);
  const gw = (W - L - R) / Math.max(1, o.categories.length);
  const bw = Math.max(4, Math.min(28, (gw - 10) / Math.max(1, o.series.length)));
  const parts: string[] = [];
  parts.push(`<text x="${L}" y="16" class="t">${esc(o.title)}${o.unit ? ` (${esc(o.unit)})` : ''}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (ymax * k) / 4;
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" class="g"/><text x="${L - 4}" y="${y(v) + 4}" class="a" text-anchor="end">${fmt(v, 2)}</text>`,
    );
  }
  o.categories.forEach((c, ci) => {
    const x0 = L + ci * gw + (gw - bw * o.series.length) / 2;
    o.series.forEach((s, si) => {
      const v = s.values[ci];
      if (!Number.isFinite(v)) return;
      const x = x0 + si * bw;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(s.name)} · ${esc(c)}: ${fmt(v, 4)}</title></rect>`,
      );
      const lo = s.lo?.[ci],
        hi = s.hi?.[ci];
      if (lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) {
        const xm = (x + (bw - 2) / 2).toFixed(1);
        parts.push(
          `<path d="M${xm} ${y(lo).toFixed(1)}V${y(hi).toFixed(1)}M${(+xm - 3).toFixed(1)} ${y(hi).toFixed(1)}h6M${(+xm - 3).toFixed(1)} ${y(lo).toFixed(1)}h6" class="e"/>`,
        );
      }
    });
    const lx = L + ci * gw + gw / 2;
    const maxChars = Math.max(6, Math.floor(gw / 6));
    c.split(' · ')
      .slice(0, 3)
      .forEach((line, li) => {
        const t = line.length > maxChars ? line.slice(0, maxChars - 1) + '…' : line;
        parts.push(
          `<text x="${lx.toFixed(1)}" y="${H - B + 14 + li * 12}" class="a" text-anchor="middle"><title>${esc(c)}</title>${esc(t)}</text>`,
        );
      });
  });
  return svg(
    W,
    H,
    parts.join(''),
    o.series.map((s) => s.name),
  );
}

export interface LineSeries {
  name: string;
  xs: number[];
  ys: number[];
}

/** Step/line plot (survival curves, time series). */
export function lineChart(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  yMax?: number;
  width?: number;
  height?: number;
}): string {
  const W = o.width ?? 460,
    H = o.height ?? 240;
  const L = 50,
    R = 10,
    T = 26,
    B = 36;
  const xmax = niceMax(Math.max(0, ...o.series.flatMap((s) => s.xs)));
  const ymax = o.yMax ?? niceMax(Math.max(0, ...o.series.flatMap((s) => s.ys).filter(Number.isFinite)));
  const x = (v: number) => L + ((W - L - R) * v) / xmax;
  const y = (v: number) => T + (H - T - B) * (1 - v / ymax);
  const parts: string[] = [`<text x="${L}" y="16" class="t">${esc(o.title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y((ymax * k) / 4)}" y2="${y((ymax * k) / 4)}" class="g"/><text x="${L - 4}" y="${y((ymax * k) / 4) + 4}" class="a" text-anchor="end">${fmt((ymax * k) / 4, 2)}</text>`,
    );
    parts.push(`<text x="${x((xmax * k) / 4)}" y="${H - B + 14}" class="a" text-anchor="middle">${fmt((xmax * k) / 4, 1)}</text>`);
  }
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 4}" class="a" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(
    `<text x="12" y="${(T + H - B) / 2}" class="a" text-anchor="middle" transform="rotate(-90 12 ${(T + H - B) / 2})">${esc(o.yLabel)}</text>`,
  );
  o.series.forEach((s, si) => {
    const d = s.xs.map((xv, i) => `${i ? 'L' : 'M'}${x(xv).toFixed(1)} ${y(s.ys[i]).toFixed(1)}`).join('');
    parts.push(
      `<path d="${d}" fill="none" stroke="${PALETTE[si % PALETTE.length]}" stroke-width="2"${si ? ` stroke-dasharray="${4 + 2 * si} 3"` : ''}><title>${esc(s.name)}</title></path>`,
    );
  });
  return svg(
    W,
    H,
    parts.join(''),
    o.series.map((s) => s.name),
  );
}

/** Horizontal bars, one row per label (per-joint errors), series side by side. */
export function hBarChart(o: { title: string; unit?: string; labels: string[]; series: BarSeries[]; width?: number }): string {
  const W = o.width ?? 560,
    row = 6 + 9 * o.series.length,
    L = 170,
    R = 60,
    T = 26;
  const H = T + row * o.labels.length + 10;
  const xmax = niceMax(Math.max(0, ...o.series.flatMap((s) => s.values).filter(Number.isFinite)));
  const x = (v: number) => L + ((W - L - R) * Math.max(0, v)) / xmax;
  const parts: string[] = [`<text x="4" y="16" class="t">${esc(o.title)}${o.unit ? ` (${esc(o.unit)})` : ''}</text>`];
  o.labels.forEach((lab, li) => {
    const y0 = T + li * row;
    parts.push(`<text x="${L - 4}" y="${y0 + row / 2 + 3}" class="a" text-anchor="end">${esc(lab)}</text>`);
    o.series.forEach((s, si) => {
      const v = s.values[li];
      if (!Number.isFinite(v)) return;
      parts.push(
        `<rect x="${L}" y="${y0 + 2 + si * 9}" width="${(x(v) - L).toFixed(1)}" height="8" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(s.name)} · ${esc(lab)}: ${fmt(v, 4)}</title></rect>`,
      );
      parts.push(`<text x="${(x(v) + 3).toFixed(1)}" y="${y0 + 9 + si * 9}" class="a">${fmt(v, 3)}</text>`);
    });
  });
  return svg(
    W,
    H,
    parts.join(''),
    o.series.map((s) => s.name),
  );
}

function svg(W: number, H: number, body: string, legend: string[]): string {
  const leg =
    legend.length > 1
      ? legend.map((n, i) => `<span class="lg"><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(n)}</span>`).join('')
      : '';
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${body}</svg>${leg ? `<figcaption>${leg}</figcaption>` : ''}</figure>`;
}

export const CHART_CSS = `svg .t{font:600 13px sans-serif;fill:#ddd}svg .a{font:10px sans-serif;fill:#aaa}svg .g{stroke:#333;stroke-width:1}svg .e{stroke:#eee;stroke-width:1.2;fill:none}figure{display:inline-block;margin:6px;background:#1b1e24;border-radius:6px;padding:6px}figcaption{font:11px sans-serif;color:#ccc}.lg{margin-right:10px}.lg i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}`;
