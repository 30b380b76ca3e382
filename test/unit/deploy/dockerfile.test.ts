import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Dockerfile checked without a container engine (none here, and no base images; CI builds it
 * where `docker info` answers, see scripts/check-deploy.sh): what it copies exists and is not
 * excluded by .dockerignore, the npm scripts it runs exist, it runs as a numeric non-root user,
 * has a HEALTHCHECK on the ops port, and its entry point is the package's bin.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');

interface Instruction {
  line: number;
  op: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  let stage = -1;
  for (let i = 0; i < lines.length; i++) {
    let current = lines[i]!.trim();
    const start = i + 1;
    if (current === '' || current.startsWith('#')) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) {
      const next = lines[++i]!.trim();
      current = current.slice(0, -1).trimEnd() + (next.startsWith('#') ? '' : ' ' + next);
    }
    const match = /^(\w+)\s+(.*)$/s.exec(current);
    if (!match) throw new Error(`Dockerfile:${start}: cannot read "${current}"`);
    const op = match[1]!.toUpperCase();
    if (op === 'FROM') stage++;
    out.push({ line: start, op, args: match[2]!, stage });
  }
  return out;
}

const instructions = parseDockerfile(read('Dockerfile'));
const finalStage = Math.max(...instructions.map((i) => i.stage));
const ignored = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; bin: Record<string, string> };

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage', () => {
    expect(instructions.filter((i) => i.op === 'FROM').length).toBe(2);
    expect(instructions[0]?.op).toBe('FROM');
  });

  it('copies only files that exist in the build context and are not ignored', () => {
    const copies = instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const words = copy.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      for (const source of words.slice(0, -1)) {
        expect({ line: copy.line, source, exists: existsSync(path.join(root, source)) }).toEqual({ line: copy.line, source, exists: true });
        expect({ line: copy.line, source, ignored: ignored.includes(source.replace(/\/$/, '')) }).toEqual({
          line: copy.line,
          source,
          ignored: false,
        });
      }
    }
  });

  it('copies from the build stage what that stage produces', () => {
    const fromBuild = instructions.filter((i) => i.op === 'COPY' && i.args.startsWith('--from=build'));
    expect(fromBuild.map((i) => i.args)).toEqual(['--from=build /app/dist ./dist']);
    // `npm run build` is tsc with tsconfig.build.json, whose output folder must be dist.
    const build = instructions.find((i) => i.op === 'RUN' && i.args.includes('npm run build'));
    expect(build?.stage).toBe(0);
    expect(pkg.scripts['build']).toContain('tsconfig.build.json');
    const tsconfig = read('tsconfig.json') + read('tsconfig.build.json');
    expect(tsconfig).toMatch(/"outDir":\s*"(\.\/)?dist"/);
  });

  it('runs only npm scripts and commands that exist', () => {
    for (const run of instructions.filter((i) => i.op === 'RUN')) {
      for (const [, script] of run.args.matchAll(/npm run (\S+)/g))
        expect({ line: run.line, script, defined: script! in pkg.scripts }).toEqual({ line: run.line, script, defined: true });
      expect(run.args).toMatch(/^npm (ci|run) /);
    }
  });

  it('runs as a numeric non-root user in the final stage', () => {
    const users = instructions.filter((i) => i.op === 'USER' && i.stage === finalStage);
    expect(users.length).toBe(1);
    const [uid] = users[0]!.args.split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    // Nothing after USER switches back.
    const after = instructions.slice(instructions.indexOf(users[0]!));
    expect(after.filter((i) => i.op === 'USER')).toHaveLength(1);
  });

  it('has a HEALTHCHECK on /healthz of the ops port, and the ops port exposed', () => {
    const health = instructions.find((i) => i.op === 'HEALTHCHECK' && i.stage === finalStage);
    expect(health?.args).toContain('/healthz');
    expect(health?.args).toContain('LOGWARDEN_OPS_PORT');
    expect(instructions.find((i) => i.op === 'EXPOSE')?.args).toBe('9477');
  });

  it("starts the package's bin with node as PID 1 (exec form, so SIGTERM reaches it)", () => {
    const entry = instructions.find((i) => i.op === 'ENTRYPOINT' && i.stage === finalStage);
    expect(JSON.parse(entry?.args ?? 'null')).toEqual(['node', pkg.bin['logwarden']]);
    expect(existsSync(path.join(root, pkg.bin['logwarden'] ?? ''))).toBe(true);
    expect(JSON.parse(instructions.find((i) => i.op === 'CMD' && i.stage === finalStage)?.args ?? 'null')).toEqual(['run']);
  });
});
