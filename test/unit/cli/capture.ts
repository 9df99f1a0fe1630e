/** In-memory stdout/stderr for driving main() in-process. */
import type { CliIo, CliStream } from '../../../lib/cli/io.js';

export interface CapturedStream extends CliStream {
  text: string;
}

export function captureStream(isTTY = false, onWrite?: (text: string) => void): CapturedStream {
  const stream: CapturedStream = {
    text: '',
    isTTY,
    write(chunk: string) {
      stream.text += chunk;
      onWrite?.(stream.text);
      return true;
    },
  };
  return stream;
}

export function captureIo(extra: Partial<CliIo> & { onStderr?: (text: string) => void } = {}): CliIo & { stdout: CapturedStream; stderr: CapturedStream } {
  const { onStderr, ...rest } = extra;
  return { env: {}, ...rest, stdout: captureStream(), stderr: captureStream(false, onStderr) };
}
