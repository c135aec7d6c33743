/** A batch grows to this many characters before it is written without waiting for the end of the turn. */
const MAX_BATCH_CHARS = 64 * 1024;

/**
 * Lines written together: every line added during one turn of the event loop goes out in one
 * write at the end of that turn (setImmediate), or sooner once the batch reaches
 * {@link MAX_BATCH_CHARS}. Node writes stdout synchronously when it is a file or a pipe, so a
 * line written on its own costs a system call; under load the lines of a turn's requests then
 * share one. Nothing is dropped or sampled: {@link flush} writes what is pending at once, for
 * shutdown and for a process that exits in the middle of a turn.
 */
export class LineBatch {
  private pending = '';
  private scheduled = false;
  private readonly flushAtEndOfTurn = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly write: (chunk: string) => void) {}

  add(line: string): void {
    this.pending += `${line}\n`;
    if (this.pending.length >= MAX_BATCH_CHARS) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushAtEndOfTurn);
    }
  }

  flush(): void {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.write(chunk);
  }
}
