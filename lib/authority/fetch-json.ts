/** A discovery GET whose every failure becomes a DiscoveryError that says what the server sent. */
import { DiscoveryError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/types.js';

const BODY_PREFIX = 200;

export interface JsonReply {
  status: number;
  json: Record<string, unknown>;
  body: string;
}

/** Sends the GET; a transport failure is wrapped, an HTTP status is not judged here. */
export async function getJson(http: HttpClient, url: string, what: string): Promise<JsonReply> {
  let res: HttpResponse;
  try {
    res = await http.send({ method: 'GET', url });
  } catch (cause) {
    throw new DiscoveryError(`${what} request to ${url} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch (cause) {
    throw new DiscoveryError(`${what} from ${url} is not JSON (HTTP ${res.status}): ${prefix(res.body)}`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DiscoveryError(`${what} from ${url} is not a JSON object (HTTP ${res.status}): ${prefix(res.body)}`);
  }
  return { status: res.status, json: parsed as Record<string, unknown>, body: res.body };
}

export function httpError(what: string, url: string, reply: JsonReply): DiscoveryError {
  return new DiscoveryError(`${what} from ${url} failed with HTTP ${reply.status}: ${prefix(reply.body)}`);
}

function prefix(body: string): string {
  return body.length > BODY_PREFIX ? `${body.slice(0, BODY_PREFIX)}…` : body;
}
