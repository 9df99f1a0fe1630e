import { InvalidArgumentError } from '../errors.js';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

/**
 * Parses a claims request (OIDC Core 5.5) and insists on a JSON object. The
 * error never quotes the input (claims may carry sensitive values), so the
 * parser's own message, which does, is not kept as its cause.
 */
export function parseClaims(claims: string): JsonObject {
  let parsed: unknown;
  try {
    if (typeof claims !== 'string') throw new TypeError('not a string');
    parsed = JSON.parse(claims);
  } catch {
    throw new InvalidArgumentError('claims challenge is not valid JSON');
  }
  if (!isObject(parsed)) throw new InvalidArgumentError('claims challenge must be a JSON object');
  return parsed;
}

/**
 * Merges two claims requests (JSON object text), recursively; where both set
 * the same leaf, the second wins. Undefined when both are empty.
 */
export function mergeClaimsJson(first: string | undefined, second: string | undefined): string | undefined {
  const parts = [first, second].filter((c): c is string => c !== undefined && c !== '').map(parseClaims);
  if (parts.length === 0) return undefined;
  return JSON.stringify(parts.reduce((merged, next) => deepMerge(merged, next)));
}

/**
 * The `claims` parameter to send: the resource's claims challenge with the app's client
 * capabilities (e.g. CP1 for CAE) merged in as access_token.xms_cc.
 */
export function mergeClaims(
  claimsChallenge: string | undefined,
  clientCapabilities: readonly string[] | undefined,
): string | undefined {
  const challenge = claimsChallenge === undefined || claimsChallenge === '' ? undefined : claimsChallenge;
  const parsed = challenge === undefined ? {} : parseClaims(challenge);
  if (!clientCapabilities || clientCapabilities.length === 0) return challenge;
  const capabilities = { access_token: { xms_cc: { values: [...clientCapabilities] } } };
  return JSON.stringify(deepMerge(parsed, capabilities));
}
