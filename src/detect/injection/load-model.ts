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
export function defaultModelDir(name = 'injection'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', here.includes(`${join('dist', 'src')}`) ? '..' : '.', 'models', name);
}

/** Reads a model folder's two files, or says why it cannot. */
export function readModelFiles(dir: string, what: string): Result<{ meta: unknown; weights: Uint8Array }, string> {
  let metaText: string;
  let weights: Buffer;
  try {
    metaText = readFileSync(join(dir, MODEL_META_FILE), 'utf8');
    weights = readFileSync(join(dir, MODEL_WEIGHTS_FILE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, error: `cannot read the ${what} model in ${dir}: ${code}` };
  }
  try {
    return { ok: true, value: { meta: JSON.parse(metaText) as unknown, weights: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) } };
  } catch {
    return { ok: false, error: `the ${what} model metadata in ${dir} is not JSON` };
  }
}

export function loadInjectionModel(dir: string = defaultModelDir()): Result<InjectionModel, string> {
  const files = readModelFiles(dir, 'injection');
  return files.ok ? parseModel(files.value.meta, files.value.weights) : files;
}
