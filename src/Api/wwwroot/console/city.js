// What the views share: the devices (registry, state, last metrics), the cases seen so far, the active
// alarms, and the live case and alarm streams (one of each per page); views subscribe to changes instead of
// fetching on their own timers. Incident events on the alarm stream are passed on as they come.
import { all, get, query } from './api.js';
import { subscribe } from './sse.js';
import { sevRank } from './dom.js';
import { OPEN } from './workflow.js';

const listeners = { devices: [], device: [], case: [], alarm: [], incident: [], live: [] };
export const city = {
  devices: new Map(),
  cases: new Map(),
  alarms: new Map(),   // active alarms by id (GET /api/v1/alarms?status=active, then the alarm stream)
  incidents: new Map(), // incidents by id (GET /api/v1/incidents?status=open, then the alarm stream)
  hasIncidents: null,  // whether this CityOps has /api/v1/incidents (null: not asked yet)
  rootCauses: new Set(), // ids of the rules in force whose alarms suppress their child devices' (inhibits:)
  zones: null,
  live: false,
  on(what, fn) { listeners[what].push(fn); },
};

const emit = (what, arg) => { for (const fn of listeners[what]) { try { fn(arg); } catch (e) { console.error(e); } } };

// A device's state, worst first: the worst severity of its alarms that count (active, neither suppressed nor
// device upkeep); else 'maintenance' (an active upkeep alarm: battery, offline, a sensor fault); else
// 'suppressed' (alarms held by a parent device or a sensor fault); else ok or offline. The device list carries
// registry data only, so alarms come from the active alarms (loaded, then live), from the device itself when
// it was fetched (GET /devices/{id}) and from its open cases whose alarm is still active.
export function deviceState(d) {
  const { severities, held } = judge(d);
  let worst = null;
  for (const s of severities) if (worst === null || sevRank(s) > sevRank(worst)) worst = s;
  return worst ?? (held.has('maintenance') ? 'maintenance' : held.has('suppressed') ? 'suppressed' : d.online ? 'ok' : 'offline');
}

// The severities of a device's active alarms that count, one per rule (for the 大屏's counts).
export function activeAlarms(d) { return judge(d).severities; }

function judge(d) {
  const rules = new Map(), held = new Set(), heldRules = new Set();
  for (const a of alarmsOf(d.id)) {
    const kind = a.disposition === 'maintenance' ? 'maintenance' : a.suppressed ? 'suppressed' : null;
    if (kind) { held.add(kind); heldRules.add(a.ruleId); } else rules.set(a.ruleId, a.severity);
  }
  for (const c of casesOf(d.id)) {
    if (c.alarmActive && OPEN.includes(c.status) && !heldRules.has(c.ruleId) && !rules.has(c.ruleId || c.id)) rules.set(c.ruleId || c.id, c.severity);
  }
  for (const a of d.alarms || []) if (!heldRules.has(a.ruleId)) rules.set(a.ruleId, a.severity);
  return { severities: [...rules.values()], held };
}

const alarmsByDevice = new Map();
function alarmsOf(id) { return alarmsByDevice.get(id) || []; }
function indexAlarm(a) {
  const list = (alarmsByDevice.get(a.deviceId) || []).filter(x => x.id !== a.id);
  if (a.status === 'active') { list.push(a); city.alarms.set(a.id, a); } else city.alarms.delete(a.id);
  alarmsByDevice.set(a.deviceId, list);
}

// The open incidents; false (and nothing loaded) when this CityOps answers 404: it has no incidents API yet.
export async function loadIncidents() {
  try {
    for (const i of await all('/api/v1/incidents', { status: 'open' }, 500)) city.incidents.set(i.id, i);
    city.hasIncidents = true;
  } catch (e) {
    if (e.status !== 404) throw e;
    city.hasIncidents = false;
  }
  return city.hasIncidents;
}

// The rules in force that are root causes: their alarms hold (suppress) the alarms of their child devices.
export async function loadRootCauses() {
  const set = await get('/api/v1/rules');
  city.rootCauses = new Set(set.rules.filter(r => (r.inhibits || []).length).map(r => r.id));
}

// What a case is: one incident's (one case for its members' alarms), a root cause's (with the active alarms of child
// devices it holds, as far as this page knows them), or one alarm's.
export function caseKind(c) {
  if (c.incidentId) return { kind: 'incident', alarms: (c.alarmIds || []).length };
  const mine = new Set(c.alarmIds || []);
  const held = [...city.alarms.values()].filter(a => a.suppressed && mine.has(a.suppressedBy)).length;
  if (city.rootCauses.has(c.ruleId) || held) return { kind: 'root-cause', held };
  return { kind: c.ruleId ? 'alarm' : 'reported' };
}

// An incident is open while any member is active (CONTRACT §8); the status as the API spells it, in lower case.
export const incidentOpen = i => String(i.status ?? 'open').toLowerCase() === 'open' || i.status === 0;

export async function loadActiveAlarms() {
  for (const a of await all('/api/v1/alarms', { status: 'active' }, 500)) indexAlarm(a);
}

const byDevice = new Map();
function casesOf(id) { return byDevice.get(id) || []; }
function index(c) {
  if (!c.deviceId) return;
  const list = byDevice.get(c.deviceId) || [];
  byDevice.set(c.deviceId, [...list.filter(x => x.id !== c.id), c]);
}

// Fetches devices one by one (their live state: position, last metrics, alarms), a few at a time.
export async function refreshMany(ids, parallel = 4) {
  const queue = [...ids];
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (queue.length) await refreshDevice(queue.shift());
  }));
}

export async function loadZones() {
  city.zones = await get('/api/v1/zones');
  return city.zones;
}

export async function loadDevices(kind) {
  const listed = await all('/api/v1/devices', kind ? { kind } : {});
  const items = listed.map(d => {
    const known = city.devices.get(d.id);
    // Keep the live state of a device fetched on its own; the list has its registry data only.
    return known && known.fetched ? { ...d, lat: known.lat, lon: known.lon, last: known.last, alarms: known.alarms, fetched: true } : d;
  });
  for (const d of items) city.devices.set(d.id, d);
  emit('devices', items);
  return items;
}

export async function refreshDevice(id) {
  try {
    const d = { ...await get('/api/v1/devices/' + encodeURIComponent(id)), fetched: true };
    city.devices.set(d.id, d);
    emit('device', d);
    return d;
  } catch { return null; }
}

export async function loadOpenCases() {
  for (const status of ['filed', 'dispatched', 'handled', 'verified']) {
    const page = await get('/api/v1/cases' + query({ status, pageSize: 500 }));
    for (const c of page.items) { city.cases.set(c.id, c); index(c); }
  }
}

let stop = null;
export function startStream() {
  if (stop) return;
  const stopAlarms = subscribe('/api/v1/alarms/stream', (event, data) => {
    if (data && data.incident) { if (data.incident.id) city.incidents.set(data.incident.id, data.incident); emit('incident', { event, incident: data.incident }); return; }
    const a = data && data.alarm ? data.alarm : data;
    if (!a || !a.id || !a.deviceId) return;
    indexAlarm(a);
    emit('alarm', { event, alarm: a });
    const d = city.devices.get(a.deviceId);
    if (d) emit('device', d);
  });
  const stopCases = subscribe('/api/v1/cases/stream', (event, data) => {
    const c = data && data.case ? data.case : data;
    if (!c || !c.id) return;
    city.cases.set(c.id, c);
    index(c);
    emit('case', { event, case: c });
    // The device's colour follows its alarms: fetch its state now rather than at the next poll.
    if (c.deviceId) refreshDevice(c.deviceId);
  }, live => { city.live = live; emit('live', live); });
  stop = () => { stopAlarms(); stopCases(); };
}

export function stopStream() { stop?.(); stop = null; }

// Vehicles move: each one's live position every 5 s (the list has registry positions only); the registry
// and liveness of all every 30 s. No device stream exists yet; polling stops while the tab is hidden.
let timers = [];
export function startPolling() {
  if (timers.length) return;
  const vehicles = () => [...city.devices.values()].filter(d => d.kind === 'vehicle').map(d => d.id);
  let busy = false;
  timers.push(setInterval(async () => {
    if (busy || document.hidden) return;
    busy = true;
    try { await refreshMany(vehicles()); } finally { busy = false; }
  }, 5000));
  timers.push(setInterval(() => { if (!document.hidden) loadDevices().catch(() => {}); }, 30000));
}
