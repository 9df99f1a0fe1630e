/**
 * The RFC 8252 loopback redirect receiver: a one-shot HTTP server on
 * 127.0.0.1 that waits for the identity provider to send the browser back
 * with the authorization response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AbortError, BrowserInteractionTimeoutError, InvalidArgumentError, NetworkError } from '../errors.js';
import { timerDelay } from '../timers.js';
import { renderErrorPage, renderSuccessPage } from './response-pages.js';

export interface LoopbackServerOptions {
  /** 0 or absent: the OS picks a free port. */
  port?: number | undefined;
  /** The `state` sent in the authorization request; anything else is turned away. */
  expectedState: string;
  /** HTML shown after a successful sign-in. */
  successPage?: string | undefined;
  /** HTML shown when the provider returned an error; `$error` and `$error_description` are filled in, escaped. */
  errorPage?: string | undefined;
  signal?: AbortSignal | undefined;
  /** How long to wait for the callback; no limit when absent. */
  timeoutMs?: number | undefined;
}

export interface LoopbackServer {
  /** `http://localhost:<port>`, the value to register and send as redirect_uri. */
  readonly redirectUri: string;
  readonly port: number;
  /** Resolves with the accepted callback's parameters (query or form_post body). */
  waitForAuthResponse(): Promise<Record<string, string>>;
  /** Stops listening and drops every connection; pending waits reject with AbortError. Idempotent. */
  close(): Promise<void>;
}

// An authorization response is a handful of short parameters; anything bigger is not one.
const MAX_BODY_BYTES = 64 * 1024;
// A browser sends its headers at once; a client that trickles them only holds a socket open.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * What an error redirect may carry into the result (RFC 6749 4.1.2.1, RFC 9207's iss, and
 * Entra's error_subcode): anything else a forged redirect adds stays out.
 */
const ERROR_RESULT_FIELDS = ['error', 'error_description', 'error_uri', 'error_subcode', 'state', 'iss'] as const;

function validate(options: LoopbackServerOptions): void {
  if (!options || typeof options.expectedState !== 'string' || options.expectedState.length === 0) {
    throw new InvalidArgumentError('expectedState is required');
  }
  const { port, timeoutMs } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new InvalidArgumentError(`port must be an integer between 0 and 65535, got ${port}`);
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new InvalidArgumentError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  }
}

/** Why a request is refused; the handler answers it with its status, for that request only. */
class RequestRefused extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
  ) {
    super(error);
  }
}

/** The parameters of an accepted callback; an error redirect keeps only the OAuth error fields. */
function authResponseFrom(params: URLSearchParams): Record<string, string> {
  const all = Object.fromEntries(params);
  if (all.error === undefined) return all;
  const result: Record<string, string> = {};
  for (const name of ERROR_RESULT_FIELDS) if (all[name] !== undefined) result[name] = all[name];
  return result;
}

function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new RequestRefused(400, 'invalid_request');
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page only ever shows static text; nothing on it may run or be framed.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  res.end(html);
}

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  validate(options);
  const { expectedState, signal } = options;
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });

  let settled = false;
  let resolveResponse!: (params: Record<string, string>) => void;
  let rejectResponse!: (error: Error) => void;
  const response = new Promise<Record<string, string>>((resolve, reject) => {
    resolveResponse = resolve;
    rejectResponse = reject;
  });
  // Nobody may be waiting yet when a timeout or abort fires; callers still see the rejection.
  response.catch(() => undefined);

  const sockets = new Set<Socket>();
  const server = createServer(
    // The caps are enforced by a sweep every connectionsCheckingInterval (30 s by default): check often enough to keep them.
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    (req, res) => {
      // Whatever a request does (a URL that does not parse, a body cut off mid-way), only it fails.
      handle(req, res).catch((e: unknown) => refuse(res, e instanceof RequestRefused ? e : new RequestRefused(500, 'server_error')));
    },
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let timer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  const onAbort = (): void => finish(new AbortError(undefined, { cause: signal?.reason }));

  function close(): Promise<void> {
    if (!closing) {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      closing = new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      if (!settled) {
        settled = true;
        rejectResponse(new AbortError('The loopback server was closed before the browser returned'));
      }
    }
    return closing;
  }

  function finish(outcome: Record<string, string> | Error): void {
    if (settled) return;
    settled = true;
    if (outcome instanceof Error) rejectResponse(outcome);
    else resolveResponse(outcome);
    void close();
  }

  function refuse(res: ServerResponse, refused: RequestRefused): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    sendHtml(res, refused.status, renderErrorPage({ error: refused.error }, options.errorPage));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A reset connection must not become an unhandled 'error' event.
    res.on('error', () => res.destroy());
    const url = requestUrl(req);
    if (url.pathname !== '/') return sendHtml(res, 404, renderErrorPage({ error: 'not_found' }, options.errorPage));
    let params: URLSearchParams;
    if (req.method === 'GET') {
      params = url.searchParams;
    } else if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const body = await readBody(req);
      if (body === undefined) return sendHtml(res, 413, renderErrorPage({ error: 'request_too_large' }, options.errorPage));
      params = new URLSearchParams(body);
    } else {
      return sendHtml(res, 405, renderErrorPage({ error: 'method_not_allowed' }, options.errorPage));
    }
    if (settled) return sendHtml(res, 410, renderErrorPage({ error: 'already_completed' }, options.errorPage));
    if (params.get('state') !== expectedState) {
      // Could be a stale tab or a forged request: refuse it but keep waiting for the real one.
      return sendHtml(
        res,
        400,
        renderErrorPage({ error: 'state_mismatch', error_description: 'This response does not belong to the pending sign-in.' }, options.errorPage),
      );
    }
    const result = authResponseFrom(params);
    const page =
      result.error === undefined
        ? renderSuccessPage(options.successPage)
        : renderErrorPage({ error: result.error, error_description: result.error_description }, options.errorPage);
    res.once('finish', () => finish(result));
    res.once('close', () => finish(result));
    sendHtml(res, 200, page);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new NetworkError(`Cannot listen on 127.0.0.1:${options.port ?? 0}`, { cause: e })));
    // RFC 8252 §8.3: loopback IP only, never all interfaces.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  if (options.timeoutMs !== undefined) {
    timer = setTimeout(
      () => finish(new BrowserInteractionTimeoutError(`No authorization response arrived within ${options.timeoutMs} ms`)),
      timerDelay(options.timeoutMs),
    );
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  // The signal may have fired while we were binding.
  if (signal?.aborted) onAbort();

  return {
    redirectUri: `http://localhost:${port}`,
    port,
    waitForAuthResponse: () => response,
    close,
  };
}
