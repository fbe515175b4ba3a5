// Rules: the set in force and its versions with what each changed (rules added, removed, changed; restore);
// an editor whose YAML is checked by POST /api/v1/rules/validate (every error at file:line:column, the line
// marked in the editor), previewed by a backtest over the last days of stored telemetry (backtest.js) and
// applied by PUT /api/v1/rules.
import { get, post, request, ApiError } from '../api.js';
import { backtestPanel } from './backtest.js';
import { auth } from '../auth.js';
import { el, clear, toast } from '../dom.js';
import { t, fmtTime, onChange } from '../i18n.js';

let root, editor, fileName, errors, gutter;

export async function mount(r) {
  root = r;
  await render();
  onChange(render);
}

async function render() {
  const [set, versions] = await Promise.all([get('/api/v1/rules'), get('/api/v1/rules/versions')]);
  const text = editor?.value ?? '';
  fileName = el('input', { id: 'rule-file', value: fileName?.value || 'api.yaml', pattern: '[A-Za-z0-9_.-]{1,100}' });
  gutter = el('pre', { class: 'gutter', 'aria-hidden': 'true' });
  editor = el('textarea', { id: 'rule-editor', spellcheck: 'false', wrap: 'off', oninput: numberLines, onscroll: () => { gutter.scrollTop = editor.scrollTop; } });
  editor.value = text;
  errors = el('div', { id: 'rule-errors', class: 'rule-errors' });
  const picker = el('input', { type: 'file', accept: '.yaml,.yml,text/yaml', onchange: async e => {
    const file = e.target.files[0];
    if (!file) return;
    editor.value = await file.text();
    fileName.value = file.name;
    numberLines();
  } });
  const canEdit = auth.may('rules');
  clear(root, el('div', { class: 'rules' },
    el('div', { class: 'rules-left' },
      el('h2', {}, `${t('rules.inForce')} · ${t('rules.version')} ${set.version}`),
      el('p', { class: 'muted' }, `${fmtTime(set.createdAt)} · ${t('rules.author')} ${set.author}`),
      el('table', { class: 'grid-table' }, el('tbody', {}, set.rules.map(r => el('tr', {},
        el('td', {}, r.id), el('td', {}, t('kind.' + r.kind)), el('td', {}, r.metric || (r.offline ? 'offline ' + r.offline : r.where || '')),
        el('td', {}, (r.levels || []).map(l => el('span', { class: 'chip sev-' + l.severity }, l.threshold ?? t('sev.' + l.severity)))),
        el('td', { class: 'muted' }, `${r.caseCode} ${r.caseTitle}`), el('td', { class: 'muted' }, `${r.file}:${r.line}`))))),
      el('h3', {}, t('rules.versions')),
      el('ol', { class: 'versions' }, versions.map(v => version(v, canEdit)))),
    el('div', { class: 'rules-right' },
      el('h2', {}, t('rules.editor')),
      canEdit ? el('p', { class: 'muted' }, t('rules.note')) : el('p', { class: 'muted' }, t('rules.readonly')),
      canEdit ? el('div', { class: 'filters' }, el('label', {}, t('rules.file'), ' ', fileName), el('label', { class: 'file' }, t('rules.load'), ' ', picker)) : null,
      canEdit ? el('div', { class: 'editor' }, gutter, editor) : null,
      canEdit ? el('div', { class: 'action-buttons' },
        el('button', { id: 'rule-validate', type: 'button', onclick: () => send('validate') }, t('rules.validate')),
        el('button', { id: 'rule-apply', type: 'button', class: 'danger', onclick: () => send('apply') }, t('rules.apply'))) : null,
      errors,
      canEdit ? backtestPanel(() => editor.value.trim() ? { yaml: editor.value, file: file() } : null, () => send('validate')) : null)));
  numberLines();
}

// A version with its diff from the one before (by rule id: meaning, not layout) and, for engineers, restore.
function version(v, canEdit) {
  const diff = v.diff || { added: [], removed: [], changed: [] };
  const chips = (ids, how, sign) => ids.map(id => el('span', { class: 'diff ' + how, title: t('rules.diff.' + how) }, sign + id));
  return el('li', { class: v.current ? 'current' : '', dataset: { version: v.version } },
    el('strong', {}, `v${v.version}`), ` ${fmtTime(v.createdAt)} · ${v.author} · ${v.files.join(', ')}`,
    v.note ? el('span', { class: 'muted' }, ` · ${v.note}`) : null,
    el('div', { class: 'version-diff' },
      diff.added.length + diff.removed.length + diff.changed.length
        ? [chips(diff.added, 'added', '+'), chips(diff.removed, 'removed', '−'), chips(diff.changed, 'changed', '~')]
        : el('span', { class: 'muted' }, v.summary)),
    canEdit && !v.current ? el('button', { type: 'button', class: 'restore', dataset: { version: v.version }, onclick: () => restore(v.version) }, t('rules.restore')) : null);
}

async function restore(v) {
  if (!confirm(t('rules.restoreAsk', { v }))) return;
  try {
    const set = await post(`/api/v1/rules/versions/${v}/restore`);
    toast(t('rules.applied', { v: set.version }));
    await render();
  } catch (e) { toast(e.message, true); }
}

const file = () => /^[A-Za-z0-9_.-]{1,100}$/.test(fileName.value) ? fileName.value : 'api.yaml';

function numberLines(marked = new Set()) {
  if (!editor) return;
  const n = editor.value.split('\n').length;
  clear(gutter, Array.from({ length: n }, (_, i) => el('span', { class: marked.has(i + 1) ? 'bad' : '' }, String(i + 1))));
}

// Validate or apply the editor's file; true when the API accepted it.
async function send(what) {
  const name = file();
  const path = (what === 'validate' ? '/api/v1/rules/validate' : '/api/v1/rules') + '?file=' + encodeURIComponent(name);
  try {
    const result = await request(what === 'validate' ? 'POST' : 'PUT', path, editor.value, 'application/yaml');
    numberLines();
    clear(errors, el('p', { class: 'ok' }, what === 'validate' ? t('rules.valid', { n: result.rules }) : t('rules.applied', { v: result.version })));
    if (what === 'apply') { toast(t('rules.applied', { v: result.version })); await render(); }
    return true;
  } catch (e) {
    if (!(e instanceof ApiError) || !e.problem?.problems) { clear(errors, el('p', { class: 'error' }, e.message)); return false; }
    const problems = e.problem.problems;
    numberLines(new Set(problems.filter(p => p.file === name).map(p => p.line)));
    clear(errors, el('h3', {}, t('rules.errors')), el('ul', {}, problems.map(p => el('li', { class: 'rule-error', dataset: { line: p.line, column: p.column } },
      el('a', { href: '#rules', onclick: ev => { ev.preventDefault(); goTo(p.line, p.column); } }, `${p.file}:${p.line}:${p.column}`),
      ` ${p.field ? p.field + ': ' : ''}${p.message}`))));
    if (problems[0]) goTo(problems[0].line, problems[0].column);
    return false;
  }
}

// Puts the caret on the error and scrolls it into view.
function goTo(line, column) {
  const lines = editor.value.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
  offset += Math.max(0, (column || 1) - 1);
  editor.focus();
  editor.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 18;
  editor.scrollTop = Math.max(0, (line - 5) * lineHeight);
}
