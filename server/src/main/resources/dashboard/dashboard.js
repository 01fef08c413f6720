// Heartwatch dashboard. Every value from the server goes into the page through textContent
// or a data-* attribute, never through innerHTML, so a device name cannot become markup.
'use strict';

(function () {
  const THEME_KEY = 'heartwatch-theme';
  const root = document.documentElement;

  // Runs before the body is parsed, so the stored theme applies without a flash.
  function systemTheme() {
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  function storedTheme() {
    try { return localStorage.getItem(THEME_KEY); } catch (e) { return null; }
  }
  function currentTheme() {
    return root.dataset.theme || systemTheme();
  }
  const saved = storedTheme();
  if (saved === 'light' || saved === 'dark') root.dataset.theme = saved;

  const params = new URLSearchParams(location.search);
  const refreshSeconds = Math.min(3600, Math.max(0.5, Number(params.get('refresh')) || 10));
  // The server's order too (DeviceListing): pages are cut from it, each page sorted the same way.
  const SEVERITY = { down: 0, unknown: 1, muted: 2, stopped: 3, up: 4, retired: 5 };
  const pageSize = Math.min(1000, Math.max(1, Math.floor(Number(params.get('limit'))) || 100));
  // What the list shows: a part of the name, a status, and where the page starts (the server's cursor).
  const view = { q: '', status: '', after: null };

  function pad(n) { return String(n).padStart(2, '0'); }
  function absolute(ms) {
    const d = new Date(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function duration(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + ' min';
    const h = Math.floor(m / 60);
    if (h < 48) return h + ' h ' + pad(m % 60) + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }
  function relative(ms, now) {
    const diff = now - ms;
    if (diff < 45000) return 'just now';
    return duration(diff) + ' ago';
  }
  function percent(value) {
    if (value === null || value === undefined) return '—';
    // Floor, so 99.996 never shows as a perfect 100.00.
    return (Math.floor(value * 100) / 100).toFixed(2) + ' %';
  }
  function deviceUrl(device, action) {
    return 'api/devices/' + encodeURIComponent(device) + '/' + action;
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    return response.json();
  }

  function showProblem(text) {
    const box = document.getElementById('problem');
    box.textContent = text;
    box.hidden = !text;
  }

  function renderSummary(summary) {
    for (const kind of ['total', 'up', 'down', 'muted', 'stopped']) {
      const el = document.getElementById('count-' + kind);
      el.textContent = String(summary[kind] || 0);
      el.parentElement.classList.toggle('zero', !summary[kind]);
    }
    document.body.classList.toggle('any-down', summary.down > 0);
  }

  function setPct(el, value) {
    el.textContent = percent(value);
    el.classList.toggle('good', value !== null && value !== undefined && value >= 99.9);
    el.classList.toggle('bad', value !== null && value !== undefined && value < 99);
  }

  function renderOutages(card, outages, now) {
    const list = card.querySelector('.outage-list');
    const summary = card.querySelector('.outages summary');
    list.replaceChildren();
    if (outages === null) {
      summary.textContent = 'Outages: unavailable';
      return;
    }
    const ongoing = outages.filter(o => o.end === null).length;
    summary.textContent = outages.length === 0
      ? 'No outages in 30 days'
      : outages.length + (outages.length === 1 ? ' outage' : ' outages') + ' in 30 days' + (ongoing ? ' (' + ongoing + ' ongoing)' : '');
    const template = document.getElementById('outage-row');
    for (const o of outages.slice().reverse()) {
      const row = template.content.firstElementChild.cloneNode(true);
      row.classList.toggle('ongoing', o.end === null);
      const start = row.querySelector('.start');
      start.textContent = absolute(o.start);
      start.dateTime = new Date(o.start).toISOString();
      row.querySelector('.end').textContent = o.end === null ? 'ongoing' : absolute(o.end);
      row.querySelector('.cause').textContent = o.cause || 'unknown';
      row.querySelector('.duration').textContent = duration(o.durationMs) + (o.end === null ? ' so far' : '');
      row.querySelector('.source').textContent = 'seen by ' + o.source;
      // A report the server clipped to its record says so (docs/alerting.md).
      const clipped = o.clip ? 'agent reported ' + duration(o.reportedMs) + ', clipped (' + o.clip + ')' : '';
      row.querySelector('.detail').textContent = [o.detail || '', clipped].filter(t => t).join(' · ');
      list.append(row);
    }
    // A device that is down now opens its list: the ongoing outage is the news.
    if (ongoing && !card.dataset.touched) card.querySelector('.outages').open = true;
  }

  function runsText(r) {
    return r.onTime + ' of ' + r.expected + (r.expected === 1 ? ' run' : ' runs') + ' on time'
      + (r.failed ? ', ' + r.failed + ' failed' : '') + (r.expected - r.onTime - r.failed ? ', ' + (r.expected - r.onTime - r.failed) + ' missed' : '');
  }

  // The schedule, where the device stands against it (DueRule), the last run's duration, and
  // for a cron device its uptime as runs on time out of runs expected (docs/history.md).
  function renderSchedule(card, d, now) {
    card.querySelector('.schedule').textContent = d.schedule || '—';
    const due = card.querySelector('.due');
    const at = card.querySelector('.due-at');
    due.dataset.due = d.due || '';
    card.dataset.due = d.due || '';
    at.textContent = '';
    at.removeAttribute('datetime');
    if (d.due === 'late') {
      due.textContent = 'LATE';
      at.textContent = 'due ' + absolute(d.nextDue) + ', down at ' + absolute(d.downAt);
    } else if (d.due === 'down') {
      due.textContent = 'overdue';
      at.textContent = 'due ' + absolute(d.nextDue) + ', grace ended ' + absolute(d.downAt);
    } else if (d.due === 'up' && d.nextDue !== null) {
      due.textContent = d.nextDue > now ? 'in ' + duration(d.nextDue - now) : 'now';
      at.textContent = '(' + absolute(d.nextDue) + ')';
    } else {
      due.textContent = { stopped: 'paused (clean stop)', 'never-heard': 'never heard', up: 'never again' }[d.due] || '—';
    }
    if (d.nextDue !== null && d.nextDue !== undefined) at.dateTime = new Date(d.nextDue).toISOString();
    const lastRow = card.querySelector('.last-run-row');
    lastRow.hidden = d.lastDurationMs === null || d.lastDurationMs === undefined;
    card.querySelector('.last-run').textContent = lastRow.hidden ? '' : 'took ' + duration(d.lastDurationMs);
    const runs = d.uptimeBasis === 'runs';
    card.querySelector('.l24').textContent = runs ? '24 h runs' : '24 h';
    card.querySelector('.l7').textContent = runs ? '7 d runs' : '7 d';
    card.querySelector('.l30').textContent = runs ? '30 d runs' : '30 d';
    const line = card.querySelector('.runs');
    line.hidden = !runs;
    line.textContent = runs ? 'Runs on time, 30 d: ' + runsText(d.runs30d) : '';
  }

  function renderCard(card, d, now) {
    card.dataset.status = d.status;
    card.dataset.device = d.device;
    const status = card.querySelector('.status');
    status.textContent = d.status;
    status.dataset.status = d.status;
    card.querySelector('.name').textContent = d.device;
    const rel = card.querySelector('.seen-rel');
    const abs = card.querySelector('.seen-abs');
    if (d.lastSeen === null) {
      rel.textContent = 'never';
      abs.textContent = '';
      abs.removeAttribute('datetime');
    } else {
      rel.textContent = relative(d.lastSeen, now);
      abs.textContent = '(' + absolute(d.lastSeen) + ')';
      abs.dateTime = new Date(d.lastSeen).toISOString();
      abs.title = new Date(d.lastSeen).toISOString();
    }
    card.querySelector('.ip').textContent = d.ip || '—';
    renderSchedule(card, d, now);
    setPct(card.querySelector('.u24'), d.uptime24h);
    setPct(card.querySelector('.u7'), d.uptime7d);
    setPct(card.querySelector('.u30'), d.uptime30d);
    const trail = card.querySelector('.trail');
    trail.replaceChildren(...d.trail.map(s => {
      const dot = document.createElement('span');
      dot.className = 'dot';
      dot.dataset.status = s;
      dot.title = s;
      return dot;
    }));
    trail.setAttribute('aria-label', 'Recent status, oldest first: ' + d.trail.join(', '));
    // Each decision has its undo: a muted device offers Unmute, a retired one Restore.
    const mute = card.querySelector('.mute');
    mute.textContent = d.status === 'muted' ? 'Unmute' : 'Mute 1 h';
    mute.disabled = d.status === 'retired';
    card.querySelector('.retire').textContent = d.status === 'retired' ? 'Restore' : 'Retire';
  }

  function newCard() {
    const card = document.getElementById('device-card').content.firstElementChild.cloneNode(true);
    card.querySelector('.outages').addEventListener('toggle', () => { card.dataset.touched = '1'; });
    card.querySelector('.mute').addEventListener('click', () =>
      act(card, card.dataset.status === 'muted' ? 'unmute' : 'mute?for=PT1H'));
    card.querySelector('.retire').addEventListener('click', () => {
      if (card.dataset.status === 'retired') act(card, 'unretire');
      else if (window.confirm('Retire ' + card.dataset.device + '? It will no longer be expected or alert (Restore undoes it).')) act(card, 'retire');
    });
    return card;
  }

  async function act(card, action) {
    try {
      const response = await fetch(deviceUrl(card.dataset.device, action), { method: 'POST', credentials: 'same-origin' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      await refresh();
    } catch (e) {
      showProblem('Could not change ' + card.dataset.device + ': ' + e.message);
    }
  }

  const cards = new Map();

  function listUrl() {
    let url = 'api/devices?limit=' + pageSize;
    if (view.q) url += '&q=' + encodeURIComponent(view.q);
    if (view.status) url += '&status=' + encodeURIComponent(view.status);
    if (view.after) url += '&after=' + encodeURIComponent(view.after);
    return url;
  }

  function count(n) { return Number(n).toLocaleString('en'); }

  function renderShowing(data) {
    const filtered = view.q || view.status;
    const shown = data.devices.length;
    const el = document.getElementById('showing');
    el.textContent = shown === data.matched && !view.after && !filtered
      ? ''
      : 'showing ' + count(shown) + ' of ' + count(data.matched) + (filtered ? ' matching (' + count(data.summary.total) + ' devices)' : '');
    document.getElementById('page-next').hidden = !data.next;
    document.getElementById('page-next').dataset.next = data.next || '';
    document.getElementById('page-first').hidden = !view.after;
    document.getElementById('empty').hidden = data.summary.total > 0;
    document.getElementById('no-match').hidden = data.summary.total === 0 || shown > 0;
  }

  function renderProbeWarning(warnings) {
    const box = document.getElementById('probe-warning');
    if (!warnings || warnings.length === 0) {
      box.hidden = true;
      box.textContent = '';
      return;
    }
    const first = warnings[0];
    box.textContent = 'Probes but no heartbeat from ' + first.ip + ' (' + first.probes + ' in 10 min'
      + (warnings.length > 1 ? '; and ' + (warnings.length - 1) + ' more addresses' : '')
      + '): did the agent forget HEARTBEAT_DEVICE? A ping without a device name is only a probe; nothing is monitored.';
    box.hidden = false;
  }

  let latest = 0;

  async function refresh() {
    // A filter change starts a new refresh while one may be under way: only the newest renders.
    const mine = ++latest;
    let data;
    try {
      data = await getJson(listUrl());
    } catch (e) {
      if (mine !== latest) return;
      showProblem('Cannot reach the Heartwatch server (' + e.message + '); showing the last data.');
      return;
    }
    const outages = await Promise.all(data.devices.map(d =>
      getJson(deviceUrl(d.device, 'outages?days=30')).then(r => r.outages, () => null)));
    if (mine !== latest) return;
    showProblem('');
    renderSummary(data.summary);
    renderShowing(data);
    renderProbeWarning(data.probeWarnings);
    const container = document.getElementById('devices');
    const order = data.devices
      .map((d, i) => ({ d, o: outages[i] }))
      .sort((a, b) => (SEVERITY[a.d.status] - SEVERITY[b.d.status]) || a.d.device.localeCompare(b.d.device));
    const seen = new Set();
    const next = [];
    for (const { d, o } of order) {
      let card = cards.get(d.device);
      if (!card) { card = newCard(); cards.set(d.device, card); }
      renderCard(card, d, data.now);
      renderOutages(card, o, data.now);
      seen.add(d.device);
      next.push(card);
    }
    for (const name of [...cards.keys()]) if (!seen.has(name)) cards.delete(name);
    container.replaceChildren(...next);
    const updated = document.getElementById('updated');
    updated.textContent = 'Updated ' + absolute(data.now).slice(11) + ' · every ' + refreshSeconds + ' s';
    updated.dataset.now = String(data.now);
  }

  let timer = null;
  function loop() {
    clearTimeout(timer);
    refresh().finally(() => { clearTimeout(timer); timer = setTimeout(loop, refreshSeconds * 1000); });
  }

  function wireFilter() {
    const search = document.getElementById('search');
    const status = document.getElementById('status-filter');
    let typing = null;
    search.addEventListener('input', () => {
      clearTimeout(typing);
      // Wait for a pause in typing: one request per word, not per key.
      typing = setTimeout(() => { view.q = search.value.trim(); view.after = null; loop(); }, 250);
    });
    status.addEventListener('change', () => { view.status = status.value; view.after = null; loop(); });
    document.getElementById('page-next').addEventListener('click', e => {
      view.after = e.currentTarget.dataset.next || null;
      loop();
    });
    document.getElementById('page-first').addEventListener('click', () => { view.after = null; loop(); });
  }

  function labelToggle() {
    const button = document.getElementById('theme-toggle');
    const next = currentTheme() === 'dark' ? 'light' : 'dark';
    button.textContent = next === 'dark' ? '◐ Dark' : '◑ Light';
    button.setAttribute('aria-label', 'Switch to ' + next + ' theme');
  }

  document.addEventListener('DOMContentLoaded', () => {
    const button = document.getElementById('theme-toggle');
    button.addEventListener('click', () => {
      const next = currentTheme() === 'dark' ? 'light' : 'dark';
      root.dataset.theme = next;
      try { localStorage.setItem(THEME_KEY, next); } catch (e) { /* private mode: the toggle still works */ }
      labelToggle();
    });
    labelToggle();
    wireFilter();
    loop();
  });
})();
