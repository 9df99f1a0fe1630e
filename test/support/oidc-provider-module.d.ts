/**
 * oidc-provider 9 ships no type declarations; this covers the part the test
 * support uses. Configuration stays loosely typed on purpose: the provider
 * validates it at runtime, far more thoroughly than a hand-written type could.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderClient {
    clientId: string;
    grantTypeAllowed(type: string): boolean;
  }

  export interface ProviderAccount {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface ProviderConfiguration {
    findAccount?(ctx: unknown, id: string): Promise<ProviderAccount | undefined> | ProviderAccount | undefined;
    issueRefreshToken?(ctx: unknown, client: ProviderClient, code: unknown): Promise<boolean> | boolean;
    [option: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
