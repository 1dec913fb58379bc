// Loads the committed model from models/injection/ once at start-up. This is the only file of the detector
// that touches the file system, and it is never called while scanning.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../../core/result.ts';
import { parseModel, type InjectionModel } from './model.ts';

export const MODEL_META_FILE = 'model.json';
export const MODEL_WEIGHTS_FILE = 'weights.bin';

/**
 * The committed model folder, found relative to this module so it works from src/ (tsx) and from the
 * compiled dist/src/ alike.
 */
export function defaultModelDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', here.includes(`${join('dist', 'src')}`) ? '..' : '.', 'models', 'injection');
}

export function loadInjectionModel(dir: string = defaultModelDir()): Result<InjectionModel, string> {
  let metaText: string;
  let weights: Buffer;
  try {
    metaText = readFileSync(join(dir, MODEL_META_FILE), 'utf8');
    weights = readFileSync(join(dir, MODEL_WEIGHTS_FILE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, error: `cannot read the injection model in ${dir}: ${code}` };
  }
  let meta: unknown;
  try {
    meta = JSON.parse(metaText);
  } catch {
    return { ok: false, error: `the injection model metadata in ${dir} is not JSON` };
  }
  return parseModel(meta, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
}
