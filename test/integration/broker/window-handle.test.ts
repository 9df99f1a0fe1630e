import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../lib/errors.js';
import { loadNativeAddon } from '../../../lib/broker/native-addon.js';
import type { NativeBinding } from '../../../lib/broker/native-binding.js';
import { CONSOLE_WINDOW_HANDLE, type WindowHandle } from '../../../lib/broker/types.js';
import { toNativeWindow, withArgumentErrors } from '../../../lib/broker/window-handle.js';

function binding(): NativeBinding {
  const addon = loadNativeAddon();
  if ('error' in addon) throw new Error(addon.error);
  return addon.binding;
}

/** The integer the addon would pass to MSALRuntime as WINDOW_HANDLE. */
const valueOf = (handle: WindowHandle): bigint =>
  withArgumentErrors(() => binding().windowHandleValue(toNativeWindow(handle)));

describe('window handle conversion', () => {
  it('reads an 8-byte Buffer (Electron getNativeWindowHandle on 64-bit) in host byte order', () => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(0x0000_7f12_3456_789an);
    expect(valueOf(buffer)).toBe(0x0000_7f12_3456_789an);
  });

  it('reads a 4-byte Buffer (an XID)', () => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(0x0460_0007);
    expect(valueOf(buffer)).toBe(0x0460_0007n);
  });

  it('takes a bigint and a safe-integer number', () => {
    expect(valueOf(0xdead_beefn)).toBe(0xdead_beefn);
    expect(valueOf(123456)).toBe(123456n);
  });

  it('maps CONSOLE_WINDOW_HANDLE to the OS default: -1 ("no UX context") on Linux', () => {
    expect(valueOf(CONSOLE_WINDOW_HANDLE)).toBe(0xffff_ffff_ffff_ffffn);
  });

  it.each<[string, unknown]>([
    ['a 3-byte Buffer', Buffer.alloc(3)],
    ['a 16-byte Buffer', Buffer.alloc(16)],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['an unsafe integer', 2 ** 60],
    ['NaN', Number.NaN],
    ['a negative bigint', -5n],
    ['a bigint over 64 bits', 1n << 70n],
    ['a string', '0x1234'],
    ['an object', {}],
  ])('rejects %s with InvalidArgumentError', (_label, input) => {
    expect(() => valueOf(input as WindowHandle)).toThrow(InvalidArgumentError);
  });
});
