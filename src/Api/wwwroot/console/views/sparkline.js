// A device's last 24 h as small inline SVG charts, one per metric, from GET /api/v1/devices/{id}/telemetry
// (InfluxDB, bucketed by the API: min, max, mean per bucket). No chart library: a band (min to max) and a line
// (mean) over the period are all a panel needs. Without InfluxDB the API answers 404 and the panel says so.
import { get, ApiError } from '../api.js';
import { el, clear } from '../dom.js';
import { t, fmtTime } from '../i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 320, H = 54, PAD = 3;
const cache = new Map();   // device → { at, answer }: a panel re-renders on every device event, InfluxDB is asked once a minute

const svg = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

export function telemetrySection(id) {
  const box = el('div', { id: 'device-telemetry', class: 'telemetry' }, el('p', { class: 'muted' }, '…'));
  load(id).then(answer => fill(box, answer));
  return box;
}

async function load(id) {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < 60000) return hit.answer;
  let answer;
  try {
    answer = { data: await get(`/api/v1/devices/${encodeURIComponent(id)}/telemetry?hours=24`) };
  } catch (e) {
    answer = { error: e instanceof ApiError && e.status === 404 ? 'none' : 'failed', detail: e.message };
  }
  cache.set(id, { at: Date.now(), answer });
  return answer;
}

function fill(box, answer) {
  if (answer.error) {
    box.dataset.stored = String(answer.error !== 'none');
    clear(box, el('p', { class: 'muted', title: answer.detail }, t(answer.error === 'none' ? 'device.telemetry.none' : 'device.telemetry.failed')));
    return;
  }
  const { series, from, to } = answer.data;
  box.dataset.stored = 'true';
  if (!series.length) { clear(box, el('p', { class: 'muted' }, t('device.telemetry.empty'))); return; }
  clear(box, series.map(s => el('figure', { class: 'spark' },
    el('figcaption', {}, el('span', {}, s.metric), el('span', { class: 'muted' }, range(s.points))),
    chart(s, Date.parse(from), Date.parse(to)))));
}

const range = points => {
  const lo = Math.min(...points.map(p => p.min)), hi = Math.max(...points.map(p => p.max));
  return ` ${round(lo)} – ${round(hi)} · ${points.reduce((n, p) => n + p.count, 0)}`;
};
const round = x => Math.abs(x) >= 100 ? x.toFixed(0) : String(+x.toFixed(2));

function chart(s, from, to) {
  const lo = Math.min(...s.points.map(p => p.min)), hi = Math.max(...s.points.map(p => p.max));
  const span = hi - lo || 1;
  const x = at => PAD + (W - 2 * PAD) * (Date.parse(at) - from) / (to - from);
  const y = v => H - PAD - (H - 2 * PAD) * (v - lo) / span;
  const fixed = n => n.toFixed(1);
  const band = [...s.points.map(p => `${fixed(x(p.at))},${fixed(y(p.max))}`), ...s.points.slice().reverse().map(p => `${fixed(x(p.at))},${fixed(y(p.min))}`)];
  const root = svg('svg', { class: 'sparkline', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'data-metric': s.metric, 'data-points': s.points.length });
  root.append(svg('title'));
  root.firstChild.textContent = `${s.metric}: ${fmtTime(new Date(from).toISOString())} – ${fmtTime(new Date(to).toISOString())}`;
  root.append(svg('polygon', { class: 'band', points: band.join(' ') }));
  root.append(svg('polyline', { class: 'line', points: s.points.map(p => `${fixed(x(p.at))},${fixed(y(p.mean))}`).join(' ') }));
  const last = s.points[s.points.length - 1];
  root.append(svg('circle', { class: 'last', cx: fixed(x(last.at)), cy: fixed(y(last.mean)), r: 2.5 }));
  return root;
}
