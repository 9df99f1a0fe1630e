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

/** Parses a claims request (OIDC Core 5.5) and insists on a JSON object. */
export function parseClaims(claims: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch (e) {
    throw new InvalidArgumentError('claims challenge is not valid JSON', { cause: e });
  }
  if (!isObject(parsed)) throw new InvalidArgumentError('claims challenge must be a JSON object');
  return parsed;
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
