// 大屏: the hall's wall summary — active alarms by severity (from the devices' alarm state), open and
// overdue cases, waterlogging gauges by level (the ladder of the waterlog depth rule in force).
import { city, activeAlarms, loadDevices, loadOpenCases, refreshMany } from '../city.js';
import { get } from '../api.js';
import { el, clear, SEVERITIES } from '../dom.js';
import { t, onChange } from '../i18n.js';
import { isOpen, isOverdue } from '../workflow.js';

let root, ladder = null, timer;

export async function mount(r) {
  root = r;
  try {
    const rules = await get('/api/v1/rules');
    const depth = rules.rules.find(x => x.kind === 'waterlog' && x.metric === 'depth_cm' && x.levels?.length);
    if (depth) ladder = depth.levels.filter(l => l.threshold != null);
  } catch { }
  if (!city.devices.size) await loadDevices();
  await loadOpenCases();
  render();
  // Depths and alarms are per device (the list has registry data only): the gauges every 30 s while shown.
  const gauges = async () => {
    if (root.hidden || document.hidden) return;
    await refreshMany([...city.devices.values()].filter(d => d.kind === 'waterlog').map(d => d.id));
  };
  gauges();
  setInterval(gauges, 30000);
  setInterval(() => { const clock = root.querySelector('.clock'); if (clock) clock.textContent = new Date().toLocaleTimeString(); }, 1000);
  for (const what of ['devices', 'device', 'case']) city.on(what, () => { clearTimeout(timer); timer = setTimeout(render, 250); });
  onChange(render);
}

function render() {
  if (!root) return;
  const devices = [...city.devices.values()];
  const alarms = Object.fromEntries(SEVERITIES.map(s => [s, 0]));
  for (const d of devices) for (const s of activeAlarms(d)) alarms[s] = (alarms[s] || 0) + 1;
  const open = [...city.cases.values()].filter(isOpen);
  const overdue = open.filter(c => isOverdue(c)).length;
  const openBySev = Object.fromEntries(SEVERITIES.map(s => [s, open.filter(c => c.severity === s).length]));
  const gauges = devices.filter(d => d.kind === 'waterlog');
  const levels = ['none', ...(ladder || []).map(l => l.severity)];
  const byLevel = Object.fromEntries(levels.map(l => [l, 0]));
  for (const g of gauges) {
    const depth = g.last?.depth_cm;
    let level = 'none';
    for (const l of ladder || []) if (depth != null && depth > l.threshold) level = l.severity;
    byLevel[level]++;
  }
  const online = devices.filter(d => d.online).length;
  clear(root,
    el('div', { class: 'screen-head' }, el('h2', {}, t('screen.title')),
      el('span', { class: 'clock' }, new Date().toLocaleTimeString()),
      el('button', { type: 'button', onclick: () => document.documentElement.requestFullscreen?.() }, t('screen.full'))),
    el('div', { class: 'tiles' },
      el('div', { class: 'tile' }, el('h3', {}, t('screen.alarms')),
        el('div', { class: 'counts' }, SEVERITIES.slice().reverse().map(s => el('div', { class: 'count sev-' + s, dataset: { severity: s } },
          el('b', {}, String(alarms[s])), el('span', {}, t('sev.' + s)))))),
      el('div', { class: 'tile' }, el('h3', {}, t('screen.open')),
        el('div', { class: 'counts' }, el('div', { class: 'count big', id: 'open-cases' }, el('b', {}, String(open.length)), el('span', {}, t('screen.open'))),
          el('div', { class: 'count sev-red' }, el('b', {}, String(overdue)), el('span', {}, t('screen.overdue')))),
        el('div', { class: 'counts small' }, SEVERITIES.slice().reverse().map(s => el('div', { class: 'count sev-' + s }, el('b', {}, String(openBySev[s])), el('span', {}, t('sev.' + s)))))),
      el('div', { class: 'tile wide' }, el('h3', {}, `${t('screen.flood')} (${gauges.length})`),
        el('div', { class: 'gauges' }, levels.slice().reverse().map(l => el('div', { class: 'gauge sev-' + l },
          el('span', { class: 'label' }, l === 'none' ? t('screen.flood.none') : `${t('sev.' + l)} > ${ladder.find(x => x.severity === l).threshold} cm`),
          el('span', { class: 'bar' }, el('span', { class: 'fill', dataset: { share: String(gauges.length ? Math.round(100 * byLevel[l] / gauges.length) : 0) } })),
          el('b', {}, String(byLevel[l])))))),
      el('div', { class: 'tile' }, el('h3', {}, t('screen.devices')), el('div', { class: 'count big' }, el('b', {}, `${online} / ${devices.length}`)))));
  // Bar widths through CSSOM (allowed by the CSP), not a style attribute in markup.
  for (const fill of root.querySelectorAll('.fill')) fill.style.width = fill.dataset.share + '%';
}
