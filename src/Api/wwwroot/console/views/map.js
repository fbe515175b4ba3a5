// The map: unit grids and geofences from /api/v1/zones as the base layer (tiles only when configured),
// every device as a circle coloured by its state, vehicles moving as they report; a click opens the
// device panel (registry, last metrics, the last 24 h from InfluxDB, active alarms, its cases).
import { city, deviceState, loadZones, loadDevices, loadOpenCases, loadActiveAlarms, loadIncidents, incidentOpen, refreshDevice } from '../city.js';
import { get, query } from '../api.js';
import { el, clear } from '../dom.js';
import { t, fmtTime, onChange } from '../i18n.js';
import { settings } from '../settings.js';
import { telemetrySection } from './sparkline.js';

const COLOURS = { ok: '#2e9d5b', offline: '#8a8f98', maintenance: '#0f9aa8', suppressed: '#b9a6d9', blue: '#2f6fde', yellow: '#e8c21a', orange: '#f07b16', red: '#d7262b' };
const STATES = ['ok', 'blue', 'yellow', 'orange', 'red', 'suppressed', 'maintenance', 'offline'];
const QUIET = new Set(['ok', 'offline', 'maintenance', 'suppressed']);
const SEVERITY = new Set(['blue', 'yellow', 'orange', 'red']);
const label = s => SEVERITY.has(s) ? 'sev.' + s : 'state.' + s;
let map, markers = new Map(), outlines = new Map(), panel, selected = null, section;

export async function mount(root) {
  section = root;
  const box = el('div', { id: 'map', class: 'map' });
  panel = el('aside', { id: 'device-panel', class: 'panel', hidden: true });
  clear(root, el('div', { class: 'map-wrap' }, box, legend(), panel));
  map = L.map(box, { preferCanvas: false, attributionControl: !!settings.tileUrl, zoomSnap: 0.25 });
  if (settings.tileUrl) L.tileLayer(settings.tileUrl, { attribution: settings.tileAttribution || '', maxZoom: 19 }).addTo(map);
  const zones = await loadZones();
  const layer = L.geoJSON(zones, {
    style: f => f.properties?.type === 'geofence'
      ? { color: '#7a3fd1', weight: 2, dashArray: '6 4', fillOpacity: 0.05 }
      : { color: '#4a6a8a', weight: 1, fillColor: '#dfe8f1', fillOpacity: 0.35 },
    onEachFeature: (f, l) => {
      const p = f.properties || {};
      // Leaflet puts a string tooltip in as HTML: zone and device names go in as text nodes.
      l.bindTooltip(el('span', {}, p.type === 'grid' ? `${p.name || ''} ${p.code || ''} · ${p.unit || ''}` : `${p.name || p.id}`), { sticky: true });
    },
  }).addTo(map);
  if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  else map.setView([35.3, 113.9], 13);
  await Promise.all([loadDevices(), loadOpenCases(), loadActiveAlarms().catch(() => {})]);
  drawAll();
  city.on('devices', drawAll);
  // Render, never refetch, on a device event: refetching here would announce the device again, in a loop.
  city.on('device', d => { draw(d); if (selected === d.id) renderPanel(d); });
  city.on('case', ({ case: c }) => {
    if (c.deviceId && city.devices.has(c.deviceId)) draw(city.devices.get(c.deviceId));
    if (c.deviceId && c.deviceId === selected) refreshDevice(selected);
  });
  onChange(() => { if (selected && city.devices.has(selected)) renderPanel(city.devices.get(selected)); });
  // Open incidents outlined around their members (when this CityOps has incidents: a 404 leaves the map as it is).
  city.on('incident', ({ incident }) => outline(incident));
  if (city.hasIncidents === null) await loadIncidents().catch(() => {});
  for (const i of city.incidents.values()) outline(i);
}

// A dashed circle in the incident's severity around its members' positions (their centre, out to the farthest
// member and 40 m more); gone when the incident clears.
function outline(i) {
  outlines.get(i.id)?.remove();
  outlines.delete(i.id);
  const points = (i.members || []).filter(m => m.lat != null && m.lon != null).map(m => L.latLng(m.lat, m.lon));
  if (!incidentOpen(i) || !points.length) return;
  const centre = L.latLng(points.reduce((s, p) => s + p.lat, 0) / points.length, points.reduce((s, p) => s + p.lng, 0) / points.length);
  const radius = Math.max(...points.map(p => centre.distanceTo(p))) + 40;
  // Not interactive: the devices inside stay clickable; the incidents tab of the alarm desk has the details.
  const ring = L.circle(centre, { radius, color: COLOURS[i.severity] || COLOURS.red, weight: 2, dashArray: '8 5', fillOpacity: 0.06, interactive: false }).addTo(map);
  const path = ring.getElement?.();
  if (path) { path.classList.add('incident-outline'); path.dataset.incident = i.id; }
  outlines.set(i.id, ring);
}

export function shown() { map?.invalidateSize(); }

export function select(id) {
  const d = city.devices.get(id);
  if (d?.lat != null) map.setView([d.lat, d.lon], Math.max(map.getZoom(), 17));
  return showPanel(id);
}

function legend() {
  return el('div', { class: 'legend', id: 'map-legend' }, STATES.map(s =>
    el('span', { class: 'legend-item', dataset: { state: s } }, el('i', { class: 'dot s-' + s }), el('span', { 'data-i18n': label(s) }, t(label(s))))));
}

function drawAll() {
  for (const d of city.devices.values()) draw(d);
  section.dataset.devices = String(markers.size);
}

function draw(d) {
  if (d.lat == null || d.lon == null) return;
  const state = deviceState(d);
  const style = { radius: d.kind === 'vehicle' ? 7 : 5, color: '#1b1f24', weight: QUIET.has(state) ? 0.5 : 1.5, fillColor: COLOURS[state], fillOpacity: 0.95, dashArray: state === 'suppressed' ? '2 2' : null };
  let m = markers.get(d.id);
  if (!m) {
    m = L.circleMarker([d.lat, d.lon], style).addTo(map);
    m.on('click', () => showPanel(d.id));
    m.bindTooltip(el('span', {}, d.name || d.id));
    markers.set(d.id, m);
  } else {
    m.setLatLng([d.lat, d.lon]);
    m.setStyle(style);
  }
  // Tests and people alike can find a device's marker and read its state.
  const path = m.getElement?.();
  if (path) { path.dataset.device = d.id; path.dataset.state = state; path.classList.add('device-marker'); }
  if (!QUIET.has(state)) m.bringToFront();
  section.dataset.devices = String(markers.size);
}

async function showPanel(id) {
  selected = id;
  // A fetched device is announced ('device'), which renders the panel; the known one if the fetch failed.
  if (!await refreshDevice(id) && city.devices.has(id) && selected === id) await renderPanel(city.devices.get(id));
}

async function renderPanel(d) {
  const id = d.id;
  let cases = [];
  try { cases = (await get('/api/v1/cases' + query({ deviceId: id, pageSize: 20 }))).items; } catch { }
  if (selected !== id) return;
  const state = deviceState(d);
  const row = (k, v) => el('tr', {}, el('th', {}, t(k)), el('td', {}, v ?? '—'));
  clear(panel,
    el('button', { class: 'close', type: 'button', onclick: () => { panel.hidden = true; selected = null; } }, '×'),
    el('h2', {}, el('i', { class: 'dot s-' + state }), ' ', d.name || d.id),
    el('p', { class: 'muted' }, d.id),
    el('h3', {}, t('device.registry')),
    el('table', { class: 'kv' },
      row('device.kind', t('kind.' + d.kind)), row('device.code', d.code), row('device.grid', d.grid), row('device.unit', d.unit),
      row('device.online', d.online ? t('state.ok') : t('state.offline')), row('device.lastSeen', fmtTime(d.lastSeen)),
      Object.entries(d.attributes || {}).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))),
    el('h3', {}, t('device.last')),
    Object.keys(d.last || {}).length
      ? el('table', { class: 'kv metrics' }, Object.entries(d.last).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, String(v)))))
      : el('p', { class: 'muted' }, t('device.none')),
    el('h3', {}, t('device.telemetry')),
    telemetrySection(id),
    el('h3', {}, t('device.alarms')),
    (d.alarms || []).length
      ? el('ul', { class: 'alarms' }, d.alarms.map(a => el('li', { class: 'sev-' + a.severity },
          `${t('sev.' + a.severity)} · ${a.ruleId} · ${a.value ?? ''} (${t('case.peak')} ${a.peak ?? ''}) · ${fmtTime(a.since)}`)))
      : el('p', { class: 'muted' }, t('device.none')),
    el('h3', {}, t('device.cases')),
    cases.length
      ? el('ul', { class: 'device-cases' }, cases.map(c => el('li', {},
          el('a', { href: '#cases/' + encodeURIComponent(c.id) }, `${t('status.' + c.status)} · ${c.title}`), el('span', { class: 'muted' }, ' ' + fmtTime(c.openedAt)))))
      : el('p', { class: 'muted' }, t('device.none')));
  panel.hidden = false;
  panel.dataset.device = id;
}
