// The only way the console talks to CityOps: fetch on the same origin, the API key in the X-Api-Key header
// (never in a URL, so it stays out of logs and history), errors turned into ApiError with the problem+json body.
import { auth } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  if (auth.key) h['X-Api-Key'] = auth.key;
  return h;
}

export async function request(method, path, body, contentType = 'application/json') {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': contentType }), cache: 'no-store' };
  if (body !== undefined) init.body = contentType === 'application/json' ? JSON.stringify(body) : body;
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!response.ok) throw new ApiError(response.status, typeof data === 'object' ? data : { detail: text });
  return data;
}

export const get = path => request('GET', path);
export const post = (path, body, type) => request('POST', path, body, type);
export const put = (path, body, type) => request('PUT', path, body, type);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// Every page of a paged list (devices: up to 1000 per page).
export async function all(path, params = {}, pageSize = 1000) {
  const items = [];
  for (let page = 1; ; page++) {
    const result = await get(path + query({ ...params, page, pageSize }));
    items.push(...result.items);
    if (items.length >= result.total || result.items.length === 0) return items;
  }
}
