// The backtest preview of the rules view: POST /api/v1/rules/backtest over the last days of stored telemetry
// (InfluxDB), with the rules in the editor (or, the editor empty, the rules in force). The answer is shown per
// day, as the hall reads it: the cases the rules would have raised each day, and when the editor holds a
// candidate, the rules in force beside it (the API compares both on the same readings: added, removed).
import { post, ApiError } from '../api.js';
import { el, clear } from '../dom.js';
import { t, fmtTime } from '../i18n.js';

const DAY = 86400000;
const pad = n => String(n).padStart(2, '0');
// The hall's calendar day (the browser's time zone), as YYYY-MM-DD.
export const dayOf = at => { const d = new Date(at); return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`; };

// The cases per day of the range, the candidate's and (with a comparison) the rules in force's: the in-force
// count is the candidate's less what it adds plus what it removes (changed and unchanged cases are in both).
export function perDay(result, from, to) {
  const days = new Map();
  for (let at = from.getTime(); at < to.getTime() + DAY; at += DAY) {
    const day = dayOf(at);
    if (day <= dayOf(to)) days.set(day, { day, cases: 0, inForce: 0, added: 0, removed: 0 });
  }
  const row = at => days.get(dayOf(at));
  for (const c of result.cases) { const r = row(c.openedAt); if (r) { r.cases++; r.inForce++; } }
  for (const c of result.comparison?.added || []) { const r = row(c.openedAt); if (r) { r.added++; r.inForce--; } }
  for (const c of result.comparison?.removed || []) { const r = row(c.openedAt); if (r) { r.removed++; r.inForce++; } }
  return [...days.values()];
}

// The panel: days and devices to replay, the button, the answer. `candidate()` gives { yaml, file } or null
// (the rules in force); `check()` validates the candidate first and shows its errors in the editor.
export function backtestPanel(candidate, check) {
  const days = el('input', { id: 'backtest-days', type: 'number', min: 1, max: 366, value: 7 });
  const devices = el('input', { id: 'backtest-devices', placeholder: t('backtest.devices'), maxlength: 2000 });
  const out = el('div', { id: 'backtest-result', class: 'backtest-result' });
  const run = async () => {
    const rules = candidate();
    if (rules && !await check()) return;
    const n = Math.min(366, Math.max(1, Number(days.value) || 7));
    const to = new Date();
    const from = new Date(to.getTime() - n * DAY);
    const body = { from: from.toISOString(), to: to.toISOString() };
    if (rules) { body.rules = rules.yaml; body.rulesName = rules.file; }
    if (devices.value.trim()) body.device = devices.value.trim();
    clear(out, el('p', { class: 'muted' }, t('backtest.running')));
    try {
      render(out, await post('/api/v1/rules/backtest', body), from, to);
    } catch (e) {
      const fields = e instanceof ApiError && e.problem?.errors ? Object.entries(e.problem.errors) : [];
      clear(out, el('p', { class: 'error' }, e.message), fields.length
        ? el('ul', { class: 'backtest-errors' }, fields.map(([k, v]) => el('li', {}, `${k}: ${[].concat(v).join('; ')}`)))
        : null);
    }
  };
  return el('div', { class: 'backtest' },
    el('h3', {}, t('backtest.title')),
    el('p', { class: 'muted' }, t('backtest.note')),
    el('div', { class: 'filters' },
      el('label', {}, t('backtest.days'), ' ', days), devices,
      el('button', { id: 'rule-backtest', type: 'button', onclick: run }, t('backtest.run'))),
    out);
}

function render(out, result, from, to) {
  const compared = !!result.comparison;
  const rows = perDay(result, from, to);
  const mark = new Map();
  for (const c of result.comparison?.added || []) mark.set(key(c), 'added');
  const listed = [...result.cases.map(c => ({ c, how: mark.get(key(c)) || '' })), ...(result.comparison?.removed || []).map(c => ({ c, how: 'removed' }))]
    .sort((a, b) => Date.parse(b.c.openedAt) - Date.parse(a.c.openedAt)).slice(0, 100);
  clear(out,
    el('p', { id: 'backtest-summary', dataset: { cases: result.cases.length, readings: result.readings } },
      t('backtest.summary', { cases: result.cases.length, readings: result.readings, devices: result.devices, source: result.source }),
      compared ? ' ' + t('backtest.compared', { v: result.comparison.inForceVersion, added: result.comparison.added.length, removed: result.comparison.removed.length, changed: result.comparison.changed.length }) : ''),
    (result.problems || []).length ? el('ul', { class: 'backtest-errors' }, result.problems.slice(0, 20).map(p => el('li', {}, p))) : null,
    el('table', { class: 'grid-table backtest-days' },
      el('thead', {}, el('tr', {}, el('th', {}, t('backtest.day')), el('th', {}, t(compared ? 'backtest.candidate' : 'backtest.cases')),
        compared ? [el('th', {}, t('backtest.inForce')), el('th', {}, t('backtest.added')), el('th', {}, t('backtest.removed'))] : null, el('th', {}, ''))),
      el('tbody', {}, rows.map(r => el('tr', { class: 'backtest-day', dataset: { day: r.day, cases: r.cases, inForce: r.inForce } },
        el('th', {}, r.day), el('td', { class: 'num' }, String(r.cases)),
        compared ? [el('td', { class: 'num' }, String(r.inForce)), el('td', { class: 'num added' }, r.added ? '+' + r.added : ''), el('td', { class: 'num removed' }, r.removed ? '−' + r.removed : '')] : null,
        el('td', { class: 'bar' }, el('span', { class: 'bar-fill' }, '▮'.repeat(Math.min(r.cases, 40)))))))),
    listed.length ? el('table', { class: 'grid-table backtest-cases' }, el('tbody', {}, listed.map(({ c, how }) => el('tr', { class: how },
      el('td', {}, how ? t('backtest.' + how) : ''), el('td', {}, fmtTime(c.openedAt)), el('td', {}, el('i', { class: 'dot s-' + c.severity }), ' ', t('sev.' + c.severity)),
      el('td', {}, c.deviceId), el('td', {}, c.ruleId), el('td', {}, c.title), el('td', { class: 'num' }, c.peak ?? '')))))
      : null);
}

const key = c => `${c.deviceId} ${c.ruleId} ${c.openedAt}`;
