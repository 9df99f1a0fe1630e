/**
 * Progress on stderr while the CLI waits for the user. On a terminal a spinner
 * redraws one line; elsewhere (pipes, CI logs) each new status is a plain line,
 * because carriage returns and escape codes only garble a log file.
 */

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
}

export interface Progress {
  /** Replaces the status text. */
  update(text: string): void;
  /** Clears the spinner line; prints `finalLine` (if any) as a plain line. Idempotent. */
  stop(finalLine?: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
const CLEAR_LINE = '\r\x1b[2K';

export function startProgress(stream: ProgressStream, text: string): Progress {
  return stream.isTTY === true ? ttySpinner(stream, text) : plainLines(stream, text);
}

function plainLines(stream: ProgressStream, text: string): Progress {
  let last = text;
  let stopped = false;
  stream.write(`${text}\n`);
  return {
    update(next) {
      if (stopped || next === last) return;
      last = next;
      stream.write(`${next}\n`);
    },
    stop(finalLine) {
      if (stopped) return;
      stopped = true;
      if (finalLine !== undefined) stream.write(`${finalLine}\n`);
    },
  };
}

function ttySpinner(stream: ProgressStream, initial: string): Progress {
  let text = initial;
  let frame = 0;
  const draw = (): void => {
    stream.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length]} ${text}`);
    frame++;
  };
  draw();
  const timer = setInterval(draw, FRAME_MS);
  // The spinner alone must never keep the process alive.
  timer.unref();
  let stopped = false;
  return {
    update(next) {
      if (stopped) return;
      text = next;
      draw();
    },
    stop(finalLine) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write(CLEAR_LINE);
      if (finalLine !== undefined) stream.write(`${finalLine}\n`);
    },
  };
}

/** "14:05" for a countdown; hours are rare for sign-in windows and shown as minutes. */
export function formatRemaining(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
