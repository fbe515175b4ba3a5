// Cases: a filtered list (status, unit, grid), live from the case stream; the detail with its full
// history, a deadline counting down (overdue highlighted) and the workflow actions the status and the
// signed-in role allow, posted to POST /api/v1/cases/{id}/actions.
import { city, caseKind, loadRootCauses, loadActiveAlarms } from '../city.js';
import { get, post, query } from '../api.js';
import { auth } from '../auth.js';
import { el, clear, toast } from '../dom.js';
import { t, fmtTime, fmtDuration, onChange } from '../i18n.js';
import { ACTIONS, actionsFrom, needOf, deadlineOf, isOverdue } from '../workflow.js';

let list, detail, filters = { status: '', unit: '', grid: '' }, rows = [], current = null, form;

export async function mount(root) {
  const status = el('select', { id: 'f-status', onchange: e => { filters.status = e.target.value; load(); } },
    el('option', { value: '' }, t('status.all')),
    ['filed', 'dispatched', 'handled', 'verified', 'closed', 'cancelled'].map(s => el('option', { value: s }, t('status.' + s))));
  const unit = el('input', { id: 'f-unit', placeholder: t('cases.filter.unit') });
  const grid = el('input', { id: 'f-grid', placeholder: t('cases.filter.grid'), inputmode: 'numeric' });
  form = el('form', { class: 'filters', onsubmit: e => { e.preventDefault(); filters.unit = unit.value.trim(); filters.grid = grid.value.trim(); load(); } },
    status, unit, grid, el('button', { type: 'submit', 'data-i18n': 'cases.filter.go' }, t('cases.filter.go')));
  list = el('div', { id: 'case-list', class: 'case-list' });
  detail = el('div', { id: 'case-detail', class: 'case-detail' }, el('p', { class: 'muted' }, t('cases.select')));
  clear(root, el('div', { class: 'cases' }, el('div', { class: 'cases-left' }, form, list), detail));
  city.on('case', ({ case: c }) => {
    if (matches(c)) {
      rows = [c, ...rows.filter(r => r.id !== c.id)];
      renderList();
    } else if (rows.some(r => r.id === c.id)) {
      rows = rows.filter(r => r.id !== c.id);
      renderList();
    }
    if (current && current.id === c.id) { current = c; renderDetail(); }
  });
  onChange(() => { renderList(); if (current) renderDetail(); });
  // A root cause's count of held alarms grows as its children's alarms are suppressed: redrawn at most once a second.
  let pending = null;
  city.on('alarm', ({ alarm }) => {
    if (!alarm.suppressedBy || pending) return;
    pending = setTimeout(() => { pending = null; renderList(); if (current) renderDetail(); }, 1000);
  });
  setInterval(tick, 1000);
  await Promise.all([load(), loadRootCauses().catch(() => {}), city.alarms.size ? null : loadActiveAlarms().catch(() => {})]);
  renderList();
}

export async function open(id) {
  try {
    current = await get('/api/v1/cases/' + encodeURIComponent(id));
    renderDetail();
    renderList();
  } catch (e) { toast(e.message, true); }
}

function matches(c) {
  return (!filters.status || c.status === filters.status) && (!filters.unit || c.unit === filters.unit)
    && (!filters.grid || (c.grid || '').startsWith(filters.grid));
}

async function load() {
  const page = await get('/api/v1/cases' + query({ ...filters, pageSize: 200 }));
  rows = page.items;
  renderList();
}

function renderList() {
  if (!list) return;
  if (!rows.length) { clear(list, el('p', { class: 'muted' }, t('cases.none'))); return; }
  clear(list, el('table', { class: 'grid-table' },
    el('thead', {}, el('tr', {}, ['case.severity', 'case.status', 'case.title', 'case.unit', 'case.opened', 'case.left'].map(k => el('th', {}, t(k))))),
    el('tbody', {}, rows.map(c => el('tr', {
      class: ['case-row', 'sev-' + c.severity, isOverdue(c) ? 'overdue' : '', current?.id === c.id ? 'selected' : ''].join(' '),
      dataset: { case: c.id, status: c.status, device: c.deviceId || '' },
      onclick: () => { location.hash = '#cases/' + encodeURIComponent(c.id); },
    },
      el('td', {}, el('i', { class: 'dot s-' + c.severity }), ' ', t('sev.' + c.severity)),
      el('td', { class: 'status' }, t('status.' + c.status)),
      el('td', {}, c.title, kindBadge(c), c.alarmActive ? el('span', { class: 'badge' }, t('case.alarm')) : null),
      el('td', {}, c.unit || '—'),
      el('td', {}, fmtTime(c.openedAt)),
      el('td', { class: 'countdown', dataset: { due: deadlineOf(c) || '' } }, countdown(c)))))));
}

// An incident's case and a root cause's say so in the list: one case stands for many alarms.
function kindBadge(c) {
  const k = caseKind(c);
  if (k.kind === 'incident') return el('span', { class: 'badge incident', dataset: { kind: k.kind } }, t('case.kind.incident', { n: k.alarms }));
  if (k.kind === 'root-cause') return el('span', { class: 'badge root-cause', dataset: { kind: k.kind, held: k.held } }, k.held ? t('case.kind.rootCauseHeld', { n: k.held }) : t('case.kind.rootCause'));
  return null;
}

function kindText(c) {
  const k = caseKind(c);
  return k.kind === 'incident' ? t('case.kind.incident', { n: k.alarms })
    : k.kind === 'root-cause' ? (k.held ? t('case.kind.rootCauseHeld', { n: k.held }) : t('case.kind.rootCause'))
    : t('case.kind.' + k.kind);
}

function countdown(c) {
  const due = deadlineOf(c);
  if (!due) return c.overdue || c.verifyOverdue ? t('case.overdue') : '—';
  const left = Date.parse(due) - Date.now();
  return left < 0 || c.overdue ? `${t('case.overdue')} ${fmtDuration(-left)}` : fmtDuration(left);
}

// Deadlines count down every second without re-rendering rows.
function tick() {
  for (const cell of document.querySelectorAll('.countdown[data-due]')) {
    if (!cell.dataset.due) continue;
    const left = Date.parse(cell.dataset.due) - Date.now();
    cell.textContent = left < 0 ? `${t('case.overdue')} ${fmtDuration(-left)}` : fmtDuration(left);
    cell.closest('tr, .case-detail')?.classList.toggle('overdue', left < 0);
  }
}

function renderDetail() {
  const c = current;
  const row = (k, v) => el('tr', {}, el('th', {}, t(k)), el('td', {}, v ?? '—'));
  clear(detail,
    el('h2', {}, el('i', { class: 'dot s-' + c.severity }), ' ', c.title),
    el('p', { class: 'muted' }, c.id),
    el('table', { class: 'kv' },
      row('case.status', el('strong', { id: 'case-status', dataset: { status: c.status } }, t('status.' + c.status))),
      row('case.severity', t('sev.' + c.severity)), row('case.code', `${c.code} ${c.category || ''}`),
      row('case.unit', c.unit), row('case.grid', c.grid), row('case.device', c.deviceId ? el('a', { href: '#map/' + encodeURIComponent(c.deviceId) }, c.deviceId) : null),
      row('case.kind', el('span', { id: 'case-kind', dataset: { kind: caseKind(c).kind } }, kindText(c))),
      c.incidentId ? row('case.incident', el('a', { href: '#alarms/incidents' }, c.incidentId)) : null,
      row('case.rule', c.ruleId), row('case.value', c.value), row('case.peak', c.peak), row('case.opened', fmtTime(c.openedAt)),
      row('case.due', c.dueAt ? fmtTime(c.dueAt) : null),
      c.dispatchDueAt ? row('case.dispatchDue', fmtTime(c.dispatchDueAt)) : null,
      c.superviseLevel ? row('case.level', t('case.levelN', { n: c.superviseLevel })) : null,
      row('case.left', el('span', { class: 'countdown', dataset: { due: deadlineOf(c) || '' } }, countdown(c)))),
    actions(c),
    el('h3', {}, t('case.history')),
    el('ol', { class: 'history' }, (c.history || []).map(h => el('li', {},
      el('time', {}, fmtTime(h.at)), ' ', el('strong', {}, label(h.type)), h.from || h.to ? ` ${word(h.type, h.from)} → ${word(h.type, h.to)}` : '',
      ` · ${h.actor}`, h.note ? el('div', { class: 'muted' }, h.note) : null))));
  detail.classList.toggle('overdue', isOverdue(c));
}

// A history entry's from/to: a status, or a severity for a severity change, in the reader's language when there is a
// word for it; anything else (an incident's id) as the API gives it.
function word(type, value) {
  if (!value) return '';
  const key = (type === 'severity' ? 'sev.' : 'status.') + value;
  const text = t(key);
  return text === key ? value : text;
}

// A history entry's type in the reader's language when there is a word for it, else as the API names it.
function label(type) {
  const text = t('action.' + type);
  return text === 'action.' + type ? type : text;
}

// The actions its status allows (workflow.js) that the signed-in role may take, with the fields they ask for;
// a viewer sees the case, not the workflow.
function actions(c) {
  const allowed = actionsFrom(c).filter(a => auth.may(needOf(a, c)));
  if (!auth.may('cases') && !auth.may('supervise')) return null;
  if (!allowed.length) return el('p', { class: 'muted' }, t('case.noActions'));
  const wanted = new Set(allowed.flatMap(a => ACTIONS[a].fields || []));
  const inputs = {
    unit: el('input', { id: 'action-unit', placeholder: t('case.dispatchUnit'), value: c.unit || '', maxlength: 100 }),
    note: el('input', { id: 'action-note', placeholder: t('case.note'), maxlength: 2000 }),
    reason: el('input', { id: 'action-reason', placeholder: t('case.reason'), maxlength: 500 }),
    dueAt: el('input', { id: 'action-due', type: 'datetime-local', title: t('case.newDue') }),
    level: el('select', { id: 'action-level', title: t('case.level') }, el('option', { value: '' }, t('case.levelNext')), [1, 2, 3].map(n => el('option', { value: n }, t('case.levelN', { n })))),
  };
  return el('div', { class: 'actions' },
    el('h3', {}, t('case.actions')),
    c.postponeRequestedTo ? el('p', { class: 'muted' }, t('case.postponeAsked', { at: fmtTime(c.postponeRequestedTo) })) : null,
    el('div', { class: 'action-fields' }, ['unit', 'note', 'reason', 'dueAt', 'level'].filter(f => f === 'note' || wanted.has(f)).map(f => inputs[f])),
    el('div', { class: 'action-buttons' }, allowed.map(a => el('button', {
      type: 'button', class: 'action ' + (ACTIONS[a].danger ? 'danger' : ''), dataset: { action: a },
      onclick: () => act(c, a, Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value.trim()]))),
    }, t('action.' + a)))));
}

async function act(c, action, values) {
  const body = { action };
  if (values.note) body.note = values.note;
  for (const field of ACTIONS[action].fields || []) {
    if (!values[field]) continue;
    body[field] = field === 'dueAt' ? new Date(values.dueAt).toISOString() : field === 'level' ? Number(values.level) : values[field];
  }
  const missing = (ACTIONS[action].required || []).find(f => !body[f]);
  if (missing) { toast(t(missing === 'dueAt' ? 'case.newDue' : 'case.reason'), true); return; }
  try {
    current = await post(`/api/v1/cases/${encodeURIComponent(c.id)}/actions`, body);
    city.cases.set(current.id, current);
    rows = rows.map(r => r.id === current.id ? current : r);
    renderDetail();
    renderList();
    toast(`${t('action.' + action)} · ${t('case.done')}`);
  } catch (e) {
    toast(e.message, true);
  }
}
