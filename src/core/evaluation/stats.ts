/** Summary statistics for evaluation: mean with a 95% Student-t interval, Wilson interval for rates. */

export interface Stat {
  mean: number;
  /** 95% confidence interval of the mean (Student t; [mean, mean] for n < 2) */
  ci95: [number, number];
  std: number;
  min: number;
  max: number;
  /** finite values (the mean is over these) */
  n: number;
  /** values that were null or non-finite (excluded from the mean, counted here) */
  missing: number;
}

// two-sided 95% quantiles of Student's t for df = 1..30
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[df - 1];
  if (df <= 60) return 2.042 - ((df - 30) * (2.042 - 2.0)) / 30;
  if (df <= 120) return 2.0 - ((df - 60) * (2.0 - 1.98)) / 60;
  return 1.96;
}

/** Round to 6 significant digits (stable, readable JSON). Non-finite values become null in JSON anyway. */
export const r6 = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

export function meanStat(values: number[]): Stat {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  const missing = values.length - n;
  if (n === 0) return { mean: NaN, ci95: [NaN, NaN], std: NaN, min: NaN, max: NaN, n: 0, missing };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1)) : 0;
  const h = n > 1 ? (tQuantile975(n - 1) * std) / Math.sqrt(n) : 0;
  return {
    mean: r6(mean),
    ci95: [r6(mean - h), r6(mean + h)],
    std: r6(std),
    min: r6(Math.min(...v)),
    max: r6(Math.max(...v)),
    n,
    missing,
  };
}

/** Wilson score interval (95%) of a success rate k/n. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [NaN, NaN];
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [r6(Math.max(0, c - h)), r6(Math.min(1, c + h))];
}

/** Fraction of episodes still alive at each time in `times` (survival curve). */
export function survivalCurve(survived: number[], times: number[]): number[] {
  return times.map((t) => (survived.length ? survived.filter((s) => s >= t - 1e-9).length / survived.length : NaN));
}
