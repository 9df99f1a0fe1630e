/** The pages the loopback server shows in the browser once the identity provider redirects back. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Everything echoed into a page came from a URL anyone can craft, so it is always escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const DEFAULT_SUCCESS_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Authentication complete</title></head>' +
  '<body><h1>Authentication complete</h1><p>You can close this window and return to the application.</p></body></html>';

const DEFAULT_ERROR_PAGE =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Authentication failed</title></head>' +
  '<body><h1>Authentication failed</h1><p>$error</p><p>$error_description</p></body></html>';

export function renderSuccessPage(template?: string): string {
  return template ?? DEFAULT_SUCCESS_PAGE;
}

/**
 * Custom error templates may use the placeholders `$error` and
 * `$error_description` (the convention MSAL Python's error_template uses).
 */
export function renderErrorPage(details: { error: string; error_description?: string | undefined }, template?: string): string {
  const values: Record<string, string> = {
    error: escapeHtml(details.error),
    error_description: escapeHtml(details.error_description ?? ''),
  };
  // Longest name first so `$error_description` is not eaten by `$error`.
  return (template ?? DEFAULT_ERROR_PAGE).replace(/\$(error_description|error)\b/g, (_, name: string) => values[name] ?? '');
}
