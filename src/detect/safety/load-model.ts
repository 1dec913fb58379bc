// Loads the committed content-safety model from models/safety/ once at start-up; never called while scanning.
import type { Result } from '../../core/result.ts';
import { defaultModelDir, readModelFiles } from '../injection/load-model.ts';
import { parseSafetyModel, type SafetyModel } from './model.ts';

export function loadSafetyModel(dir: string = defaultModelDir('safety')): Result<SafetyModel, string> {
  const files = readModelFiles(dir, 'content-safety');
  return files.ok ? parseSafetyModel(files.value.meta, files.value.weights) : files;
}
