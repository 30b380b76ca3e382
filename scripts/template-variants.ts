/**
 * Checks, or with --write rewrites, the legacy and mappings-only copies of the pack's index
 * templates (rules/index-templates/{legacy,mappings}/) from the canonical files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundledTemplatesDir } from '../src/templates/files.ts';
import { variantFiles } from '../src/templates/variants.ts';

const write = process.argv.includes('--write');
let stale = 0;
for (const v of variantFiles(bundledTemplatesDir())) {
  let current: string | undefined;
  try {
    current = readFileSync(v.file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === v.text) continue;
  if (write) {
    mkdirSync(path.dirname(v.file), { recursive: true });
    writeFileSync(v.file, v.text);
    console.log(`wrote ${v.file}`);
  } else {
    stale++;
    console.log(`out of date: ${v.file}`);
  }
}
if (stale > 0) {
  console.log('run: node scripts/template-variants.ts --write');
  process.exitCode = 1;
}
