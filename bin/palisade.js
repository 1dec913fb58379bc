#!/usr/bin/env node
// The `palisade` command. In a checkout (src/ present) it runs the TypeScript sources through tsx, so
// `npm start` needs no build step; an installed package runs the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (existsSync(src)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(src);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
