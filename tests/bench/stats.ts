/** Small statistics for timing samples: nearest-rank percentiles (no interpolation). */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export { median } from '../../utils/stats';

export const round = (value: number, digits = 2): number => {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** One timed run of a stage: the whole stage, and the part spent inside the model (session.run). */
export interface Sample {
  totalMs: number;
  modelMs: number;
}

/** What bench-results.json holds per stage (plus stage-specific extras). */
export interface StageSummary {
  runs: number;
  /** Median / 90th percentile of the stage's total time. */
  median_ms: number;
  p90_ms: number;
  /** Median of (total − model) per run: our own code's time. */
  ours_ms: number;
  /** Median of the model's time per run (inside ONNX Runtime's session.run). */
  model_ms: number;
  /** Median over runs of ours/total. */
  ours_share: number;
  min_ms: number;
  max_ms: number;
  ours_p90_ms: number;
  /** Where it was measured. */
  source: string;
  [extra: string]: unknown;
}

export function summarize(samples: readonly Sample[], source: string, extra: Record<string, unknown> = {}): StageSummary {
  const totals = samples.map((s) => s.totalMs);
  const ours = samples.map((s) => s.totalMs - s.modelMs);
  const shares = samples.map((s) => (s.totalMs > 0 ? (s.totalMs - s.modelMs) / s.totalMs : 0));
  return {
    runs: samples.length,
    median_ms: round(median(totals)),
    p90_ms: round(percentile(totals, 90)),
    ours_ms: round(median(ours)),
    model_ms: round(median(samples.map((s) => s.modelMs))),
    ours_share: round(median(shares), 4),
    min_ms: round(Math.min(...totals)),
    max_ms: round(Math.max(...totals)),
    ours_p90_ms: round(percentile(ours, 90)),
    source,
    ...extra,
    /** Every run, in order: total and ours (ms, 0.1 ms). */
    totals_ms: totals.map((v) => round(v, 1)),
    ours_each_ms: ours.map((v) => round(v, 1)),
  };
}

/** median / p90 / runs of plain durations, for breakdowns. */
export function spread(values: readonly number[]): { runs: number; median_ms: number; p90_ms: number } {
  return { runs: values.length, median_ms: round(median(values)), p90_ms: round(percentile(values, 90)) };
}
