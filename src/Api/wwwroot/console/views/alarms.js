// The alarm desk (CONTRACT §7): alarms before cases. A live list (the page's alarm stream, city.js), filtered by
// status, severity, acknowledgement, kind, zone (geofence or unit grid) and responsible unit; for dispatchers the
// actions a monitor takes: acknowledge (确认), file (核实立案: the case is filed from the alarm) and dismiss
// (误报/无需立案, reason required). A second tab is the device-upkeep queue (maintenance alarms: battery, offline),
// with acknowledge and close; a third the incidents (CONTRACT §8) with their members, shown only when this
// CityOps has /api/v1/incidents.
import { get, post, query } from '../api.js';
import { auth } from '../auth.js';
import { city, loadIncidents, incidentOpen } from '../city.js';
import { el, clear, toast } from '../dom.js';
import { t, fmtTime, onChange } from '../i18n.js';

const KINDS = ['waterlog', 'manhole', 'streetlight', 'vehicle'];
const PATH = { alarms: '/api/v1/alarms', maintenance: '/api/v1/maintenance' };

let list, tabs, reason, zoneSelect, unitSelect, queue = 'alarms', rows = [], incidents = [];
const filters = { status: 'active', severity: '', acknowledged: '', kind: '', zone: '', unit: '' };

export async function mount(root) {
  const select = (id, key, options) => el('select', { id, onchange: e => { filters[key] = e.target.value; load(); } }, options);
  const status = select('a-status', 'status', ['active', 'cleared', ''].map(s => el('option', { value: s }, t('alarm.status.' + (s || 'all')))));
  const severity = select('a-severity', 'severity', [el('option', { value: '' }, t('alarm.severity.all')), ['red', 'orange', 'yellow', 'blue'].map(s => el('option', { value: s }, t('sev.' + s)))]);
  const acknowledged = select('a-ack', 'acknowledged', ['', 'false', 'true'].map(s => el('option', { value: s }, t('alarm.ack.' + (s || 'all')))));
  const kinds = [...new Set([...KINDS, ...[...city.devices.values()].map(d => d.kind)])];
  const kind = select('a-kind', 'kind', [el('option', { value: '' }, t('alarm.kind.all')), kinds.map(k => el('option', { value: k }, t('kind.' + k) === 'kind.' + k ? k : t('kind.' + k)))]);
  zoneSelect = select('a-zone', 'zone', el('option', { value: '' }, t('alarm.zone.all')));
  unitSelect = select('a-unit', 'unit', el('option', { value: '' }, t('alarm.unit.all')));
  fillZones();
  tabs = el('div', { class: 'tabs' }, ['alarms', 'maintenance', 'incidents'].map(q => el('button', {
    type: 'button', id: 'tab-' + q, class: q === queue ? 'selected' : '', hidden: q === 'incidents', onclick: () => { queue = q; load(); },
  }, t('alarm.queue.' + q))));
  reason = auth.may('alarmdesk') ? el('input', { id: 'alarm-reason', placeholder: t('alarm.reason'), maxlength: 500 }) : null;
  list = el('div', { id: 'alarm-list', class: 'case-list' });
  clear(root, el('div', { class: 'alarm-desk', id: 'alarm-desk' },
    el('h2', {}, t('alarms.title')), tabs, el('div', { class: 'filters' }, status, severity, acknowledged, kind, zoneSelect, unitSelect, reason), list));
  onChange(render);
  // Live: every alarm change arrives on the durable alarm stream; the list follows without a reload.
  city.on('alarm', ({ alarm }) => {
    if (queue === 'incidents') return;
    const keep = matches(alarm);
    const known = rows.some(r => r.id === alarm.id);
    if (keep) rows = [alarm, ...rows.filter(r => r.id !== alarm.id)];
    else if (known) rows = rows.filter(r => r.id !== alarm.id);
    if (keep || known) render();
  });
  city.on('incident', ({ incident }) => {
    incidents = [incident, ...incidents.filter(i => i.id !== incident.id)];
    if (queue === 'incidents') render();
  });
  await load();
  // The incidents tab appears when the API has incidents (404: not in this version of CityOps).
  loadIncidents().then(has => { document.getElementById('tab-incidents').hidden = !has; }).catch(() => {});
}

// #alarms/<queue>: alarms, maintenance or incidents (the incidents tab only when this CityOps has incidents).
export function showQueue(q) {
  if (!['alarms', 'maintenance', 'incidents'].includes(q) || q === queue) return;
  queue = q;
  load();
}

// Zones to filter by: the geofences (zone=) and the unit grids (grid=); the units those grids name.
async function fillZones() {
  try {
    const zones = city.zones || await get('/api/v1/zones');
    const features = zones.features || [];
    const fences = features.filter(f => f.properties?.type === 'geofence');
    const grids = features.filter(f => f.properties?.type === 'grid');
    zoneSelect.append(
      ...fences.map(f => el('option', { value: 'zone:' + f.properties.id }, `${t('alarm.zone.fence')} ${f.properties.name || f.properties.id}`)),
      ...grids.map(f => el('option', { value: 'grid:' + f.properties.code }, `${t('alarm.zone.grid')} ${f.properties.name || ''} ${f.properties.code}`)));
    const units = [...new Set(grids.map(f => f.properties.unit).filter(Boolean))].sort();
    unitSelect.append(...units.map(u => el('option', { value: u }, u)));
  } catch { }
}

// The query the API filters by; the unit is filtered here (the alarm API has no unit filter), over the listed page.
function params() {
  const { zone, unit, ...rest } = filters;
  const [type, value] = zone ? zone.split(/:(.*)/s) : [];
  return { ...rest, zone: type === 'zone' ? value : '', grid: type === 'grid' ? value : '' };
}

function matches(a) {
  const upkeep = a.disposition === 'maintenance';
  const [type, value] = filters.zone ? filters.zone.split(/:(.*)/s) : [];
  return (queue === 'maintenance') === upkeep
    && (!filters.status || a.status === filters.status)
    && (!filters.severity || a.severity === filters.severity)
    && (!filters.acknowledged || String(a.acknowledged) === filters.acknowledged)
    && (!filters.kind || a.kind === filters.kind)
    && (!filters.unit || a.unit === filters.unit)
    && (type !== 'grid' || a.grid === value)
    && (type !== 'zone' || (a.zones || []).includes(value));
}

// Filters changed quickly: only the answer to the last request is shown.
let loads = 0;
async function load() {
  const mine = ++loads;
  for (const b of tabs.children) b.classList.toggle('selected', b.id === 'tab-' + queue);
  try {
    if (queue === 'incidents') {
      const open = filters.status === 'cleared' ? 'cleared' : filters.status === 'active' ? 'open' : '';
      const page = await get('/api/v1/incidents' + query({ status: open, pageSize: 200 }));
      if (mine !== loads) return;
      incidents = page.items;
    } else {
      const page = await get(PATH[queue] + query({ ...params(), pageSize: 500 }));
      if (mine !== loads) return;
      rows = page.items.filter(a => !filters.unit || a.unit === filters.unit);
    }
    render();
  } catch (e) { toast(e.message, true); }
}

function render() {
  if (!list) return;
  if (queue === 'incidents') { renderIncidents(); return; }
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
        a.incidentId ? el('span', { class: 'badge incident' }, t('alarm.incident')) : null,
        a.status === 'cleared' ? el('span', { class: 'badge muted' }, t('alarm.status.cleared')) : null),
      el('td', {}, el('a', { href: '#map/' + encodeURIComponent(a.deviceId) }, a.deviceId), el('div', { class: 'muted' }, [a.grid, a.unit].filter(Boolean).join(' · '))),
      el('td', {}, a.value ?? '—', a.peak !== null && a.peak !== undefined && a.peak !== a.value ? ` (${t('case.peak')} ${a.peak})` : ''),
      el('td', {}, fmtTime(a.raisedAt)),
      el('td', { class: 'disposition' }, t('alarm.disposition.' + a.disposition),
        a.caseId ? [' ', el('a', { href: '#cases/' + encodeURIComponent(a.caseId) }, a.caseId)] : null,
        a.acknowledged ? el('div', { class: 'muted' }, `${t('alarm.acknowledgedBy')} ${a.acknowledgedBy || ''}`) : null),
      el('td', { class: 'alarm-actions' }, actions(a)))))));
}

// Incidents, newest first: worst severity, title and group, every member (its device, severity, active or not),
// the one case they share.
function renderIncidents() {
  const shown = incidents.filter(i => filters.status === 'active' ? incidentOpen(i) : filters.status === 'cleared' ? !incidentOpen(i) : true)
    .filter(i => !filters.severity || i.severity === filters.severity);
  if (!shown.length) { clear(list, el('p', { class: 'muted' }, t('incident.none'))); return; }
  clear(list, el('table', { class: 'grid-table' },
    el('thead', {}, el('tr', {}, ['case.severity', 'incident.title', 'incident.members', 'incident.case', 'alarm.raised'].map(k => el('th', {}, t(k))))),
    el('tbody', {}, shown.map(i => el('tr', { class: ['incident-row', 'sev-' + i.severity].join(' '), dataset: { incident: i.id, open: String(incidentOpen(i)) } },
      el('td', {}, el('i', { class: 'dot s-' + i.severity }), ' ', t('sev.' + i.severity)),
      el('td', {}, i.title || i.ruleId, el('div', { class: 'muted' }, `${i.groupName || i.group || ''} · ${incidentOpen(i) ? t('incident.open') : t('incident.cleared')}`)),
      el('td', {}, el('div', {}, t('incident.count', { n: i.count ?? (i.members || []).filter(m => m.active).length })),
        el('ul', { class: 'members' }, (i.members || []).map(m => el('li', { class: m.active ? '' : 'muted' },
          el('i', { class: 'dot s-' + m.severity }), ' ', el('a', { href: '#map/' + encodeURIComponent(m.deviceId) }, m.deviceId), m.active ? '' : ` (${t('alarm.status.cleared')})`)))),
      el('td', {}, i.caseId ? el('a', { href: '#cases/' + encodeURIComponent(i.caseId) }, i.caseId) : '—'),
      el('td', {}, fmtTime(i.openedAt)))))));
}

// What the signed-in role may do with this alarm now; a viewer sees none (the API refuses them anyway).
function actions(a) {
  if (!auth.may(queue === 'maintenance' ? 'upkeep' : 'alarmdesk')) return null;
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
