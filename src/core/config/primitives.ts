// Building blocks of the configuration schema: secret references, sizes, durations, CIDR ranges. Section
// schemas import these from here (not from schema.ts), so no section depends on the root schema.
import { isIP } from 'node:net';
import { z } from 'zod';
import { isSecretRef, Secret } from './secret.ts';

/** A secret: only `${env:NAME}` or `${file:PATH}`; inline values are rejected so they never sit in a file. */
export const secretRef = z
  .string()
  .refine(isSecretRef, { message: 'secrets must be references: ${env:NAME} or ${file:/path}, never inline values' })
  .transform((ref) => new Secret(ref));

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/** A byte size as a number or a string such as `4MiB`. */
export const byteSize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(b|kb|kib|mb|mib|gb|gib)\s*$/i, 'expected a size such as 4MiB or 512KB')
    .transform((s) => {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(s);
      return Math.round(Number(m?.[1]) * (SIZE_UNITS[(m?.[2] ?? 'b').toLowerCase()] ?? 1));
    }),
]);

/** A duration as milliseconds or a string such as `30s`, `5m`, `30d`. */
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const duration = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\s*\d+\s*(ms|s|m|h|d)\s*$/, 'expected a duration such as 500ms, 30s, 5m, 1h or 30d')
    .transform((s) => {
      const m = /^\s*(\d+)\s*([a-z]+)\s*$/.exec(s);
      return Number(m?.[1]) * (DURATION_UNITS[m?.[2] ?? 'ms'] ?? 1);
    }),
]);

/** An IP address or CIDR range, IPv4 or IPv6, checked for real (not just its shape). */
export const cidr = z.string().refine(
  (v) => {
    const [addr = '', prefix, extra] = v.split('/');
    if (extra !== undefined) return false;
    const family = isIP(addr);
    if (family === 0) return false;
    if (prefix === undefined) return true;
    if (!/^\d{1,3}$/.test(prefix)) return false;
    return Number(prefix) <= (family === 4 ? 32 : 128);
  },
  { message: 'expected an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32' },
);
