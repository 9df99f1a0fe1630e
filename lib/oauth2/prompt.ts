/** Values of the OpenID Connect `prompt` parameter that the library passes through. */
export const Prompt = {
  NONE: 'none',
  LOGIN: 'login',
  CONSENT: 'consent',
  SELECT_ACCOUNT: 'select_account',
  CREATE: 'create',
} as const;
export type Prompt = (typeof Prompt)[keyof typeof Prompt];
