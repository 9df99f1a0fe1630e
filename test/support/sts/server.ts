/**
 * A local STS that emulates the Entra endpoints the library needs, over plain
 * HTTP on 127.0.0.1. Feature modules register routes; tests inject faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body text. */
  body: string;
  /** Parsed x-www-form-urlencoded body (empty for other content types). */
  form: URLSearchParams;
}

export interface StsReply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string verbatim. */
  body?: unknown;
}

export type Handler = (req: StsRequest, sts: LocalSts) => StsReply | Promise<StsReply>;

/** A fault served instead of the real handler for the next `times` matching requests. */
export interface Fault {
  path: string | RegExp;
  times?: number;
  reply: StsReply | 'malformed' | 'reset' | 'hang';
}

export class LocalSts {
  readonly server: Server;
  baseUrl = '';
  /** Host with port, as it appears in authority URLs. */
  host = '';
  readonly requests: StsRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly patternRoutes: Array<{ pattern: RegExp; method: string; handler: Handler }> = [];
  private faults: Array<Required<Pick<Fault, 'times'>> & Fault> = [];

  constructor() {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.host = `127.0.0.1:${port}`;
    this.baseUrl = `http://${this.host}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Exact path match, e.g. route('POST', '/common/oauth2/v2.0/token', h). */
  route(method: string, path: string, handler: Handler): this {
    this.routes.set(`${method} ${path}`, handler);
    return this;
  }

  /** Pattern match, tried after exact routes, in registration order. */
  routePattern(method: string, pattern: RegExp, handler: Handler): this {
    this.patternRoutes.push({ method, pattern, handler });
    return this;
  }

  inject(fault: Fault): this {
    this.faults.push({ times: 1, ...fault });
    return this;
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Requests whose path matches, for assertions. */
  requestsTo(path: string | RegExp): StsRequest[] {
    return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isForm = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    const sreq: StsRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      form: new URLSearchParams(isForm ? body : ''),
    };
    this.requests.push(sreq);

    const fault = this.faults.find((f) => (typeof f.path === 'string' ? f.path === sreq.path : f.path.test(sreq.path)));
    if (fault) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      if (fault.reply === 'reset') return void req.socket.destroy();
      if (fault.reply === 'hang') return; // never answers; the client's timeout must fire
      if (fault.reply === 'malformed') return this.send(res, { status: 200, body: '<html>not json' });
      return this.send(res, fault.reply);
    }

    const handler =
      this.routes.get(`${sreq.method} ${sreq.path}`) ??
      this.patternRoutes.find((r) => r.method === sreq.method && r.pattern.test(sreq.path))?.handler;
    if (!handler) return this.send(res, { status: 404, body: { error: 'not_found', error_description: sreq.path } });
    try {
      this.send(res, await handler(sreq, this));
    } catch (e) {
      this.send(res, { status: 500, body: { error: 'server_error', error_description: String(e) } });
    }
  }

  private send(res: ServerResponse, reply: StsReply): void {
    const isText = typeof reply.body === 'string';
    const text = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, {
      'content-type': isText ? 'text/html' : 'application/json; charset=utf-8',
      ...reply.headers,
    });
    res.end(text);
  }
}
