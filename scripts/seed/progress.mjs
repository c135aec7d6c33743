import { performance } from 'node:perf_hooks';

const BAR_WIDTH = 28;
const TTY_REDRAW_MS = 200;
/** Without a terminal (CI logs, pipes) a line every this often instead of redrawing one. */
const LOG_EVERY_MS = 5000;

const count = (value) => Math.round(value).toLocaleString('en-US');

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '--:--';
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return `${minutes}:${String(whole % 60).padStart(2, '0')}`;
}

/** A progress bar with rate and ETA on stderr, for one phase of `total` units. */
export class Progress {
  constructor(label, total, unit, stream = process.stderr) {
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.stream = stream;
    this.done = 0;
    this.startedAt = performance.now();
    this.lastDrawn = -Infinity;
    this.tty = Boolean(stream.isTTY);
  }

  advance(units) {
    this.done += units;
    const now = performance.now();
    if (now - this.lastDrawn >= (this.tty ? TTY_REDRAW_MS : LOG_EVERY_MS)) this.draw(now);
  }

  line(now) {
    const seconds = (now - this.startedAt) / 1000;
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const rate = seconds > 0 ? this.done / seconds : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : Number.NaN;
    return (
      `${this.label.padEnd(14)} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
      `${count(this.done)}/${count(this.total)} ${this.unit}  ${count(rate)} ${this.unit}/s  ` +
      `elapsed ${formatDuration(seconds)}  ETA ${formatDuration(eta)}`
    );
  }

  draw(now) {
    this.lastDrawn = now;
    if (this.tty) this.stream.write(`\r${this.line(now)}\x1b[K`);
    else this.stream.write(`${this.line(now)}\n`);
  }

  /** Draws the final state and returns the phase's duration in seconds. */
  finish() {
    const now = performance.now();
    if (this.tty) this.stream.write(`\r${this.line(now)}\x1b[K\n`);
    else this.stream.write(`${this.line(now)}\n`);
    return (now - this.startedAt) / 1000;
  }
}
