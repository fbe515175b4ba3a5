// KPIs per responsible unit for a period (GET /api/v1/kpis), best 按期结案率 first.
import { get, query } from '../api.js';
import { el, clear, toast } from '../dom.js';
import { t, pct, onChange } from '../i18n.js';

const COLUMNS = ['dispatched', 'toHandle', 'handled', 'handleRate', 'onTimeHandleRate', 'closeRate', 'onTimeCloseRate', 'reworkRate', 'overdueRate'];
let table, report;

const day = d => d.toISOString().slice(0, 10);

export async function mount(root) {
  const now = new Date();
  const from = el('input', { id: 'k-from', type: 'date', value: day(new Date(now - 30 * 86400000)) });
  const to = el('input', { id: 'k-to', type: 'date', value: day(new Date(+now + 86400000)) });
  const unit = el('input', { id: 'k-unit', placeholder: t('kpis.unit') });
  table = el('div', { id: 'kpi-table' });
  const load = async () => {
    try {
      report = await get('/api/v1/kpis' + query({ from: from.value + 'T00:00:00Z', to: to.value + 'T00:00:00Z', unit: unit.value.trim() }));
      render();
    } catch (e) { toast(e.message, true); }
  };
  clear(root, el('form', { class: 'filters', onsubmit: e => { e.preventDefault(); load(); } },
    el('label', {}, t('kpis.from'), ' ', from), el('label', {}, t('kpis.to'), ' ', to), unit,
    el('button', { type: 'submit' }, t('kpis.go'))), table);
  onChange(render);
  await load();
}

function render() {
  if (!report) return;
  const rate = k => k.endsWith('Rate');
  const line = (u, label) => el('tr', { class: label ? 'overall' : '' }, el('th', {}, label || u.unit || '—'),
    COLUMNS.map(k => el('td', { class: rate(k) ? 'num rate' : 'num' }, rate(k) ? pct(u[k]) : String(u[k] ?? 0))));
  const units = [...report.units].sort((a, b) => (b.onTimeCloseRate ?? -1) - (a.onTimeCloseRate ?? -1));
  clear(table, el('table', { class: 'grid-table kpis' },
    el('thead', {}, el('tr', {}, el('th', {}, t('kpis.unit')), COLUMNS.map(k => el('th', {}, t('kpis.' + k))))),
    el('tbody', {}, units.map(u => line(u)), line(report.overall, t('kpis.overall')))));
}
