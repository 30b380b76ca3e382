import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import type { BacktestReport } from '../../src/backtest/report.ts';
import { runCli } from '../../src/cli/program.ts';
import { indexDocs, rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import type { EsHandle } from '../../src/es/client.ts';

const HOUR = 3_600_000;

/**
 * A new user's data starts a few hours ago: backtests must reach up to now (--hours) and a
 * new_term rule must learn what came before the range, or say that it could not.
 */
describe('backtest on the data a new user has', () => {
  let es: EsHandle;
  let folder: string | undefined;
  const index = uniqueName('bt-today');
  const now = Date.now();
  const at = (hoursAgo: number): string => new Date(now - hoursAgo * HOUR).toISOString();

  beforeAll(async () => {
    es = testEs();
    await es.client.indices.create({ index, mappings: { properties: { '@timestamp': { type: 'date' }, user: { type: 'keyword' } } } });
    // z long before; a, b and c within terms_window_size (2h) before the last two hours; a and b
    // again, and d (the one new user), within them. Times keep clear of 30-minute segment ends.
    await indexDocs(
      es,
      index,
      [
        [4.1, 'z'],
        [3.05, 'a'],
        [2.85, 'b'],
        [2.55, 'c'],
        [1.7, 'a'],
        [1.2, 'b'],
        [0.45, 'd'],
      ].map(([h, user]) => ({ '@timestamp': at(h as number), user })),
    );
    folder = rulesFolder({
      'new-user.yaml': `name: New user\ntype: new_term\nindex: ${index}\nfields: [user]\nterms_window_size: {hours: 2}\nrun_every: {minutes: 30}\nrealert: {minutes: 0}\nalert: [stdout]\n`,
    });
  });
  afterAll(async () => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    await es.client.indices.delete({ index, ignore_unavailable: true });
    await es.close();
  });

  async function backtest(...args: string[]): Promise<{ code: number; report: BacktestReport }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['backtest', folder ?? '', '--json', ...args], {
      env: process.env,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      onStop: () => undefined,
    });
    if (out.length === 0) throw new Error(`backtest printed nothing: ${err.join('\n')}`);
    return { code, report: JSON.parse(out.join('\n')) as BacktestReport };
  }

  it('--hours reaches up to now, and new_term learns the history before the range', async () => {
    const { code, report } = await backtest('--hours', '2');
    expect(code).toBe(0);
    expect(Date.parse(report.range.end)).toBeGreaterThanOrEqual(now);
    expect(report.rules[0]?.total).toBe(1);
    expect(report.rules[0]?.firstAlerts[0]?.text).toMatch(/New value of user: d\b/);
    expect(report.baselines).toEqual([expect.objectContaining({ rule: 'New user', wanted: '2h', short: false })]);
    expect(report.warnings.filter((w) => w.message.includes('short baseline'))).toEqual([]);
  });

  it('says when the data has too little history before the range, and what range would have it', async () => {
    const { report } = await backtest('--hours', '5');
    // z, a, b, c and d: every user is "new" when nothing came before.
    expect(report.rules[0]?.total).toBe(5);
    expect(report.baselines[0]?.short).toBe(true);
    const note = report.warnings.find((w) => w.message.includes('short baseline'))?.message ?? '';
    expect(note).toContain(`the data starts at ${at(4.1)}`);
    expect(note).toMatch(/--start \d{4}-/);
  });

  it('--baseline shortens what new_term learns', async () => {
    // The 30 minutes before the range hold nothing: a and b are new as well.
    const { report } = await backtest('--hours', '2', '--baseline', '30m');
    expect(report.rules[0]?.total).toBe(3);
    expect(report.baselines[0]).toEqual(expect.objectContaining({ wanted: '30m', short: false }));
  });

  it('test-rule says the same of a new_term rule replayed from where its data starts', async () => {
    const out: string[] = [];
    const code = await runCli(['test-rule', `${folder ?? ''}/new-user.yaml`, '--start', at(5), '--end', at(0), '--count-only'], {
      env: process.env,
      out: (l) => out.push(l),
      err: () => undefined,
      onStop: () => undefined,
    });
    expect(code).toBe(0);
    // --count-only runs no rule: no baseline to speak of.
    expect(out.join('\n')).not.toContain('short baseline');
    const full: string[] = [];
    await runCli(['test-rule', `${folder ?? ''}/new-user.yaml`, '--start', at(5), '--end', at(0)], {
      env: process.env,
      out: (l) => full.push(l),
      err: () => undefined,
      onStop: () => undefined,
    });
    expect(full.join('\n')).toMatch(/warning: rule "New user" \(new_term\): short baseline: 0s of history before the range, 2h wanted/);
  });
});
