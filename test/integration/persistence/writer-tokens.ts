/** The token response writer `id` caches in its write `i`: one account per writer, one scope per write. */
import type { TokenResponse } from '../../../lib/oauth2/types.js';
import { userResponse } from '../../unit/cache/fixtures.js';

export const writerUid = (id: number) => `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;

export function writerResponse(id: number, i: number): TokenResponse {
  return userResponse({ uid: writerUid(id), scope: `scope-${id}-${i}`, accessToken: `at-${id}-${i}`, username: `writer${id}@contoso.com` });
}
