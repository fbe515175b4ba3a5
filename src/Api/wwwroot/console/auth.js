// Who is signed in: the API key (sessionStorage: gone when the tab closes), the role it carries and what that
// role may do, as the API tells it (GET /api/v1/me).
const STORAGE = 'cityops.apiKey';

// What each role may do when /api/v1/me names no capabilities (an older server); the API lists them otherwise.
const RANKED = {
  viewer: ['read'],
  engineer: ['read', 'rules', 'silences'],
  monitor: ['read', 'alarmdesk', 'upkeep'],
  dispatcher: ['read', 'silences', 'alarmdesk', 'upkeep', 'cases'],
  supervisor: ['read', 'silences', 'alarmdesk', 'upkeep', 'cases', 'supervise'],
  admin: ['*'],
};

export const auth = {
  key: sessionStorage.getItem(STORAGE) || null,
  role: null,
  capabilities: [],
  open: false,
  // read, rules, silences, alarmdesk, upkeep, cases, supervise, registry, audit (as /api/v1/me spells them).
  may(capability) { return this.capabilities.includes('*') || this.capabilities.includes(capability); },
};

// Returns 'ok', 'need-key' (keys are configured and none/unknown was given) or 'error'.
export async function identify() {
  const headers = { Accept: 'application/json' };
  if (auth.key) headers['X-Api-Key'] = auth.key;
  const response = await fetch('/api/v1/me', { headers, cache: 'no-store' });
  if (response.status === 401) { auth.role = null; return 'need-key'; }
  if (!response.ok) return 'error';
  const me = await response.json();
  auth.open = me.open;
  auth.role = me.role;
  auth.capabilities = Array.isArray(me.capabilities) ? me.capabilities.map(c => String(c).toLowerCase()) : RANKED[me.role] || [];
  return 'ok';
}

export function signIn(key) {
  auth.key = key;
  sessionStorage.setItem(STORAGE, key);
}

export function signOut() {
  auth.key = null;
  auth.role = null;
  auth.capabilities = [];
  sessionStorage.removeItem(STORAGE);
}
