// KPIs per responsible unit for a period (GET /api/v1/kpis), best 按期结案率 first, and the 综合评价 ranking of the
// units (GET /api/v1/kpis/ranking: a weighted score 0-100, best first), shown when this CityOps has it (404: hidden).
import { get, query, ApiError } from '../api.js';
import { el, clear, toast } from '../dom.js';
import { t, pct, onChange } from '../i18n.js';

const COLUMNS = ['dispatched', 'toHandle', 'handled', 'handleRate', 'onTimeHandleRate', 'closeRate', 'onTimeCloseRate', 'reworkRate', 'overdueRate'];
let table, ranking, report, ranked;

const day = d => d.toISOString().slice(0, 10);

export async function mount(root) {
  const now = new Date();
  const from = el('input', { id: 'k-from', type: 'date', value: day(new Date(now - 30 * 86400000)) });
  const to = el('input', { id: 'k-to', type: 'date', value: day(new Date(+now + 86400000)) });
  const unit = el('input', { id: 'k-unit', placeholder: t('kpis.unit') });
  table = el('div', { id: 'kpi-table' });
  ranking = el('div', { id: 'kpi-ranking', hidden: true });
  const load = async () => {
    const period = { from: from.value + 'T00:00:00Z', to: to.value + 'T00:00:00Z' };
    try {
      report = await get('/api/v1/kpis' + query({ ...period, unit: unit.value.trim() }));
      render();
    } catch (e) { toast(e.message, true); }
    try {
      ranked = await get('/api/v1/kpis/ranking' + query(period));
    } catch (e) {
      ranked = null;
      if (!(e instanceof ApiError && e.status === 404)) toast(e.message, true);
    }
    renderRanking();
  };
  clear(root, el('form', { class: 'filters', onsubmit: e => { e.preventDefault(); load(); } },
    el('label', {}, t('kpis.from'), ' ', from), el('label', {}, t('kpis.to'), ' ', to), unit,
    el('button', { type: 'submit' }, t('kpis.go'))), table, ranking);
  onChange(() => { render(); renderRanking(); });
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

// 综合评价: rank (ties share one), unit, score 0-100 with a bar, and the weights the score is made of.
function renderRanking() {
  ranking.hidden = !ranked;
  if (!ranked) return;
  const rows = ranked.ranking || [];
  const weights = Object.entries(ranked.weights || {}).filter(([, w]) => w > 0);
  clear(ranking,
    el('h3', {}, t('kpis.ranking')),
    weights.length ? el('p', { class: 'muted' }, t('kpis.weights'), ' ', weights.map(([k, w]) => `${t('kpis.' + k) === 'kpis.' + k ? k : t('kpis.' + k)} ×${w}`).join(' · ')) : null,
    rows.length ? el('table', { class: 'grid-table ranking' },
      el('thead', {}, el('tr', {}, el('th', {}, t('kpis.rank')), el('th', {}, t('kpis.unit')), el('th', {}, t('kpis.score')), el('th', {}, ''))),
      el('tbody', {}, rows.map(r => el('tr', { class: 'rank-row', dataset: { unit: r.name, rank: r.rank ?? '' } },
        el('td', { class: 'num' }, r.rank ?? '—'), el('th', {}, r.name || '—'),
        el('td', { class: 'num' }, r.score == null ? '—' : r.score.toFixed(2)),
        el('td', { class: 'bar' }, el('meter', { min: 0, max: 100, value: r.score ?? 0 }))))))
      : el('p', { class: 'muted' }, t('kpis.noRanking')));
}
