// The case workflow as the console offers it: every action once (what it asks for, who may take it), and the
// actions each status allows. The API stays the judge (409 if the case moved meanwhile, 403 for a role). To add an
// action: one line in ACTIONS, its name in the statuses it leaves from, its words in i18n.js ('action.<name>').
//   fields: what the form sends with it (unit, dueAt, reason, level); need: the capability (GET /api/v1/me), or a
//   function of the case giving it;
//   when: only for cases it fits; danger: drawn red.
export const ACTIONS = {
  dispatch: { fields: ['unit'], need: 'cases' },
  reassign: { fields: ['unit'], need: 'cases' },
  return: { fields: ['reason'], need: 'cases', required: ['reason'] },
  handle: { need: 'cases' },
  verify: { need: 'cases' },
  close: { need: 'cases' },
  rework: { fields: ['unit'], need: 'cases' },
  postpone: { fields: ['dueAt'], need: 'supervise', required: ['dueAt'] },
  'request-postpone': { fields: ['dueAt'], need: 'cases', required: ['dueAt'], when: c => !c.postponeRequestedTo },
  'approve-postpone': { need: 'supervise', when: c => !!c.postponeRequestedTo },
  'reject-postpone': { fields: ['reason'], need: 'supervise', when: c => !!c.postponeRequestedTo },
  defer: { need: 'supervise' },
  resume: { need: 'supervise' },
  supervise: { fields: ['level'], need: 'supervise' },
  cancel: { need: c => c.status === 'filed' ? 'cases' : 'supervise', danger: true },
};

// GB/T 30428 as CONTRACT §4 has it (postpone by the desk from any open status).
const BASIC = {
  filed: ['dispatch', 'postpone', 'cancel'],
  dispatched: ['handle', 'postpone', 'cancel'],
  handled: ['verify', 'rework', 'postpone', 'cancel'],
  verified: ['close', 'postpone', 'cancel'],
};

// With dispatch by the standard (CONTRACT §9): 回退, 改派, 延期 asked and decided, 挂账/缓办, 督办, status deferred.
const STANDARD = {
  filed: ['dispatch', 'defer', 'supervise', 'cancel'],
  dispatched: ['handle', 'reassign', 'return', 'request-postpone', 'approve-postpone', 'reject-postpone', 'postpone', 'defer', 'supervise', 'cancel'],
  handled: ['verify', 'rework', 'supervise', 'cancel'],
  verified: ['close', 'supervise', 'cancel'],
  deferred: ['resume', 'supervise', 'cancel'],
};

// A case shows which workflow the API runs: §9 cases carry their 派遣时限 or source (absent before it).
const workflowOf = c => (c.dispatchDueAt !== undefined || c.source !== undefined || c.status === 'deferred') ? STANDARD : BASIC;

export const OPEN = ['filed', 'dispatched', 'handled', 'verified', 'deferred'];
export const actionsFrom = c => (workflowOf(c)[c.status] || []).filter(a => !ACTIONS[a].when || ACTIONS[a].when(c));
export const isOpen = c => OPEN.includes(c.status);
export const needOf = (action, c) => typeof ACTIONS[action].need === 'function' ? ACTIONS[action].need(c) : ACTIONS[action].need;

// The deadline that runs now: 派遣时限 while a §9 case waits for dispatch, else 处置时限 (dueAt); none once handled
// or while deferred (the clocks stand still).
export const deadlineOf = c => !['filed', 'dispatched'].includes(c.status) ? null
  : c.status === 'filed' && c.dispatchDueAt ? c.dispatchDueAt : c.dueAt || null;

// Overdue: flagged by the API (处置, 派遣 or 核查 late), or its running deadline has passed.
export const isOverdue = (c, now = Date.now()) =>
  c.overdue === true || c.dispatchOverdue === true || c.verifyOverdue === true || (!!deadlineOf(c) && Date.parse(deadlineOf(c)) < now);
