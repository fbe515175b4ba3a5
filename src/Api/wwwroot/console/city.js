// What the views share: the devices (registry, state, last metrics), the cases seen so far, and the live
// case stream. One stream per page; views subscribe to changes instead of fetching on their own timers.
import { all, get, query } from './api.js';
import { subscribe } from './sse.js';
import { sevRank } from './dom.js';
import { OPEN } from './workflow.js';

const listeners = { devices: [], device: [], case: [], live: [] };
export const city = {
  devices: new Map(),
  cases: new Map(),
  zones: null,
  live: false,
  on(what, fn) { listeners[what].push(fn); },
};

const emit = (what, arg) => { for (const fn of listeners[what]) { try { fn(arg); } catch (e) { console.error(e); } } };

// ok / offline / the worst active alarm's severity. The device list carries registry data only, so the
// alarms come from the device itself when it was fetched (GET /devices/{id}) and from its open cases whose
// alarm is still active; an alarm that files no case (a silence) shows once the device is fetched.
export function deviceState(d) {
  let worst = null;
  for (const a of d.alarms || []) if (worst === null || sevRank(a.severity) > sevRank(worst)) worst = a.severity;
  for (const c of casesOf(d.id)) {
    if (c.alarmActive && OPEN.includes(c.status) && (worst === null || sevRank(c.severity) > sevRank(worst))) worst = c.severity;
  }
  return worst ?? (d.online ? 'ok' : 'offline');
}

// A device's active alarms by rule: its own (when fetched) and those its open cases still show as active.
export function activeAlarms(d) {
  const rules = new Map();
  for (const c of casesOf(d.id)) if (c.alarmActive && OPEN.includes(c.status)) rules.set(c.ruleId || c.id, c.severity);
  for (const a of d.alarms || []) rules.set(a.ruleId, a.severity);
  return [...rules.values()];
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
  stop = subscribe('/api/v1/cases/stream', (event, data) => {
    const c = data && data.case ? data.case : data;
    if (!c || !c.id) return;
    city.cases.set(c.id, c);
    index(c);
    emit('case', { event, case: c });
    // The device's colour follows its alarms: fetch its state now rather than at the next poll.
    if (c.deviceId) refreshDevice(c.deviceId);
  }, live => { city.live = live; emit('live', live); });
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
