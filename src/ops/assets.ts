/**
 * The status page's stylesheet and script, served as files (/static/app.css, /static/app.js) so
 * the Content-Security-Policy can forbid every inline script and style.
 */

export const APP_CSS = `
:root { color-scheme: light dark; --bad: #c62828; --ok: #2e7d32; --muted: #777; --line: #8884; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1em; border-bottom: 1px solid var(--line); }
header nav { display: flex; gap: 1em; flex: 1; }
.brand { font-weight: 700; text-decoration: none; }
main { padding: 0 1em 2em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.bad { color: var(--bad); }
.ok { color: var(--ok); }
.spark rect { fill: currentColor; }
.spark line { stroke: var(--line); stroke-width: 1; }
.spark { color: #1565c0; vertical-align: middle; }
dl.definition { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dl.definition dt { font-weight: 600; }
dl.definition dd { margin: 0; }
.alerts { padding-left: 1.2em; }
.alert { margin-bottom: 1em; }
.alert-text { white-space: pre-wrap; word-break: break-word; background: #8881; padding: .5em; margin: .3em 0; max-height: 20em; overflow: auto; }
.actions { display: flex; gap: .6em; align-items: baseline; }
.silence-form { display: flex; flex-wrap: wrap; gap: .6em; align-items: end; margin: 1em 0; }
.silence-form h3 { width: 100%; margin: 0; }
.silence-form label { display: flex; flex-direction: column; }
#action-status { margin-left: 1em; }
`;

/**
 * Silence / unsilence through the JSON API with the bearer token the operator types in. The
 * token is kept in sessionStorage (this tab only, never a cookie, so no request carries it unless
 * this script adds it). Messages are set with textContent only: nothing here builds markup.
 */
export const APP_JS = `'use strict';
(function () {
  var tokenInput = document.getElementById('token');
  var statusOut = document.getElementById('action-status');
  if (!tokenInput) return;
  try { tokenInput.value = sessionStorage.getItem('logwarden-token') || ''; } catch (e) { /* storage disabled */ }
  tokenInput.addEventListener('change', function () {
    try { sessionStorage.setItem('logwarden-token', tokenInput.value); } catch (e) { /* storage disabled */ }
  });
  function say(text, bad) {
    if (!statusOut) return;
    statusOut.textContent = text;
    statusOut.className = bad ? 'bad' : 'ok';
  }
  function call(method, url, body) {
    var headers = { 'Authorization': 'Bearer ' + tokenInput.value };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (!res.ok) throw new Error((data && data.error) || ('HTTP ' + res.status));
          return data;
        });
      });
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.action !== 'silence') return;
    event.preventDefault();
    var data = new FormData(form);
    var body = { rule: String(data.get('rule') || ''), duration: String(data.get('duration') || '') };
    var key = String(data.get('key') || '');
    var reason = String(data.get('reason') || '');
    if (key !== '') body.key = key;
    if (reason !== '') body.reason = reason;
    say('Silencing…', false);
    call('POST', '/api/silences', body).then(function (res) {
      say('Silenced ' + res.key + ' until ' + res.until, false);
      setTimeout(function () { location.reload(); }, 600);
    }, function (err) { say('Not silenced: ' + err.message, true); });
  });
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    var button = target.closest('button[data-unsilence]');
    if (!button) return;
    var key = button.getAttribute('data-unsilence') || '';
    say('Removing…', false);
    call('DELETE', '/api/silences/' + encodeURIComponent(key)).then(function () {
      say('Removed ' + key, false);
      setTimeout(function () { location.reload(); }, 600);
    }, function (err) { say('Not removed: ' + err.message, true); });
  });
})();
`;
