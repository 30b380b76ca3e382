import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckContext } from './checks.ts';

const LIST_OPTIONS = ['blacklist', 'whitelist'] as const;
const FILE_ENTRY = /^!file(?:\s+(\S+))?/;

/**
 * ElastAlert2's `!file` entries of blacklist/whitelist (CompareRule.expand_entries): an entry
 * "!file /path/list.txt" stands for the lines of that file. Read here, when the rule loads, so a
 * missing file is a load problem naming the rule and the entry, and the rule type gets values.
 *
 * As ElastAlert2: each line is one value with trailing whitespace removed; a reload of the rule
 * reads the file again. Deliberate differences: a relative path is looked up next to the file
 * that sets the list first and then, as ElastAlert2, in the working directory; empty lines are
 * skipped (ElastAlert2 lists "" from a trailing blank line, which whitelists the empty string).
 */
export function expandListFiles(ctx: CheckContext): void {
  for (const name of LIST_OPTIONS) {
    const list = ctx.merged.value[name];
    if (!Array.isArray(list) || !list.some((e) => typeof e === 'string' && FILE_ENTRY.test(e))) continue;
    const origin = ctx.merged.origins.get(name)?.file.abs;
    const values: string[] = [];
    list.forEach((entry: unknown, i) => {
      const file = typeof entry === 'string' ? FILE_ENTRY.exec(entry) : null;
      if (!file) {
        values.push(String(entry));
        return;
      }
      const ref = file[1];
      if (ref === undefined) {
        ctx.report([name, i], `${name}[${i}]`, `"${String(entry)}" names no file; write "!file /path/to/list"`);
        return;
      }
      const candidates = path.isAbsolute(ref) ? [ref] : [...(origin ? [path.resolve(path.dirname(origin), ref)] : []), path.resolve(ref)];
      const found = candidates.map((p) => readList(p)).find((r) => r !== undefined);
      if (found === undefined) {
        ctx.report([name, i], `${name}[${i}]`, `cannot read the list file ${ref} (looked for ${candidates.join(' and ')})`);
        return;
      }
      values.push(...found);
    });
    ctx.merged.value[name] = [...new Set(values)];
  }
}

function readList(file: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return text.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '');
}
