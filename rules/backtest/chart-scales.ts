/** Axis arithmetic for the timeline chart: nice count ticks, nice time ticks, time labels. */

/** Ticks 0..top for counts, about `target` of them, on 1/2/5 x 10^k steps (at least 1). */
export function countTicks(maxValue: number, target = 5): { top: number; ticks: number[] } {
  const max = Math.max(1, maxValue);
  const raw = max / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow);
  let top = Math.ceil(max / step) * step;
  if (top < max * 1.05) top += step; // headroom so the highest bar or line does not touch the frame
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { top, ticks };
}

const TIME_STEPS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000, 172_800_000, 604_800_000, 2_592_000_000,
];

/** UTC-aligned time ticks in [from, to], at most `maxTicks` of them. */
export function timeTicks(from: number, to: number, maxTicks = 8): { step: number; ticks: number[] } {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return { step, ticks };
}

/** Tick label: "MM-DD HH:MM" across days, "HH:MM:SS" for sub-minute steps, else "HH:MM" (UTC). */
export function timeTickLabel(t: number, step: number, multiDay: boolean): string {
  const iso = new Date(t).toISOString();
  if (multiDay) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return step < 60_000 ? iso.slice(11, 19) : iso.slice(11, 16);
}

export function sameUtcDay(a: number, b: number): boolean {
  return new Date(a).toISOString().slice(0, 10) === new Date(b).toISOString().slice(0, 10);
}
