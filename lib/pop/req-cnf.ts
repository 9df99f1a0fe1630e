/** The token-request side of Entra SHR PoP: tells the STS which key to bind the token to. */

/** base64url of the JSON `{"kid":<thumbprint>}`. */
export function reqCnf(kid: string): string {
  return Buffer.from(JSON.stringify({ kid }), 'utf8').toString('base64url');
}

/** Extra token-endpoint parameters for a PoP-bound access token. */
export function popTokenRequestParams(kid: string): { token_type: 'pop'; req_cnf: string } {
  return { token_type: 'pop', req_cnf: reqCnf(kid) };
}
