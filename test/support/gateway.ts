// Starts a real Palisade gateway in-process on 127.0.0.1:0 with a throw-away state folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig, type ConfigInput } from '../../src/core/index.ts';
import { startGateway, type RunningGateway } from '../../src/gateway/index.ts';

export interface TestGateway {
  readonly gateway: RunningGateway;
  readonly url: string;
  readonly home: string;
  /** A key with every model and no role. */
  readonly key: string;
  close(): Promise<void>;
}

export async function startTestGateway(
  input: Record<string, unknown> = {},
  opts: { env?: Record<string, string>; keyModels?: string[] } = {},
): Promise<TestGateway> {
  const home = mkdtempSync(join(tmpdir(), 'palisade-test-'));
  const parsed = parseConfig(
    { ...input, state: { home, ...((input as ConfigInput).state ?? {}) }, logging: { level: 'silent' } },
    'test',
    { env: opts.env ?? {}, cwd: home },
  );
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.error)}`);
  const gateway = await startGateway(parsed.value, {
    port: 0,
    createAdminKey: false,
    processMetrics: false,
    logger: pino({ level: 'silent' }),
  });
  const { key } = await gateway.keys.create({ name: 'test', ...(opts.keyModels ? { models: opts.keyModels } : {}) });
  return {
    gateway,
    url: gateway.url,
    home,
    key,
    close: async () => {
      await gateway.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
