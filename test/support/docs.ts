// Reads the README and docs/ pages the way a reader meets them: links, and the shell commands in
// their ```sh blocks. Shared by the unit test that checks links and the integration test that
// runs every documented command.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** README.md and every Markdown page under docs/, as repository-relative paths. */
export function docPages(): string[] {
  const docs = readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export function readPage(page: string): string {
  return readFileSync(path.join(REPO_ROOT, page), 'utf8');
}

export interface DocCommand {
  page: string;
  line: number;
  /** The command as written, continuation lines joined and the trailing comment removed. */
  text: string;
}

/**
 * Every command in a ```sh block: one per line (a trailing `\` joins the next line), comments and
 * blank lines left out. `$ ` prompts are only used in ```console blocks, which show output and are
 * not commands to run.
 */
export function shellCommands(page: string): DocCommand[] {
  const lines = readPage(page).split('\n');
  const out: DocCommand[] = [];
  let inSh = false;
  let pending: DocCommand | undefined;
  lines.forEach((raw, i) => {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) {
      inSh = !inSh && fence[1] === 'sh';
      return;
    }
    if (!inSh) return;
    const line = stripComment(raw).trim();
    if (!pending && line === '') return;
    const continues = line.endsWith('\\');
    const part = continues ? line.slice(0, -1).trim() : line;
    if (pending) pending.text = `${pending.text} ${part}`.trim();
    else pending = { page, line: i + 1, text: part };
    if (!continues) {
      out.push(pending);
      pending = undefined;
    }
  });
  return out;
}

/** Drops a `# comment` that is not inside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i);
  }
  return line;
}

/** Splits a command into words as a POSIX shell would for the simple quoting the docs use. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

export interface DocLink {
  page: string;
  target: string;
}

/** Relative links (`[x](docs/a.md#b)`), not web addresses. */
export function relativeLinks(page: string): DocLink[] {
  const text = readPage(page).replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((t) => !/^[a-z]+:/i.test(t))
    .map((target) => ({ page, target }));
}

/** GitHub's anchor for a heading: lowercased, punctuation dropped, spaces to hyphens. */
export function headingAnchors(page: string): Set<string> {
  const text = readPage(page).replace(/```[\s\S]*?```/g, '');
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = (m[1] ?? '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    anchors.add(slug);
  }
  return anchors;
}
