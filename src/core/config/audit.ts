// The `audit` section of palisade.yaml: how audit events are written (durability, batching, spool),
// how content is protected (key by reference), how long records are kept, and where they are exported.
import { z } from 'zod';
import { duration, secretRef } from './primitives.ts';

const exporterBase = {
  /** Events waiting for a down exporter; older ones are dropped (and counted) beyond this. */
  maxBacklog: z.number().int().positive().default(10_000),
};

const exporter = z.discriminatedUnion('type', [
  z.object({ type: z.literal('jsonl'), path: z.string().min(1), maxBytes: z.number().int().positive().default(100 * 1024 * 1024), keep: z.number().int().min(1).default(5), ...exporterBase }).strict(),
  z
    .object({
      type: z.literal('syslog'),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(514),
      transport: z.enum(['tcp', 'udp']).default('udp'),
      format: z.enum(['json', 'cef']).default('json'),
      ...exporterBase,
    })
    .strict(),
  z
    .object({
      type: z.literal('webhook'),
      url: z.url(),
      secret: secretRef.optional(),
      batchSize: z.number().int().positive().default(100),
      ...exporterBase,
    })
    .strict(),
  z.object({ type: z.literal('ocsf'), path: z.string().min(1), ...exporterBase }).strict(),
  z.object({ type: z.literal('otlp'), url: z.url(), ...exporterBase }).strict(),
]);

export const auditConfig = z
  .object({
    /** `strict`: an event is committed before the response completes; `batched`: at most one interval is lost on a crash. */
    durability: z.enum(['strict', 'batched']).default('batched'),
    /** How often queued events are written in batched mode. */
    batchInterval: duration.default(200),
    /** Largest batch written in one transaction. */
    batchSize: z.number().int().min(1).max(100_000).default(2_000),
    /** Events held in memory before callers are made to wait (back-pressure). */
    maxQueue: z.number().int().min(1).default(100_000),
    /** Write-ahead spool file; relative paths are under the state folder. */
    spoolPath: z.string().min(1).default('audit-spool.jsonl'),
    /** Hash-chain stream name of this replica; defaults to the host name. */
    stream: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
    /** AES-256-GCM key for captured prompt/response content (32 bytes, base64 or hex), by reference. */
    contentKey: secretRef.optional(),
    /** HMAC key for signed checkpoints, by reference; a key file in the state folder is created when absent. */
    checkpointKey: secretRef.optional(),
    /** A signed checkpoint after this many events of a stream. */
    checkpointEvery: z.number().int().min(1).default(1_000),
    retention: z
      .object({
        /** Days audit events are kept; 0 keeps them forever. */
        eventsDays: z.number().int().min(0).default(365),
        /** Days captured content is kept; 0 keeps it forever. */
        contentDays: z.number().int().min(0).default(30),
      })
      .strict()
      .default({ eventsDays: 365, contentDays: 30 }),
    exporters: z.array(exporter).default([]),
  })
  .strict();

export type AuditConfig = z.output<typeof auditConfig>;
export type AuditExporterConfig = z.output<typeof exporter>;
