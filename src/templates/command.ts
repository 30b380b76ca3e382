// `logwarden templates install [--dry-run]`: the mappings the rule pack's filters rely on.
import { openEs } from '../cli/connect.ts';
import type { CliIO } from '../cli/io.ts';
import { clusterVersion } from '../es/client.ts';
import { bundledTemplatesDir, packTemplates } from './files.ts';
import { installPackTemplates } from './install.ts';

export interface TemplatesInstallOptions {
  config?: string;
  dryRun?: boolean;
  dir?: string;
}

export async function templatesInstallCommand(opts: TemplatesInstallOptions, io: CliIO): Promise<number> {
  const templates = packTemplates(opts.dir ?? bundledTemplatesDir());
  if (opts.dryRun) {
    // What would be sent, as `PUT _index_template/<name>` requests a user can review or replay.
    for (const t of templates) io.out(`PUT _index_template/${t.name}\n${JSON.stringify(t.body, null, 2)}\n`);
    return 0;
  }
  const { es } = openEs(opts.config, io);
  try {
    io.out(`Connected to Elasticsearch ${await clusterVersion(es)} at ${es.url}`);
    for (const r of await installPackTemplates(es, templates))
      io.out(`  ${r.name.padEnd(24)} ${r.action.padEnd(10)} ${r.patterns.join(', ')}`);
    io.out('Index templates apply to indices created from now on; a daily index gets them at the next rollover.');
    return 0;
  } finally {
    await es.close();
  }
}
