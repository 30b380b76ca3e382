#!/usr/bin/env node
// Runs the compiled CLI when built (npm run build), else the TypeScript sources directly:
// Node 22.18+ and 24 strip types natively, so a checkout needs no build step.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../src/cli/main.ts', import.meta.url).href);
