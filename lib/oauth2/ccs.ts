/**
 * Cache-credential-service (CCS) routing hints, as MSAL Python sends them. Entra's
 * gateway uses X-AnchorMailbox to send a request to the region that holds the
 * user's data, which saves a cross-region hop. The value is case-insensitive
 * server-side; the spellings below are the reference's, flow by flow.
 */
import { parseClientInfo } from './client-info.js';

export const ANCHOR_MAILBOX = 'X-AnchorMailbox';

/** Who a token request is for, in whichever form the flow knows the user. */
export type CcsHint =
  /** A cached account (silent refresh): every "." of the home account id becomes "@". */
  | { homeAccountId: string }
  /** ROPC and user_fic by name. */
  | { username: string }
  /** An auth code redemption: the client_info the authorization reply carried. */
  | { clientInfo: string | undefined }
  /** user_fic by object id, in the authority's tenant. */
  | { userObjectId: string; tenant: string };

/** The X-AnchorMailbox header for a token request, or no header when the hint names nobody. */
export function ccsRoutingHeaders(hint: CcsHint): Record<string, string> {
  if ('homeAccountId' in hint) return hint.homeAccountId ? { [ANCHOR_MAILBOX]: `Oid:${hint.homeAccountId.replaceAll('.', '@')}` } : {};
  if ('username' in hint) return hint.username ? { [ANCHOR_MAILBOX]: `upn:${hint.username}` } : {};
  if ('userObjectId' in hint) return { [ANCHOR_MAILBOX]: `Oid:${hint.userObjectId}@${hint.tenant}` };
  if (!hint.clientInfo) return {};
  try {
    const { uid, utid } = parseClientInfo(hint.clientInfo);
    return { [ANCHOR_MAILBOX]: `Oid:${uid}@${utid}` };
  } catch {
    return {}; // a routing hint is an optimisation: an unreadable client_info just means none
  }
}

/**
 * Authorization request parameters the reference adds for CCS: client_info=1, so the
 * reply carries the client_info that routes the redemption, and the login hint as
 * an X-AnchorMailbox query parameter.
 */
export function ccsAuthorizationParams(loginHint: string | undefined): Record<string, string> {
  return { client_info: '1', ...(loginHint ? { [ANCHOR_MAILBOX]: `UPN:${loginHint}` } : {}) };
}
