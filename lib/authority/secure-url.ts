/**
 * Authority and endpoint URLs carry credentials, so only https is allowed.
 * Plain http is a tests-only opt-in, and then only for loopback hosts.
 */
import { InvalidAuthorityError } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * Parses `value` and enforces the scheme rule. `what` names the value in error messages.
 * `makeError` lets discovery report a bad endpoint as a discovery failure rather than a caller mistake.
 */
export function parseSecureUrl(
  value: string,
  what: string,
  allowHttpLoopback: boolean,
  makeError: (message: string, cause?: unknown) => Error = (m, cause) => new InvalidAuthorityError(m, { cause }),
): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw makeError(`${what} is not an absolute URL: "${value}"`, cause);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) {
    if (allowHttpLoopback) return url;
    throw makeError(`${what} uses http; http is accepted only for loopback hosts with allowHttpLoopbackAuthority: true`);
  }
  throw makeError(`${what} must use https, got "${url.protocol}" in "${value}"`);
}
