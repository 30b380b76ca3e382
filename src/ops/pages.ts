import { formatDuration } from '../config/duration.ts';
import { VERSION } from '../version.ts';
import { html, pathSegment, type Html } from './html.ts';
import type { AlertRow, DeliveryRow, RuleDetail, RuleSummary, RunRow, SilenceRow } from './status-data.ts';

/**
 * Server-rendered pages of the status UI. All values go through `html`, which escapes them; the
 * only script is /static/app.js (the CSP allows no inline script), which handles the optional
 * silence actions.
 */

export interface PageContext {
  nowMs: number;
  /** Show the silence forms and buttons (the server still checks the token on every write). */
  actions: boolean;
}

/** "3m ago" (two largest units), or "in 2h" for times ahead. */
export function relative(isoTime: string | undefined, nowMs: number): string {
  if (!isoTime) return '—';
  const t = Date.parse(isoTime);
  if (Number.isNaN(t)) return '—';
  const diff = nowMs - t;
  const short = (ms: number): string =>
    (formatDuration(Math.round(Math.abs(ms) / 1000) * 1000).match(/\d+[a-z]+/g) ?? ['0s']).slice(0, 2).join('');
  return diff >= 0 ? `${short(diff)} ago` : `in ${short(diff)}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Matches per hour as bars; numbers only, so nothing from outside reaches the markup but the label (escaped). */
export function sparkline(values: readonly number[], label: string): Html {
  const width = 96;
  const height = 20;
  const max = Math.max(1, ...values);
  const bar = width / Math.max(1, values.length);
  const bars = values.map((v, i) => {
    const h = v === 0 ? 0 : Math.max(1, Math.round((v / max) * height));
    return html`<rect x="${(i * bar).toFixed(1)}" y="${height - h}" width="${Math.max(1, bar - 1).toFixed(1)}" height="${h}"></rect>`;
  });
  const total = values.reduce((a, b) => a + b, 0);
  return html`<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${label}: ${total} matches in 24 h"><title>${label}: ${values.join(', ')} (oldest first)</title><line x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}"></line>${bars}</svg>`;
}

function layout(title: string, ctx: PageContext, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · LogWarden</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body>
<header><a class="brand" href="/">LogWarden</a><nav><a href="/">Rules</a><a href="/silences">Silences</a><a href="/metrics">Metrics</a></nav>${ctx.actions ? tokenBox() : html``}<span class="muted">v${VERSION} · ${new Date(ctx.nowMs).toISOString()}</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function tokenBox(): Html {
  return html`<div id="actions" class="actions">
<label>Token <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="to silence / unsilence"></label>
<output id="action-status" aria-live="polite"></output>
</div>`;
}

function ruleLink(name: string): Html {
  return html`<a href="/rules/${pathSegment(name)}">${name}</a>`;
}

function errorCell(summary: RuleSummary, ctx: PageContext): Html {
  if (!summary.lastError) return html`<span class="muted">none in 7 d</span>`;
  const current = summary.lastRun?.error !== undefined;
  return html`<span class="${current ? 'bad' : 'muted'}" title="${summary.lastError.message}">${relative(summary.lastError.at, ctx.nowMs)}: ${truncate(summary.lastError.message, 160)}</span>`;
}

export function overviewPage(rules: readonly RuleSummary[], ctx: PageContext): Html {
  const rows = rules.map(
    (r) => html`<tr data-rule="${r.name}">
<td class="name">${ruleLink(r.name)}</td>
<td>${r.type}</td>
<td>every ${formatDuration(r.runEveryMs)}</td>
<td class="last-run">${r.lastRun ? html`<span class="${r.lastRun.error !== undefined ? 'bad' : 'ok'}" title="${r.lastRun.at}">${relative(r.lastRun.at, ctx.nowMs)}</span>` : html`<span class="muted">none in 7 d</span>`}</td>
<td class="lag num">${r.lagSeconds === undefined ? '—' : `${r.lagSeconds.toFixed(1)} s`}</td>
<td class="last-error">${errorCell(r, ctx)}</td>
<td class="runs num">${r.day.runs}</td>
<td class="hits num">${r.day.hits}</td>
<td class="matches num">${r.day.matches}</td>
<td class="alerts num">${r.day.alertsSent}${r.day.alertsFailed > 0 ? html` <span class="bad">(${r.day.alertsFailed} failed)</span>` : html``}</td>
<td class="spark-cell">${sparkline(r.matchesPerHour, `matches per hour of ${r.name}`)}</td>
</tr>`,
  );
  return layout(
    'Rules',
    ctx,
    html`<h1>Rules <span class="muted">(${rules.length} loaded)</span></h1>
<table id="rules">
<thead><tr><th>Rule</th><th>Type</th><th>Schedule</th><th>Last run</th><th>Lag</th><th>Last error</th><th>Runs 24 h</th><th>Hits 24 h</th><th>Matches 24 h</th><th>Alerts 24 h</th><th>Matches / hour</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${rules.length === 0 ? html`<p class="muted">No rules loaded.</p>` : html``}`,
  );
}

function runsTable(runs: readonly RunRow[], ctx: PageContext): Html {
  if (runs.length === 0) return html`<p class="muted">No runs recorded.</p>`;
  return html`<table id="runs"><thead><tr><th>When</th><th>Window</th><th>Hits</th><th>Matches</th><th>Sent</th><th>Suppressed</th><th>Took</th><th>Error</th></tr></thead><tbody>
${runs.map(
  (r) =>
    html`<tr><td title="${r.at}">${relative(r.at, ctx.nowMs)}</td><td class="muted">${r.start ?? ''} → ${r.end ?? ''}</td><td class="num">${r.hits}</td><td class="num">${r.matches}</td><td class="num">${r.alertsSent}</td><td class="num">${r.suppressed}</td><td class="num">${r.timeTakenSeconds.toFixed(2)} s</td><td class="bad">${r.error ?? ''}</td></tr>`,
)}
</tbody></table>`;
}

function alertsList(alerts: readonly AlertRow[], ctx: PageContext): Html {
  if (alerts.length === 0) return html`<p class="muted">No alerts recorded.</p>`;
  return html`<ol id="alerts" class="alerts">
${alerts.map(
  (a) => html`<li class="alert">
<div class="alert-head"><strong class="subject">${a.subject}</strong> <span class="${a.sent ? 'ok' : 'bad'}">${a.sent ? 'sent' : 'not sent'}</span> <span class="muted" title="${a.alertTime}">${relative(a.alertTime, ctx.nowMs)}</span>${a.queryKey !== undefined ? html` <span class="key">key: <code>${a.queryKey}</code></span>` : html``}</div>
<pre class="alert-text">${a.text}</pre>
${a.exception ? html`<p class="bad">${a.exception}</p>` : html``}
</li>`,
)}
</ol>`;
}

function silencesTable(silences: readonly SilenceRow[], ctx: PageContext): Html {
  if (silences.length === 0) return html`<p class="muted">No active silences.</p>`;
  return html`<table class="silences"><thead><tr><th>Key</th><th>Until</th><th>Kind</th><th>Reason</th>${ctx.actions ? html`<th></th>` : html``}</tr></thead><tbody>
${silences.map(
  (s) =>
    html`<tr data-key="${s.key}"><td><code>${s.key}</code></td><td title="${s.until}">${relative(s.until, ctx.nowMs)}</td><td>${s.manual ? 'manual' : 'realert'}</td><td>${s.reason ?? ''}</td>${
      ctx.actions ? html`<td><button type="button" data-unsilence="${s.key}">Unsilence</button></td>` : html``
    }</tr>`,
)}
</tbody></table>`;
}

function deliveriesTable(rows: readonly DeliveryRow[], ctx: PageContext): Html {
  if (rows.length === 0) return html`<p class="muted">No pending deliveries.</p>`;
  return html`<table id="deliveries"><thead><tr><th>Alerter</th><th>Attempts</th><th>Next attempt</th><th>Last error</th></tr></thead><tbody>
${rows.map((d) => html`<tr><td>${d.alerter}</td><td class="num">${d.attempts}</td><td title="${d.nextAttempt}">${relative(d.nextAttempt, ctx.nowMs)}</td><td class="bad">${d.lastError ?? ''}</td></tr>`)}
</tbody></table>`;
}

function silenceForm(rule: string | undefined, rules: readonly string[]): Html {
  return html`<form id="silence-form" class="silence-form" data-action="silence">
<h3>Silence</h3>
${
  rule !== undefined
    ? html`<input type="hidden" name="rule" value="${rule}">`
    : html`<label>Rule <select name="rule" required>${rules.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>`
}
<label>query_key value <input name="key" placeholder="empty: the whole rule" maxlength="512"></label>
<label>For <input name="duration" value="1h" required pattern="[0-9smhdw. ]+" title="e.g. 30m, 2h, 1d"></label>
<label>Reason <input name="reason" maxlength="500" placeholder="why (shown here and in logwarden silences)"></label>
<button type="submit">Silence</button>
</form>`;
}

export function rulePage(d: RuleDetail, ctx: PageContext): Html {
  const s = d.summary;
  return layout(
    s.name,
    ctx,
    html`<h1 id="rule-name">${s.name}</h1>
<dl class="definition">
<dt>Type</dt><dd>${s.type}</dd>
<dt>File</dt><dd><code>${s.file}</code></dd>
<dt>Index</dt><dd><code>${s.index}</code></dd>
<dt>Schedule</dt><dd>every ${formatDuration(s.runEveryMs)}</dd>
<dt>query_key</dt><dd>${d.definition.queryKey?.join(', ') ?? '—'}</dd>
<dt>realert</dt><dd>${formatDuration(d.definition.realertMs)} (key <code>${d.definition.realertKey}</code>)</dd>
<dt>Alerters</dt><dd>${d.definition.alerters.join(', ')}</dd>
<dt>Last 24 h</dt><dd>${s.day.runs} runs, ${s.day.hits} hits, ${s.day.matches} matches, ${s.day.alertsSent} alerts sent, ${s.day.errors} failed runs ${sparkline(s.matchesPerHour, `matches per hour of ${s.name}`)}</dd>
<dt>Last error</dt><dd>${errorCell(s, ctx)}</dd>
</dl>
<section><h2>Recent runs</h2>${runsTable(d.runs, ctx)}</section>
<section><h2>Recent alerts</h2>${alertsList(d.alerts, ctx)}</section>
<section><h2>Silences</h2>${silencesTable(d.silences, ctx)}${ctx.actions ? silenceForm(s.name, []) : html``}</section>
<section><h2>Pending deliveries</h2>${deliveriesTable(d.pendingDeliveries, ctx)}</section>`,
  );
}

export function silencesPage(silences: readonly SilenceRow[], rules: readonly string[], ctx: PageContext): Html {
  return layout(
    'Silences',
    ctx,
    html`<h1>Active silences</h1>
<p class="muted">Realert silences are written by rules after an alert; manual ones by <code>logwarden silence</code> or this page. A whole rule is silenced by the key <code>&lt;rule&gt;._silence</code>.</p>
<div id="silences">${silencesTable(silences, ctx)}</div>
${ctx.actions ? silenceForm(undefined, rules) : html``}`,
  );
}

export function errorPage(status: number, message: string, ctx: PageContext): Html {
  return layout(`Error ${status}`, ctx, html`<h1>Error ${status}</h1><p class="bad">${message}</p>`);
}
