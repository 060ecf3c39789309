/**
 * The change page's script (served as `/console/assets/change.js`). It keeps the admin token in the tab's
 * `sessionStorage` only and sends it in the `Authorization` header of the admin API calls (never in a URL); it
 * resolves every address against the page's `<base>` (so the console works under any mount
 * prefix), builds the draft from the active document with the edited parameters (or an uploaded pack file), `PUT`s it with
 * the suite, lists every failing case with a button to accept its new outcome, then shows the impact on recent
 * logged decisions, the rule-level diff, and activates after a confirmation step that shows the impact's summary
 * and the diff (in its place: the page holds one copy of the diff at a time; the active document is fetched from
 * `GET /v1/packs/{id}/versions/{version}` when a draft is built, not embedded in the page); each version row's button goes through the same step (roll back). Accepting a failing case's new
 * outcome keeps its other assertions and sends the draft again; an empty number field is an error, never 0.
 */
export const CHANGE_JS = String.raw`(function () {
  'use strict';
  var root = document.getElementById('change');
  if (!root) return;
  root.hidden = false;
  var KEY = 'aftersales-admin-token';
  var pack = root.getAttribute('data-pack');
  // The active document is fetched when a draft is built from it, not embedded in the page (a pack of 100,000
  // rules is 16 MB of JSON).
  var doc = null;
  function activeDoc() {
    if (doc) return Promise.resolve(doc);
    return fetch('v1/packs/' + encodeURIComponent(pack) + '/versions/' + encodeURIComponent(root.getAttribute('data-active'))).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (body) { doc = body.document; return doc; });
  }
  var w = JSON.parse(document.getElementById('words').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var draft = null;

  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  function show(v) { return v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v); }
  function token() { return sessionStorage.getItem(KEY); }
  function showToken() { $('token-form').hidden = !!token(); $('token-kept').hidden = !token(); }
  $('token-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('admin-token').value.trim();
    if (value) sessionStorage.setItem(KEY, value);
    $('admin-token').value = '';
    showToken();
  });
  $('forget-token').addEventListener('click', function () { sessionStorage.removeItem(KEY); showToken(); $('admin-token').focus(); });
  showToken();

  function call(method, url, body) {
    var headers = { Authorization: 'Bearer ' + (token() || '') };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = JSON.parse(text); } catch (e) { json = null; }
        return { status: res.status, body: json };
      });
    });
  }
  function errorHtml(r) {
    var e = r.body && r.body.error;
    if (!e) return '<p class="bad">HTTP ' + r.status + '</p>';
    return '<p class="bad"><code>' + esc(e.code) + '</code> ' + esc(e.message[w.lang] || e.message.en) + '</p>';
  }

  function buildDraft() {
    var version = $('draft-version').value.trim();
    var file = $('pack-file').files && $('pack-file').files[0];
    if (file) return file.text().then(function (t) { return JSON.parse(t); });
    return activeDoc().then(function (active) { return withParameters(JSON.parse(JSON.stringify(active)), version); });
  }
  function withParameters(next, version) {
    next.version = version;
    var inputs = document.querySelectorAll('#draft-form [data-param]');
    var bad = null;
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (!next.parameters || !next.parameters[el.getAttribute('data-param')]) continue;
      var type = el.getAttribute('data-type');
      var v = el.value;
      var numeric = type === 'number' || type === 'integer';
      // An empty (or unreadable) number field is an error, never 0: a cleared field must not become a threshold of 0.
      var wrong = numeric && (v.trim() === '' || !isFinite(Number(v)) || (type === 'integer' && !Number.isInteger(Number(v))));
      fieldError(el, wrong ? w.emptyNumber : '');
      if (wrong) { bad = bad || el; continue; }
      next.parameters[el.getAttribute('data-param')].value = numeric ? Number(v) : type === 'boolean' ? v === 'true' : v;
    }
    if (bad) { bad.focus(); throw new Error(w.emptyNumber); }
    return next;
  }
  function fieldError(el, text) {
    var id = el.id + '-error';
    var note = document.getElementById(id);
    if (!text) { if (note) note.remove(); el.removeAttribute('aria-invalid'); return; }
    if (!note) {
      note = document.createElement('span');
      note.id = id;
      note.className = 'field-error bad';
      el.parentNode.appendChild(note);
      el.setAttribute('aria-describedby', (el.getAttribute('aria-describedby') || '') + ' ' + id);
    }
    note.textContent = text;
    el.setAttribute('aria-invalid', 'true');
  }

  function renderFailures(problems) {
    var suite = JSON.parse($('suite-json').value);
    var html = '<div class="panel bad" role="alert"><p class="bad" id="suite-failed">' + esc(w.suiteFailed) + '</p><table><thead><tr><th scope="col">' + esc(w.pointer) +
      '</th><th scope="col">' + esc(w.message) + '</th><th scope="col">' + esc(w.expected) + '</th><th scope="col">' + esc(w.found) + '</th><th scope="col"></th></tr></thead><tbody>';
    problems.forEach(function (p, n) {
      var m = /^\/suite\/cases\/(\d+)$/.exec(p.path);
      var accept = m && p.found && !p.found.error
        ? '<button type="button" class="secondary" data-accept="' + m[1] + '" data-n="' + n + '">' + esc(w.acceptCase) + '</button>' : '';
      html += '<tr class="failure" data-case="' + (m ? m[1] : '') + '"><td><code>' + esc(p.path) + '</code></td><td>' + esc(p.message) + '</td><td>' +
        esc(show(p.expected)) + '</td><td>' + esc(show(p.found)) + '</td><td>' + accept + '</td></tr>';
    });
    $('suite-result').innerHTML = html + '</tbody></table></div>';
    var buttons = $('suite-result').querySelectorAll('[data-accept]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener('click', function (e) {
        var b = e.currentTarget;
        var p = problems[Number(b.getAttribute('data-n'))];
        var c = suite.cases[Number(b.getAttribute('data-accept'))];
        // Only the outcome is replaced: the case's other assertions (the rules it expects fired) stay.
        c.expect = Object.assign({}, c.expect, { outcome: p.found });
        $('suite-json').value = JSON.stringify(suite, null, 2);
        b.disabled = true;
        b.textContent = '✓';
        // The draft is sent again with the suite as accepted: the page shows what the server now says.
        sendDraft();
      });
    }
  }

  $('draft-form').addEventListener('submit', function (e) { e.preventDefault(); sendDraft(); });
  function sendDraft() {
    $('suite-result').innerHTML = '<p>…</p>';
    var suite;
    try { suite = JSON.parse($('suite-json').value); } catch (err) { $('suite-result').innerHTML = '<p class="bad">' + esc(w.suite) + ': ' + esc(err.message) + '</p>'; return; }
    buildDraft().then(function (next) {
      var url = 'v1/packs/' + encodeURIComponent(pack) + '/versions/' + encodeURIComponent(next.version);
      return call('PUT', url, { pack: next, suite: suite }).then(function (r) {
        if (r.status === 201 || r.status === 200) {
          draft = next.version;
          var s = r.body.suite || {};
          $('suite-result').innerHTML = '<p class="panel ok" id="draft-stored">' + esc(w.draft) + ' <strong>' + esc(draft) + '</strong> · ' +
            esc(w.suite) + ': <span class="ok">' + esc(s.passed) + ' ✓</span>, ' + esc(s.failed) + ' ✗</p>';
          $('after-draft').hidden = false;
          showDiff();
        } else if (r.status === 422 && r.body && r.body.error && r.body.error.problems) {
          renderFailures(r.body.error.problems);
        } else {
          $('suite-result').innerHTML = errorHtml(r);
        }
      });
    }).catch(function (err) { $('suite-result').innerHTML = '<p class="bad" role="alert">' + esc(err.message) + '</p>'; });
  }

  function showDiff() {
    fetch('console/packs/' + encodeURIComponent(pack) + '/diff?fragment=1&from=' + encodeURIComponent(root.getAttribute('data-active')) + '&to=' + encodeURIComponent(draft))
      .then(function (res) { return res.text(); })
      .then(function (html) { $('diff-result').innerHTML = html; });
  }

  $('run-impact').addEventListener('click', function () {
    if (!draft) return;
    $('impact-result').innerHTML = '<p>…</p>';
    var url = 'v1/packs/' + encodeURIComponent(pack) + '/versions/' + encodeURIComponent(draft) + '/impact';
    call('POST', url, { limit: Number($('impact-limit').value) || 100 }).then(function (r) {
      if (r.status !== 200) { $('impact-result').innerHTML = errorHtml(r); return; }
      var b = r.body;
      var html = '<p id="impact-sentence"><strong>' + esc(b.summary[w.lang] || b.summary.en) + '</strong></p><p id="impact-summary">' + esc(w.replayed) + ': ' + esc(b.evaluated) + ' · ' + esc(w.changedRule) + ': ' + esc(b.changed) + ' · ' + esc(w.sameRule) + ': ' + esc(b.unchanged) +
        (b.failed ? ' · ' + esc(w.error) + ': ' + esc(b.failed) : '') + '</p>';
      if (b.changes.length) {
        html += '<table class="impact"><thead><tr><th scope="col">' + esc(w.decisionId) + '</th><th scope="col">' + esc(w.before) + '</th><th scope="col">' + esc(w.after) + '</th></tr></thead><tbody>';
        b.changes.forEach(function (c) {
          html += '<tr data-decision="' + esc(c.decisionId) + '"><td><a href="console/log/' + encodeURIComponent(c.decisionId) + '">' + esc(c.decisionId) + '</a></td><td>' +
            esc(show(c.before)) + '</td><td>' + esc(show(c.after)) + '</td></tr>';
        });
        html += '</tbody></table>';
      }
      $('impact-result').innerHTML = html;
    });
  });

  // Activation is two steps: the impact of the version on recent logged decisions and the rule-level diff, shown
  // in a confirmation panel; then, on confirm, the activation (which the server refuses without that impact).
  function confirmActivation(version) {
    var panel = $('confirm-activation');
    var base = 'v1/packs/' + encodeURIComponent(pack) + '/versions/' + encodeURIComponent(version);
    panel.hidden = false;
    $('confirm-version').textContent = version;
    $('confirm-summary').innerHTML = '<p>…</p>';
    $('confirm-diff').innerHTML = '';
    // The diff is shown once: the confirmation's copy replaces the one shown after the draft was stored.
    $('diff-result').innerHTML = '';
    $('confirm-go').disabled = true;
    $('confirm-go').setAttribute('data-version', version);
    panel.focus();
    call('POST', base + '/impact', { limit: Number($('impact-limit').value) || 100 }).then(function (r) {
      if (r.status !== 200) { $('confirm-summary').innerHTML = errorHtml(r); return; }
      $('confirm-summary').innerHTML = '<p id="confirm-sentence"><strong>' + esc(r.body.summary[w.lang] || r.body.summary.en) + '</strong></p>';
      $('confirm-go').disabled = false;
    });
    fetch('console/packs/' + encodeURIComponent(pack) + '/diff?fragment=1&from=' + encodeURIComponent(root.getAttribute('data-active')) + '&to=' + encodeURIComponent(version))
      .then(function (res) { return res.text(); })
      .then(function (html) { $('confirm-diff').innerHTML = html; });
  }
  $('confirm-go').addEventListener('click', function (e) { activate(e.currentTarget.getAttribute('data-version')); });
  $('confirm-cancel').addEventListener('click', function () { $('confirm-activation').hidden = true; });

  function activate(version) {
    var url = 'v1/packs/' + encodeURIComponent(pack) + '/versions/' + encodeURIComponent(version) + '/activate';
    return call('POST', url).then(function (r) {
      if (r.status !== 200) { $('activation-result').innerHTML = errorHtml(r); return; }
      $('confirm-activation').hidden = true;
      $('activation-result').innerHTML = '<p class="panel ok" id="activated">' + esc(w.active) + ': ' + esc(r.body.version) + ' (' + esc(r.body.previous) + ' → ' + esc(r.body.version) + ')</p>';
      // Show the new state of every version.
      setTimeout(function () { location.reload(); }, 600);
    });
  }
  $('activate-draft').addEventListener('click', function () { if (draft) confirmActivation(draft); });
  var rows = document.querySelectorAll('[data-activate]');
  for (var i = 0; i < rows.length; i++) {
    rows[i].addEventListener('click', function (e) { confirmActivation(e.currentTarget.getAttribute('data-activate')); });
  }
})();
`;
