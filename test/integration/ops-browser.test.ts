import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { indexDocs } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { HOSTILE_VALUES } from '../support/hostile.ts';
import { HOSTILE, HOSTILE_ALL } from '../support/ops-hostile.ts';
import { keywordIndex, opsFixture, type OpsFixture } from '../support/ops.ts';

/**
 * The status page in a real headless Chromium (Debian's package; playwright-core downloads no
 * browser): it loads, shows the rules and their numbers, renders hostile log content and rule
 * names as text without running any of it, and the silence action works only with the token.
 */
const CHROMIUM = process.env.LOGWARDEN_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const TOKEN = 'browser-test-token-0123456789abcdef';
const MIN = 60_000;

if (!existsSync(CHROMIUM)) {
  // Failing, not skipping: a browser test that silently does not run proves nothing.
  throw new Error(`No Chromium at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set LOGWARDEN_CHROMIUM`);
}

const es = testEs();
const index = uniqueName('logs-ui');
const wb = uniqueName('wb-ui');
const EVIL_RULE = '"><img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
const EVIL_USER = '<script>window.__pwned=1</script>';
const now = Date.now();

const yaml = (s: string): string => JSON.stringify(s);
const rules = {
  'failed.yaml': `name: Failed login\ntype: any\nindex: ${index}\nfilter:\n  - term: {event.outcome: failure}\nquery_key: user.name\nrealert: {hours: 1}\nalert_text: "User {0}: {1}"\nalert_text_args: [user.name, message]\nalert: [stdout]\n`,
  'evil.yaml': `name: ${yaml(EVIL_RULE)}\ntype: any\nindex: ${index}\nfilter:\n  - term: {event.outcome: weird}\nalert_subject: ${yaml(`Subject ${HOSTILE[1] ?? ''}`)}\nalert: [stdout]\n`,
  'quiet.yaml': `name: Quiet rule\ntype: any\nindex: ${index}\nfilter:\n  - term: {event.outcome: never}\nalert: [stdout]\n`,
};

let fx: OpsFixture;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The corpus is stored, not indexed: its 100 kB value is longer than a keyword may be.
  await keywordIndex(es, index, { corpus: { type: 'object', enabled: false } });
  const t = now - 5 * MIN;
  await indexDocs(es, index, [
    { '@timestamp': new Date(t).toISOString(), event: { outcome: 'failure' }, user: { name: 'alice' }, message: HOSTILE_ALL },
    { '@timestamp': new Date(t + 1000).toISOString(), event: { outcome: 'failure' }, user: { name: 'alice' }, message: 'again' },
    { '@timestamp': new Date(t + 2000).toISOString(), event: { outcome: 'failure' }, user: { name: EVIL_USER }, message: HOSTILE[1] },
    // The shared corpus, every value in a field of its own (the alert text lists all fields, as JSON).
    {
      '@timestamp': new Date(t + 3000).toISOString(),
      event: { outcome: 'weird' },
      user: { name: 'mallory' },
      message: HOSTILE[3],
      corpus: Object.fromEntries(HOSTILE_VALUES.map((h) => [h.name, h.value])),
    },
  ]);
  fx = await opsFixture(es, { rules, writeback: wb, nowMs: now, settings: { actions: true, token: TOKEN } });
  for (const name of fx.engine.ruleNames()) {
    const outcome = await fx.engine.runOne(name);
    if (outcome.error) throw outcome.error;
  }
  // A manual silence whose reason is hostile too.
  await fx.engine.stores.silences.set({ key: 'Quiet rule._silence', untilMs: now + 60 * MIN, exponent: 0, reason: HOSTILE_ALL }, now, true);
  await es.client.indices.refresh({ index: `${wb}*` });

  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'lw-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Records what would betray an injection: CSP blocking something means escaping let it through.
  // (Browser code as strings: the test's TypeScript has no DOM types.)
  await context.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ': ' + e.blockedURI));
  `);
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await fx?.close();
  await es.close();
});

async function open(url: string): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  return { page, dialogs, errors };
}

/** Waits until the action status line starts with `prefix` (the script sets it when the API has answered); returns the line. */
async function status(page: Page, prefix: string): Promise<string> {
  // A function, not a string: the page's CSP forbids eval, which a string predicate would need.
  await page.waitForFunction((p: string) => {
    const doc = (globalThis as unknown as { document: { getElementById(id: string): { textContent: string | null } | null } }).document;
    return (doc.getElementById('action-status')?.textContent ?? '').startsWith(p);
  }, prefix);
  return (await page.locator('#action-status').textContent()) ?? '';
}

/** Nothing ran: no flag, no dialog, no script error, nothing the CSP had to block. */
async function expectNothingRan(page: Page, dialogs: string[], errors: string[]): Promise<void> {
  expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
  expect(await page.evaluate('window.__cspViolations')).toEqual([]);
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
  // The only elements that can run script are our own.
  expect(await page.locator('script').count()).toBe(1);
  expect(await page.locator('img, iframe, main svg[onload], a[href^="javascript"]').count()).toBe(0);
}

describe('the status page in a headless browser', () => {
  it('lists the rules with their 24 h numbers and shows a hostile rule name as text', async () => {
    const { page, dialogs, errors } = await open(`${fx.server.url}/`);
    const rows = page.locator('#rules tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await page.locator('#rules td.name a').allTextContents()).toEqual(
      expect.arrayContaining(['Failed login', 'Quiet rule', EVIL_RULE]),
    );
    const failed = page.locator('#rules tbody tr', { has: page.getByRole('link', { name: 'Failed login', exact: true }) });
    expect(await failed.locator('td.hits').textContent()).toBe('3');
    expect(await failed.locator('td.matches').textContent()).toBe('3');
    expect(await failed.locator('td.alerts').textContent()).toBe('2');
    expect(await failed.locator('td.runs').textContent()).toBe('1');
    expect(await failed.locator('svg.spark rect').count()).toBe(24);
    const evil = page.locator('#rules tbody tr', { has: page.getByRole('link', { name: EVIL_RULE, exact: true }) });
    expect(await evil.locator('td.matches').textContent()).toBe('1');
    await page.screenshot({ path: path.join(ARTIFACTS, 'ops-status-overview.png'), fullPage: true });
    await expectNothingRan(page, dialogs, errors);
    await page.close();
  });

  it("shows a rule's alerts with hostile log content as text", async () => {
    const { page, dialogs, errors } = await open(`${fx.server.url}/`);
    await page.getByRole('link', { name: 'Failed login', exact: true }).click();
    await page.waitForURL(/\/rules\/Failed%20login$/);
    expect(await page.locator('#rule-name').textContent()).toBe('Failed login');
    const texts = await page.locator('pre.alert-text').allTextContents();
    expect(texts).toHaveLength(2);
    expect(texts.join('\n')).toContain(`User alice: ${HOSTILE_ALL}`);
    expect(texts.join('\n')).toContain(`User ${EVIL_USER}: ${HOSTILE[1] ?? ''}`);
    expect(await page.locator('.silences code').allTextContents()).toEqual(
      expect.arrayContaining(['Failed login.alice', `Failed login.${EVIL_USER}`]),
    );
    expect(await page.locator('#runs tbody tr').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ops-status-rule.png'), fullPage: true });
    await expectNothingRan(page, dialogs, errors);

    const evilPage = await open(`${fx.server.url}/rules/${encodeURIComponent(EVIL_RULE)}`);
    expect(await evilPage.page.locator('#rule-name').textContent()).toBe(EVIL_RULE);
    expect(await evilPage.page.locator('.alert .subject').textContent()).toBe(`Subject ${HOSTILE[1] ?? ''}`);
    const corpusText = (await evilPage.page.locator('pre.alert-text').textContent()) ?? '';
    for (const name of ['html-script', 'html-single-quote', 'html-comment', 'html-entity', 'javascript-url', 'jinja-expr']) {
      expect(corpusText).toContain(HOSTILE_VALUES.find((h) => h.name === name)?.value);
    }
    await expectNothingRan(evilPage.page, evilPage.dialogs, evilPage.errors);
    await evilPage.page.close();
    await page.close();
  });

  it('silences only with the token, and unsilences', async () => {
    const key = 'Failed login.bob';
    const { page, dialogs, errors } = await open(`${fx.server.url}/rules/${encodeURIComponent('Failed login')}`);
    const form = page.locator('#silence-form');
    await form.locator('input[name="key"]').fill('bob');
    await form.locator('input[name="duration"]').fill('2h');
    await form.locator('input[name="reason"]').fill(`pentest ${HOSTILE[0] ?? ''}`);

    // No token: refused, nothing written.
    await form.getByRole('button', { name: 'Silence' }).click();
    expect(await status(page, 'Not silenced')).toBe('Not silenced: a bearer token is required');
    expect(await fx.engine.stores.silences.get(key)).toBeUndefined();

    // Wrong token: refused.
    await page.locator('#token').fill('not-the-token-not-the-token');
    await page.locator('#token').dispatchEvent('change');
    await form.getByRole('button', { name: 'Silence' }).click();
    expect(await status(page, 'Not silenced: the bearer')).toBe('Not silenced: the bearer token is wrong');
    expect(await fx.engine.stores.silences.get(key)).toBeUndefined();

    await expectNothingRan(page, dialogs, errors);

    // The token: written to the silence index, with the reason; the page then reloads.
    await page.locator('#token').fill(TOKEN);
    await page.locator('#token').dispatchEvent('change');
    const reloaded = page.waitForEvent('framenavigated');
    await form.getByRole('button', { name: 'Silence' }).click();
    expect(await status(page, 'Silenced ')).toMatch(/^Silenced Failed login\.bob until \d{4}-\d\d-\d\dT/);
    const stored = await fx.engine.stores.silences.get(key);
    expect(stored?.reason).toBe(`pentest ${HOSTILE[0] ?? ''}`);
    expect(Math.abs((stored?.untilMs ?? 0) - (Date.now() + 2 * 3_600_000))).toBeLessThan(60_000);

    // After the reload the silence is listed (its hostile reason as text); the token survived
    // the reload in sessionStorage. Unsilence it.
    await reloaded;
    await page.waitForLoadState('load');
    await expectNothingRan(page, dialogs, errors);
    expect(await page.locator('#token').inputValue()).toBe(TOKEN);
    const row = page.locator(`tr[data-key="${key}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe(`pentest ${HOSTILE[0] ?? ''}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ops-status-silenced.png'), fullPage: true });
    await row.getByRole('button', { name: 'Unsilence' }).click();
    expect(await status(page, 'Removed')).toBe('Removed Failed login.bob');
    expect(await fx.engine.stores.silences.get(key)).toBeUndefined();
    await page.close();
  });

  it('lists active silences with hostile reasons as text', async () => {
    const { page, dialogs, errors } = await open(`${fx.server.url}/silences`);
    const row = page.locator('tr[data-key="Quiet rule._silence"]');
    expect(await row.locator('td').nth(3).textContent()).toBe(HOSTILE_ALL);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ops-status-silences.png'), fullPage: true });
    await expectNothingRan(page, dialogs, errors);
    await page.close();
  });

  it('refuses writes, even with the token, when actions are off', async () => {
    const readOnly = await opsFixture(es, { rules, writeback: wb, nowMs: now, settings: { actions: false, token: TOKEN } });
    try {
      const { page } = await open(`${readOnly.server.url}/rules/${encodeURIComponent('Failed login')}`);
      expect(await page.locator('#silence-form, #token, button[data-unsilence]').count()).toBe(0);
      // A hand-made request from the page itself, with the right token.
      const status = await page.evaluate(async (token) => {
        const res = await fetch('/api/silences', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ rule: 'Failed login', key: 'carol', duration: '1h' }),
        });
        return res.status;
      }, TOKEN);
      expect(status).toBe(403);
      expect(await readOnly.engine.stores.silences.get('Failed login.carol')).toBeUndefined();
      await page.close();
    } finally {
      await readOnly.close();
    }
  });
});
