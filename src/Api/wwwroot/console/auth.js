// Who is signed in: the API key (sessionStorage: gone when the tab closes) and the role it carries, as the API
// tells it (GET /api/v1/me).
const STORAGE = 'cityops.apiKey';
// Roles are capability sets (GET /api/v1/me lists them): what a view asks for by role name is the capability that job holds.
const NEEDS = { viewer: 'read', engineer: 'rules', dispatcher: 'cases', supervisor: 'supervise', admin: 'registry' };

export const auth = {
  key: sessionStorage.getItem(STORAGE) || null,
  role: null,
  capabilities: [],
  open: false,
  can(role) { return this.capabilities.includes(NEEDS[role] || role); },
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
  auth.capabilities = me.capabilities || [];
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
