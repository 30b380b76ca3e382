import { describe, expect, it } from '@jest/globals';
import { escapeHtml, html, safeJson } from '../../../src/ops/html.ts';
import { overviewPage, relative, rulePage, silencesPage, sparkline } from '../../../src/ops/pages.ts';
import type { RuleDetail, RuleSummary } from '../../../src/ops/status-data.ts';
import { HOSTILE_VALUES, htmlActiveMarkup } from '../../support/hostile.ts';
import { HOSTILE, HOSTILE_ALL } from '../../support/ops-hostile.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it.each(HOSTILE_VALUES.map((h) => [h.name, h.value] as const))(
    'leaves nothing an HTML parser acts on: shared corpus %s',
    (_name, value) => {
      expect(htmlActiveMarkup(escapeHtml(value))).toEqual([]);
    },
  );

  it('leaves text without them alone and renders nothing for null/undefined', () => {
    expect(escapeHtml('plain text, ünïcode ✓')).toBe('plain text, ünïcode ✓');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it.each(HOSTILE)('no hostile value keeps a tag or a quote: %s', (value) => {
    const out = escapeHtml(value);
    expect(out).not.toMatch(/[<>"']/);
    // Escaping twice shows the first escape as text, never decodes it.
    if (out !== value) expect(escapeHtml(out)).toContain('&amp;');
  });
});

describe('the html template', () => {
  it('escapes every interpolation, joins arrays, and keeps markup it built', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<', html`<br>`]}${undefined}${3}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;<br>3</p>',
    );
  });

  it('does not treat an object that merely looks like markup as trusted', () => {
    const fake = { value: '<script>x</script>', toString: () => '<script>x</script>' } as unknown as string;
    expect(html`${fake}`.value).toBe('&lt;script&gt;x&lt;/script&gt;');
  });
});

describe('safeJson', () => {
  it('writes <, > and & as unicode escapes and still parses back', () => {
    const out = safeJson({ text: '</script><b>&' });
    expect(out).not.toMatch(/[<>&]/);
    expect(JSON.parse(out)).toEqual({ text: '</script><b>&' });
  });
});

function summary(name: string, extra: Partial<RuleSummary> = {}): RuleSummary {
  return {
    name,
    type: 'any',
    file: `${name}.yaml`,
    index: 'logs-*',
    runEveryMs: 60_000,
    lastRun: { at: new Date(NOW - 90_000).toISOString(), timeTakenSeconds: 0.2, hits: 3, matches: 1, error: undefined },
    lagSeconds: 1.25,
    lastError: undefined,
    day: { runs: 10, hits: 30, matches: 4, alertsSent: 2, alertsFailed: 0, errors: 0 },
    matchesPerHour: [...new Array<number>(22).fill(0), 1, 3],
    ...extra,
  };
}

/** Every hostile payload appears only escaped: the raw text of none of them survives. */
function expectInert(page: string): void {
  for (const h of HOSTILE) {
    if (/[<>"']/.test(h)) expect(page).not.toContain(h);
  }
  expect(page).not.toMatch(/<script>|<img|<svg onload|<iframe|<style>|<a href="javascript/i);
  expect(page).not.toMatch(/href="javascript:/i);
  // Our only script is the external file.
  expect(page.match(/<script/g)).toHaveLength(1);
  expect(page).toContain('<script src="/static/app.js" defer></script>');
}

describe('pages', () => {
  it('render the numbers of the overview', () => {
    const page = overviewPage([summary('SSH brute force')], { nowMs: NOW, actions: false }).value;
    expect(page).toContain('<tr data-rule="SSH brute force">');
    expect(page).toContain('<td class="hits num">30</td>');
    expect(page).toContain('<td class="matches num">4</td>');
    expect(page).toContain('<td class="alerts num">2</td>');
    expect(page).toContain('<td class="lag num">1.3 s</td>');
    expect(page).toContain('every 1m');
    expect(page).toContain('1m30s ago');
    expect(page).toContain('href="/rules/SSH%20brute%20force"');
    // No token field without actions.
    expect(page).not.toContain('id="token"');
  });

  it('escape hostile rule names, errors, alert texts, keys and reasons on every page', () => {
    const evil = summary(HOSTILE_ALL, {
      type: HOSTILE_ALL,
      index: HOSTILE_ALL,
      lastError: { at: new Date(NOW).toISOString(), message: HOSTILE_ALL },
    });
    const ctx = { nowMs: NOW, actions: true };
    const detail: RuleDetail = {
      summary: evil,
      definition: {
        queryKey: [HOSTILE_ALL],
        realertMs: 60_000,
        alerters: [HOSTILE_ALL],
        realertKey: HOSTILE_ALL,
        wholeRuleSilenceKey: `${HOSTILE_ALL}._silence`,
      },
      runs: [
        {
          at: HOSTILE_ALL,
          runId: 'r',
          start: HOSTILE_ALL,
          end: undefined,
          hits: 1,
          matches: 1,
          alertsSent: 1,
          suppressed: 0,
          timeTakenSeconds: 1,
          error: HOSTILE_ALL,
        },
      ],
      alerts: HOSTILE.map((h, i) => ({
        id: String(i),
        alertTime: new Date(NOW).toISOString(),
        matchTime: '',
        queryKey: h,
        subject: h,
        text: `${h}\n${HOSTILE_ALL}`,
        sent: i % 2 === 0,
        exception: h,
      })),
      silences: HOSTILE.map((h) => ({ key: h, until: new Date(NOW + 60_000).toISOString(), reason: h, manual: true })),
      pendingDeliveries: [{ id: 'd', alerter: HOSTILE_ALL, attempts: 1, nextAttempt: HOSTILE_ALL, lastError: HOSTILE_ALL }],
    };
    for (const page of [overviewPage([evil], ctx).value, rulePage(detail, ctx).value, silencesPage(detail.silences, HOSTILE, ctx).value]) {
      expectInert(page);
    }
    const rule = rulePage(detail, ctx).value;
    expect(rule).toContain(escapeHtml(HOSTILE[0]));
    // The unsilence button carries the key as an escaped attribute the script reads back.
    expect(rule).toContain(`data-unsilence="${escapeHtml(HOSTILE[1])}"`);
  });

  it.each(HOSTILE_VALUES.map((h) => [h.name, h.value] as const))(
    'show the shared corpus value %s only as text in an alert and a silence',
    (_name, value) => {
      const ctx = { nowMs: NOW, actions: true };
      const s = summary('rule');
      const page = rulePage(
        {
          summary: s,
          definition: { queryKey: ['k'], realertMs: 0, alerters: ['stdout'], realertKey: 'rule', wholeRuleSilenceKey: 'rule._silence' },
          runs: [],
          alerts: [
            {
              id: '1',
              alertTime: new Date(NOW).toISOString(),
              matchTime: '',
              queryKey: value,
              subject: value,
              text: `msg: ${value}`,
              sent: true,
              exception: undefined,
            },
          ],
          silences: [{ key: `rule.${value}`, until: new Date(NOW + 60_000).toISOString(), reason: value, manual: true }],
          pendingDeliveries: [],
        },
        ctx,
      ).value;
      expect(page).toContain(`<pre class="alert-text">msg: ${escapeHtml(value)}</pre>`);
      expect(page).toContain(`data-unsilence="rule.${escapeHtml(value)}"`);
      if (/[<>"'&]/.test(value)) expect(page).not.toContain(value);
    },
  );

  it('draws a sparkline of numbers only, its label escaped', () => {
    const svg = sparkline([0, 2, 4], '<b>x</b>').value;
    expect(svg).toContain('aria-label="&lt;b&gt;x&lt;/b&gt;: 6 matches in 24 h"');
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('height="20"></rect>');
  });

  it('says how long ago, in two units', () => {
    expect(relative(new Date(NOW - 3_725_000).toISOString(), NOW)).toBe('1h2m ago');
    expect(relative(new Date(NOW + 120_000).toISOString(), NOW)).toBe('in 2m');
    expect(relative(undefined, NOW)).toBe('—');
    expect(relative('not a time', NOW)).toBe('—');
  });
});
