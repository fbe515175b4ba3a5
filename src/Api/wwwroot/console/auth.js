// Who is signed in: the API key (sessionStorage: gone when the tab closes) and the role it carries.
// The API has no "who am I" call, so the role is found by asking the API what the key may do, with requests
// that change nothing: an admin-only read, then a case action and a rule check that the API refuses before
// doing anything (400 for a right holder, 403 for a lower role).
const STORAGE = 'cityops.apiKey';
const RANK = { viewer: 1, engineer: 2, dispatcher: 3, admin: 4 };

export const auth = {
  key: sessionStorage.getItem(STORAGE) || null,
  role: null,
  open: false,
  can(role) { return (RANK[this.role] || 0) >= RANK[role]; },
};

function probe(method, path, body) {
  const h = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (auth.key) h['X-Api-Key'] = auth.key;
  return fetch(path, { method, headers: h, body, cache: 'no-store' }).then(r => r.status);
}

// Returns 'ok', 'need-key' (keys are configured and none/unknown was given) or 'error'.
export async function identify() {
  const read = await probe('GET', '/api/v1/cases?pageSize=1');
  if (read === 401) { auth.role = null; return 'need-key'; }
  if (read !== 200) return 'error';
  auth.open = !auth.key;
  if (auth.open || await probe('GET', '/api/v1/audit?pageSize=1') === 200) { auth.role = 'admin'; return 'ok'; }
  if (await probe('POST', '/api/v1/cases/probe/actions', '{}') !== 403) { auth.role = 'dispatcher'; return 'ok'; }
  if (await probe('POST', '/api/v1/rules/validate?file=probe.yaml', '') !== 403) { auth.role = 'engineer'; return 'ok'; }
  auth.role = 'viewer';
  return 'ok';
}

export function signIn(key) {
  auth.key = key;
  sessionStorage.setItem(STORAGE, key);
}

export function signOut() {
  auth.key = null;
  auth.role = null;
  sessionStorage.removeItem(STORAGE);
}
