/** Where a progress bar draws: a terminal (stderr), or anything shaped like one in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBarOptions {
  /** What is counted, plural ("records", "events"). */
  unit: string;
  /** The total is a count of `unit` (events of a search), not bytes: the bar shows `done/total unit`. */
  totalIsCount?: boolean;
  /** Nothing is drawn for work that ends sooner than this (no flicker for small files). Default 300 ms. */
  delayMs?: number;
  /** At most one redraw per this many ms. Default 100 ms. */
  intervalMs?: number;
  now?: () => number;
}

const CLEAR_LINE = '\r\x1b[K';

function megabytes(bytes: number): string {
  const mb = bytes / 1048576;
  return mb >= 100 ? mb.toFixed(0) : mb.toFixed(1);
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/**
 * A one-line progress bar on a terminal, by bytes of input read (or by a count, `totalIsCount`): `[=====>    ]  45% 12.3/27.4 MB
 * 45,120 records 31,204/s ETA 0:05`. It draws only when the stream is a TTY (never into a file or a
 * pipe), only once the work has run for `delayMs`, and clears its line when done.
 */
export class ProgressBar {
  private readonly started: number;
  private readonly now: () => number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private drawnAt = -Infinity;
  private drawn = false;

  constructor(private readonly out: ProgressStream, private readonly totalBytes: number, private readonly opts: ProgressBarOptions) {
    this.now = opts.now ?? Date.now;
    this.started = this.now();
    this.delayMs = opts.delayMs ?? 300;
    this.intervalMs = opts.intervalMs ?? 100;
  }

  get enabled(): boolean { return this.out.isTTY === true; }

  update(bytesRead: number, count: number): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.started < this.delayMs || t - this.drawnAt < this.intervalMs) return;
    this.drawnAt = t;
    this.drawn = true;
    this.out.write(CLEAR_LINE + this.line(bytesRead, count, t));
  }

  /** Clears the bar; `summary` (if any) is printed in its place, on a line of its own. */
  finish(summary?: string): void {
    if (!this.enabled) return;
    if (this.drawn) this.out.write(CLEAR_LINE);
    if (summary !== undefined) this.out.write(`${summary}\n`);
  }

  /** The text of the bar at time `t` (ms), fitted to the terminal's width. */
  line(bytesRead: number, count: number, t: number = this.now()): string {
    const total = Math.max(this.totalBytes, 1);
    const fraction = Math.min(1, Math.max(0, bytesRead / total));
    const seconds = Math.max((t - this.started) / 1000, 1e-3);
    const rate = count / seconds;
    const eta = fraction > 0 && fraction < 1 ? ` ETA ${duration((seconds / fraction) * (1 - fraction))}` : '';
    const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
    const amount = this.opts.totalIsCount
      ? `${count.toLocaleString('en-US')}/${this.totalBytes.toLocaleString('en-US')} ${this.opts.unit}`
      : `${megabytes(bytesRead)}/${megabytes(this.totalBytes)} MB ${count.toLocaleString('en-US')} ${this.opts.unit}`;
    const tail = `${pct} ${amount} ${Math.round(rate).toLocaleString('en-US')}/s${eta}`;
    const columns = this.out.columns && this.out.columns > 0 ? this.out.columns : 80;
    const width = Math.min(40, columns - tail.length - 4); // "[" + bar + "] " + tail, one column spare
    if (width < 5) return tail.slice(0, columns - 1);
    const full = Math.round(fraction * width);
    const bar = full >= width ? '='.repeat(width) : `${'='.repeat(Math.max(0, full - 1))}${full > 0 ? '>' : ''}${' '.repeat(width - full)}`;
    return `[${bar}] ${tail}`;
  }
}
