/**
 * Replies kept for diagnosis (MalformedResponseError.body) end up in logs and bug reports;
 * anything in them that may be a token or a secret is blanked out first.
 */

/** Names of members whose values are secrets: *token*, *secret*, code, assertion, password and the like. */
const SECRET_NAME = String.raw`[\w-]*(?:token|secret|code|assertion|password|key|signature|credential)[\w-]*`;
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // "refresh_token": "…" in JSON, the closing quote possibly cut off by truncation.
  [new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*)"(?:[^"\\]|\\.)*"?`, 'gi'), '$1"<redacted>"'],
  // refresh_token=… in a form or query string.
  [new RegExp(String.raw`(\b${SECRET_NAME}=)[^&\s"]*`, 'gi'), '$1<redacted>'],
  // A JWT (or its start) anywhere.
  [/eyJ[\w-]*(?:\.[\w-]*){0,2}/g, '<redacted>'],
  // Any long opaque run (Entra refresh tokens, client secrets).
  [/[\w.~+/=-]{32,}/g, '<redacted>'],
];

/** `text` with anything token-like replaced by `<redacted>`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
