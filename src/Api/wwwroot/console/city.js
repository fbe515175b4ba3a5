// What the views share: the devices (registry, state, last metrics), the cases seen so far, and the live
// case stream. One stream per page; views subscribe to changes instead of fetching on their own timers.
import { all, get, query } from './api.js';
import { subscribe } from './sse.js';
import { sevRank } from './dom.js';

const listeners = { devices: [], device: [], case: [], live: [] };
export const city = {
  devices: new Map(),
  cases: new Map(),
  zones: null,
  live: false,
  on(what, fn) { listeners[what].push(fn); },
};

const emit = (what, arg) => { for (const fn of listeners[what]) { try { fn(arg); } catch (e) { console.error(e); } } };

// ok / offline / the worst active alarm's severity.
export function deviceState(d) {
  if (d.alarms && d.alarms.length) {
    return d.alarms.reduce((worst, a) => sevRank(a.severity) > sevRank(worst) ? a.severity : worst, 'blue');
  }
  return d.online ? 'ok' : 'offline';
}

export async function loadZones() {
  city.zones = await get('/api/v1/zones');
  return city.zones;
}

export async function loadDevices(kind) {
  const items = await all('/api/v1/devices', kind ? { kind } : {});
  for (const d of items) city.devices.set(d.id, d);
  emit('devices', items);
  return items;
}

export async function refreshDevice(id) {
  try {
    const d = await get('/api/v1/devices/' + encodeURIComponent(id));
    city.devices.set(d.id, d);
    emit('device', d);
    return d;
  } catch { return null; }
}

export async function loadOpenCases() {
  for (const status of ['filed', 'dispatched', 'handled', 'verified']) {
    const page = await get('/api/v1/cases' + query({ status, pageSize: 500 }));
    for (const c of page.items) city.cases.set(c.id, c);
  }
}

let stop = null;
export function startStream() {
  if (stop) return;
  stop = subscribe('/api/v1/cases/stream', (event, data) => {
    const c = data && data.case ? data.case : data;
    if (!c || !c.id) return;
    city.cases.set(c.id, c);
    emit('case', { event, case: c });
    // The device's colour follows its alarms: fetch its state now rather than at the next poll.
    if (c.deviceId) refreshDevice(c.deviceId);
  }, live => { city.live = live; emit('live', live); });
}

export function stopStream() { stop?.(); stop = null; }

// Vehicles move: their positions every 5 s; everything else every 30 s (no device stream exists yet).
let timers = [];
export function startPolling() {
  if (timers.length) return;
  timers.push(setInterval(() => loadDevices('vehicle').catch(() => {}), 5000));
  timers.push(setInterval(() => loadDevices().catch(() => {}), 30000));
}
