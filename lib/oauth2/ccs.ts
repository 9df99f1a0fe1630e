/**
 * Cache-credential-service routing hint. Entra's gateway uses X-AnchorMailbox to send the
 * request to the region that holds the user's data, which saves a cross-region hop.
 */
export function ccsRoutingHeaders(hint: { homeAccountId?: string; username?: string }): Record<string, string> {
  const parts = hint.homeAccountId?.split('.');
  if (parts && parts.length === 2 && parts[0] && parts[1]) {
    return { 'X-AnchorMailbox': `Oid:${parts[0]}@${parts[1]}` };
  }
  if (hint.username) return { 'X-AnchorMailbox': `UPN:${hint.username}` };
  return {};
}
