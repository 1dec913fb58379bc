// `palisade mcp stdio --server NAME`: for desktop clients that can only launch a command. It relays the
// client's stdio JSON-RPC to the running gateway's Streamable HTTP front (/mcp/NAME) with the caller's
// Palisade key, so the call is authenticated, authorized, inspected and audited like any other.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Readable, Writable } from 'node:stream';

export interface StdioBridgeOptions {
  /** The front's URL, e.g. `http://127.0.0.1:8080/mcp/files`. */
  readonly url: string;
  /** The Palisade key or access token presented as `Authorization: Bearer`. */
  readonly credential: string;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Reports transport problems (the CLI prints them to stderr; stdout belongs to the protocol). */
  readonly onError?: (message: string) => void;
}

export interface StdioBridge {
  /** Resolves when either side closes. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function runStdioBridge(opts: StdioBridgeOptions): Promise<StdioBridge> {
  const local = new StdioServerTransport(opts.stdin, opts.stdout);
  const remote = new StreamableHTTPClientTransport(new URL(opts.url), {
    requestInit: { headers: { authorization: `Bearer ${opts.credential}` } },
  });
  const initializeIds = new Set<string | number>();
  let closing = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await Promise.allSettled([remote.close(), local.close()]);
    resolveClosed();
  };
  local.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    remote.send(message).catch((e: unknown) => {
      opts.onError?.(`palisade: ${(e as Error).message}`);
      if (isJSONRPCRequest(message)) {
        void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: 'Palisade gateway unreachable or refused the request' } });
      }
    });
  };
  remote.onmessage = (message: JSONRPCMessage) => {
    // The HTTP transport must send MCP-Protocol-Version once it is negotiated (the SDK Client does this itself).
    if (isJSONRPCResultResponse(message) && initializeIds.has(message.id)) {
      initializeIds.delete(message.id);
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') remote.setProtocolVersion(version);
    }
    void local.send(message);
  };
  local.onclose = () => void close();
  remote.onclose = () => void close();
  remote.onerror = (e) => opts.onError?.(`palisade: ${e.message}`);
  await remote.start();
  await local.start();
  return { closed, close };
}
