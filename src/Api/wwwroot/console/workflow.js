// The case actions allowed from each status (the API's CaseWorkflow; the API stays the judge and answers
// 409 if the case moved meanwhile). Every action needs the dispatcher role.
const FROM = {
  filed: ['dispatch', 'postpone', 'cancel'],
  dispatched: ['handle', 'postpone', 'cancel'],
  handled: ['verify', 'rework', 'postpone', 'cancel'],
  verified: ['close', 'postpone', 'cancel'],
  closed: [],
};

export const OPEN = ['filed', 'dispatched', 'handled', 'verified'];
export const actionsFrom = status => FROM[status] || [];
export const isOpen = c => OPEN.includes(c.status);

// Overdue: flagged by the API, or its deadline has passed while still to be handled.
export const isOverdue = (c, now = Date.now()) =>
  c.overdue === true || (['filed', 'dispatched'].includes(c.status) && c.dueAt && Date.parse(c.dueAt) < now);
