import { randomUUID } from 'node:crypto';

/** A fresh id that ties one logical operation's requests together (sent as client-request-id). */
export function newCorrelationId(): string {
  return randomUUID();
}
