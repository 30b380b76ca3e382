import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { DEFAULT_OPS_PORT } from '../../../src/ops/settings.ts';

/**
 * What CI can check of the deployment files without Docker, Helm or a Kubernetes cluster (none
 * of them installable here: Debian has no helm package): every plain YAML/JSON file parses, the
 * chart's templates are structurally sound (balanced actions and blocks, defined includes, values
 * that exist), and the port, user and version agree across Dockerfile, compose, chart and code.
 * Rendering the chart and applying it are NOT checked (see README, "What CI checks").
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');
const chartDir = 'deploy/helm/logwarden';
const templates = readdirSync(path.join(root, chartDir, 'templates')).filter((f) => /\.(yaml|tpl|txt)$/.test(f));
const values = load(read(`${chartDir}/values.yaml`)) as Record<string, unknown>;
const pkg = JSON.parse(read('package.json')) as { version: string };

describe('plain YAML and JSON files parse', () => {
  it.each([`${chartDir}/Chart.yaml`, `${chartDir}/values.yaml`, 'docker-compose.yml'])('%s', (file) => {
    expect(() => load(read(file))).not.toThrow();
  });

  it('Chart.yaml is a v2 application chart whose appVersion is the package version', () => {
    const chart = load(read(`${chartDir}/Chart.yaml`)) as Record<string, unknown>;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'logwarden', type: 'application', appVersion: pkg.version });
    expect(chart['version']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

/** `{{ ... }}` actions of a template, in order; throws on an unclosed or nested one. */
function actions(text: string, file: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    const strayClose = text.indexOf('}}', i);
    if (open === -1) {
      if (strayClose !== -1) throw new Error(`${file}: "}}" without "{{" at offset ${strayClose}`);
      return out;
    }
    if (strayClose !== -1 && strayClose < open) throw new Error(`${file}: "}}" without "{{" at offset ${strayClose}`);
    const close = text.indexOf('}}', open + 2);
    if (close === -1) throw new Error(`${file}: "{{" at offset ${open} is never closed`);
    const inner = text.slice(open + 2, close);
    if (inner.includes('{{')) throw new Error(`${file}: "{{" inside an action at offset ${open}`);
    out.push(inner.replace(/^-?\s*/, '').replace(/\s*-?$/, ''));
    i = close + 2;
  }
}

describe('chart templates', () => {
  const all = templates.map((f) => ({ file: f, text: read(`${chartDir}/templates/${f}`) }));
  const defined = new Set(all.flatMap(({ text }) => [...text.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1])));

  it.each(templates)('%s: actions are closed and blocks end', (file) => {
    const text = read(`${chartDir}/templates/${file}`);
    const stack: string[] = [];
    for (const action of actions(text, file)) {
      if (action.startsWith('/*')) continue;
      const word = /^(\w+)/.exec(action)?.[1];
      if (word && ['if', 'range', 'with', 'define', 'block'].includes(word)) stack.push(word);
      else if (word === 'else') expect(stack.length).toBeGreaterThan(0);
      else if (word === 'end') {
        if (stack.pop() === undefined) throw new Error(`${file}: "end" without a block`);
      }
    }
    expect(stack).toEqual([]);
  });

  it('every include names a defined template', () => {
    const used = new Set(all.flatMap(({ text }) => [...text.matchAll(/include\s+"([^"]+)"/g)].map((m) => m[1])));
    for (const name of used) expect(defined).toContain(name);
  });

  it('every .Values path the templates read exists in values.yaml', () => {
    const paths = new Set(all.flatMap(({ text }) => [...text.matchAll(/\.Values((?:\.\w+)+)/g)].map((m) => m[1]?.slice(1) ?? '')));
    expect(paths.size).toBeGreaterThan(20);
    for (const p of paths) {
      let node: unknown = values;
      for (const key of p.split('.')) {
        expect([p, node !== null && typeof node === 'object' && key in node]).toEqual([p, true]);
        node = (node as Record<string, unknown>)[key];
      }
    }
  });

  it('probes hit /healthz and /readyz on the ops port, which is the documented default', () => {
    const deployment = read(`${chartDir}/templates/deployment.yaml`);
    expect(deployment).toMatch(/livenessProbe:\n\s+httpGet: \{path: \/healthz, port: http-ops\}/);
    expect(deployment).toMatch(/readinessProbe:\n\s+httpGet: \{path: \/readyz, port: http-ops\}/);
    expect((values['ops'] as Record<string, unknown>)['port']).toBe(DEFAULT_OPS_PORT);
    expect((values['service'] as Record<string, unknown>)['port']).toBe(DEFAULT_OPS_PORT);
    expect(deployment).toContain('runAsNonRoot: true');
    expect(deployment).toContain('readOnlyRootFilesystem: true');
    expect(deployment).toContain('type: Recreate');
  });
});

describe('Dockerfile and compose agree with the code', () => {
  const dockerfile = read('Dockerfile');

  it('builds in two stages and runs as a numeric non-root user with the ops port exposed', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER [1-9]\d*:[1-9]\d*$/m);
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${DEFAULT_OPS_PORT}$`, 'm'));
    expect(dockerfile).toContain('LOGWARDEN_OPS_BIND=0.0.0.0');
    expect(dockerfile).toContain(`process.env.LOGWARDEN_OPS_PORT || ${DEFAULT_OPS_PORT}`);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/logwarden\.js"\]$/m);
  });

  it('compose publishes the ops port on loopback only', () => {
    const compose = load(read('docker-compose.yml')) as { services: Record<string, { ports?: string[] }> };
    expect(compose.services['logwarden']?.ports).toEqual([`127.0.0.1:${DEFAULT_OPS_PORT}:${DEFAULT_OPS_PORT}`]);
  });
});

describe('deploy/elasticsearch-role.json', () => {
  const role = JSON.parse(read('deploy/elasticsearch-role.json')) as {
    cluster: string[];
    indices: { names: string[]; privileges: string[] }[];
  };

  it('reads the sources, owns only the writeback indices, and monitors the cluster', () => {
    expect(role.cluster).toEqual(['monitor']);
    const [sources, writeback, ...rest] = role.indices;
    expect(rest).toEqual([]);
    expect(sources?.privileges).toEqual(['read', 'view_index_metadata']);
    expect(writeback?.names).toEqual(['logwarden*']);
    expect(writeback?.privileges).toEqual(['read', 'write', 'create_index', 'manage']);
    for (const { names, privileges } of role.indices) {
      expect(privileges).not.toContain('all');
      expect(names).not.toContain('*');
    }
  });
});
