// The alarm desk (CONTRACT §7): alarms before cases. A live list (the alarm stream), filtered by status,
// severity and acknowledgement; for dispatchers the actions a monitor takes: acknowledge (确认), file (核实立案:
// the case is filed from the alarm) and dismiss (误报/无需立案, reason required). A second tab is the
// device-upkeep queue (maintenance alarms: battery, offline), with acknowledge and close.
import { get, post, query } from '../api.js';
import { auth } from '../auth.js';
import { subscribe } from '../sse.js';
import { el, clear, toast } from '../dom.js';
import { t, fmtTime, onChange } from '../i18n.js';

let list, tabs, reason, queue = 'alarms', rows = [], filters = { status: 'active', severity: '', acknowledged: '' }, stop = null;

const PATH = { alarms: '/api/v1/alarms', maintenance: '/api/v1/maintenance' };

export async function mount(root) {
  const status = el('select', { id: 'a-status', onchange: e => { filters.status = e.target.value; load(); } },
    ['active', 'cleared', ''].map(s => el('option', { value: s }, t('alarm.status.' + (s || 'all')))));
  const severity = el('select', { id: 'a-severity', onchange: e => { filters.severity = e.target.value; load(); } },
    el('option', { value: '' }, t('alarm.severity.all')), ['red', 'orange', 'yellow', 'blue'].map(s => el('option', { value: s }, t('sev.' + s))));
  const acknowledged = el('select', { id: 'a-ack', onchange: e => { filters.acknowledged = e.target.value; load(); } },
    ['', 'false', 'true'].map(s => el('option', { value: s }, t('alarm.ack.' + (s || 'all')))));
  tabs = el('div', { class: 'tabs' }, ['alarms', 'maintenance'].map(q => el('button', {
    type: 'button', id: 'tab-' + q, class: q === queue ? 'selected' : '', onclick: () => { queue = q; load(); },
  }, t('alarm.queue.' + q))));
  reason = auth.can('dispatcher') ? el('input', { id: 'alarm-reason', placeholder: t('alarm.reason'), maxlength: 500 }) : null;
  list = el('div', { id: 'alarm-list', class: 'case-list' });
  clear(root, el('div', { class: 'alarm-desk', id: 'alarm-desk' },
    el('h2', {}, t('alarms.title')), tabs, el('div', { class: 'filters' }, status, severity, acknowledged, reason), list));
  onChange(render);
  // Live: every alarm change arrives on the durable alarm stream; the list follows without a reload.
  stop?.();
  stop = subscribe('/api/v1/alarms/stream', (event, data) => {
    const alarm = data && data.alarm ? data.alarm : data;
    if (!alarm || !alarm.id) return;
    const keep = matches(alarm);
    const known = rows.some(r => r.id === alarm.id);
    if (keep) rows = [alarm, ...rows.filter(r => r.id !== alarm.id)];
    else if (known) rows = rows.filter(r => r.id !== alarm.id);
    if (keep || known) render();
  });
  await load();
}

function matches(a) {
  const upkeep = a.disposition === 'maintenance';
  return (queue === 'maintenance') === upkeep
    && (!filters.status || a.status === filters.status)
    && (!filters.severity || a.severity === filters.severity)
    && (!filters.acknowledged || String(a.acknowledged) === filters.acknowledged);
}

async function load() {
  for (const b of tabs.children) b.classList.toggle('selected', b.id === 'tab-' + queue);
  try {
    const page = await get(PATH[queue] + query({ ...filters, pageSize: 200 }));
    rows = page.items;
    render();
  } catch (e) { toast(e.message, true); }
}

function render() {
  if (!list) return;
  if (!rows.length) { clear(list, el('p', { class: 'muted' }, t('alarm.none'))); return; }
  clear(list, el('table', { class: 'grid-table' },
    el('thead', {}, el('tr', {}, ['case.severity', 'alarm.title', 'case.device', 'case.value', 'alarm.raised', 'alarm.disposition', ''].map(k => el('th', {}, k ? t(k) : '')))),
    el('tbody', {}, rows.map(a => el('tr', {
      class: ['alarm-row', 'sev-' + a.severity, a.acknowledged ? 'acknowledged' : ''].join(' '),
      dataset: { alarm: a.id, status: a.status, disposition: a.disposition, device: a.deviceId },
    },
      el('td', {}, el('i', { class: 'dot s-' + a.severity }), ' ', t('sev.' + a.severity)),
      el('td', {}, a.title || a.ruleId,
        a.flapping ? el('span', { class: 'badge' }, t('alarm.flapping')) : null,
        a.suppressed ? el('span', { class: 'badge' }, t('alarm.suppressed')) : null,
        a.status === 'cleared' ? el('span', { class: 'badge muted' }, t('alarm.status.cleared')) : null),
      el('td', {}, el('a', { href: '#map/' + encodeURIComponent(a.deviceId) }, a.deviceId)),
      el('td', {}, a.value ?? '—', a.peak !== null && a.peak !== undefined && a.peak !== a.value ? ` (${t('case.peak')} ${a.peak})` : ''),
      el('td', {}, fmtTime(a.raisedAt)),
      el('td', { class: 'disposition' }, t('alarm.disposition.' + a.disposition),
        a.caseId ? [' ', el('a', { href: '#cases/' + encodeURIComponent(a.caseId) }, a.caseId)] : null,
        a.acknowledged ? el('div', { class: 'muted' }, `${t('alarm.acknowledgedBy')} ${a.acknowledgedBy || ''}`) : null),
      el('td', { class: 'alarm-actions' }, actions(a)))))));
}

// What the signed-in role may do with this alarm now; a viewer sees none (the API refuses them anyway).
function actions(a) {
  if (!auth.can('dispatcher')) return null;
  const buttons = [];
  if (!a.acknowledged && !a.closedAt) buttons.push('acknowledge');
  if (queue === 'maintenance') {
    if (!a.closedAt) buttons.push('close');
  } else if (a.disposition === 'pending') {
    if (a.status === 'active') buttons.push('file');
    buttons.push('dismiss');
  }
  return buttons.map(action => el('button', {
    type: 'button', class: 'action ' + (action === 'dismiss' ? 'danger' : ''), dataset: { action },
    onclick: () => act(a, action),
  }, t('alarm.action.' + action)));
}

async function act(a, action) {
  const body = { action };
  if (action === 'dismiss') {
    // A dismissal says why (误报, 无需立案): the reason is kept and counted per rule, for tuning.
    const why = reason?.value.trim();
    if (!why) { toast(t('alarm.reason'), true); reason?.focus(); return; }
    body.reason = why;
  }
  try {
    const updated = await post(`${PATH[queue]}/${encodeURIComponent(a.id)}/actions`, body);
    rows = matches(updated) ? rows.map(r => r.id === updated.id ? updated : r) : rows.filter(r => r.id !== updated.id);
    render();
    toast(`${t('alarm.action.' + action)} · ${t('case.done')}`);
  } catch (e) {
    toast(e.message, true);
  }
}
