/** What the multi-process test tells each instance (instance.ts), and the scopes they cache. */
import type { Account } from '../../../lib/app/account.js';

export interface InstanceConfig {
  id: number;
  redisUrl: string;
  app: { clientId: string; authority: string; allowHttpLoopbackAuthority: true; instanceDiscoveryEndpoint: string };
  secret: string;
  own: Array<{ username: string; password: string }>;
  shared: Account[];
  rounds: number;
}

export const ownScope = 'api://downstream/own';
export const sharedScope = (instance: number, round: number) => `api://downstream/i${instance}-r${round}`;

