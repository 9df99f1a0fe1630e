import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatRemaining, startProgress } from '../../../lib/cli/spinner.js';
import { captureStream } from './capture.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('progress display', () => {
  it('writes plain lines, once per distinct status, when stderr is not a terminal', () => {
    const out = captureStream(false);
    const p = startProgress(out, 'Waiting (2 min left)');
    p.update('Waiting (2 min left)');
    p.update('Waiting (1 min left)');
    p.stop('Done');
    p.stop('Done again');
    p.update('ignored');
    expect(out.text).toBe('Waiting (2 min left)\nWaiting (1 min left)\nDone\n');
    expect(out.text).not.toMatch(/\r|\x1b/);
  });

  it('animates one line on a terminal and clears it when stopped', () => {
    vi.useFakeTimers();
    const out = captureStream(true);
    const p = startProgress(out, 'Waiting');
    vi.advanceTimersByTime(250);
    const frames = out.text.split('\r\x1b[2K').filter(Boolean);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(new Set(frames.map((f) => f[0])).size).toBeGreaterThan(1);
    expect(frames.every((f) => f.endsWith(' Waiting'))).toBe(true);
    p.update('Almost');
    expect(out.text.endsWith(' Almost')).toBe(true);
    p.stop();
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
    const length = out.text.length;
    vi.advanceTimersByTime(1000);
    expect(out.text.length).toBe(length);
  });

  it('formats a countdown', () => {
    expect(formatRemaining(899)).toBe('14:59');
    expect(formatRemaining(5)).toBe('0:05');
    expect(formatRemaining(-3)).toBe('0:00');
  });
});
