// The console's entry: sign-in (when keys are configured), the role, the views by URL hash
// (#map, #alarms, #alarms/incidents, #cases/<id>, #kpis, #rules, #screen), each mounted on first visit.
import { auth, identify, signIn, signOut } from './auth.js';
import { applyStatic, toggle, t, language } from './i18n.js';
import { city, startStream, stopStream, startPolling } from './city.js';
import { loadSettings } from './settings.js';
import { toast } from './dom.js';
import * as mapView from './views/map.js';
import * as alarmsView from './views/alarms.js';
import * as casesView from './views/cases.js';
import * as kpisView from './views/kpis.js';
import * as rulesView from './views/rules.js';
import * as screenView from './views/screen.js';

const VIEWS = { map: mapView, alarms: alarmsView, cases: casesView, kpis: kpisView, rules: rulesView, screen: screenView };
const mounted = new Map();
const $ = id => document.getElementById(id);

async function start() {
  applyStatic();
  $('lang').textContent = language() === 'en' ? '中文' : 'EN';
  $('lang').addEventListener('click', () => { toggle(); $('lang').textContent = language() === 'en' ? '中文' : 'EN'; showRole(); });
  $('signout').addEventListener('click', () => { signOut(); location.hash = ''; location.reload(); });
  $('signin-form').addEventListener('submit', async e => {
    e.preventDefault();
    signIn($('signin-key').value.trim());
    $('signin-key').value = '';
    await enter();
  });
  city.on('live', live => { $('live').textContent = t(live ? 'live.on' : 'live.off'); $('live').classList.toggle('on', live); document.body.dataset.live = String(live); });
  await loadSettings();
  await enter();
}

async function enter() {
  let outcome;
  try { outcome = await identify(); } catch { outcome = 'error'; }
  if (outcome !== 'ok') {
    $('signin').hidden = false;
    $('signin-error').textContent = outcome === 'need-key' ? (auth.key ? t('signin.bad') : '') : t('signin.error');
    if (outcome === 'need-key' && auth.key) signOut();
    for (const v of document.querySelectorAll('.view')) v.hidden = true;
    return;
  }
  $('signin').hidden = true;
  $('signout').hidden = auth.open;
  document.body.dataset.role = auth.role;
  showRole();
  startStream();
  startPolling();
  window.addEventListener('hashchange', route);
  await route();
  document.body.dataset.ready = 'true';
}

function showRole() {
  $('role').textContent = auth.open ? t('role.open') : t('role.' + auth.role);
}

async function route() {
  const [name, arg] = (location.hash.slice(1) || 'map').split('/');
  const view = VIEWS[name] ? name : 'map';
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === view);
  for (const [key] of Object.entries(VIEWS)) $('view-' + key).hidden = key !== view;
  document.body.dataset.view = view;
  try {
    if (!mounted.has(view)) {
      mounted.set(view, VIEWS[view].mount($('view-' + view)));
    }
    await mounted.get(view);
    VIEWS[view].shown?.();
    if (view === 'cases' && arg) await casesView.open(decodeURIComponent(arg));
    if (view === 'map' && arg) await mapView.select(decodeURIComponent(arg));
    if (view === 'alarms' && arg) alarmsView.showQueue(arg);
  } catch (e) {
    mounted.delete(view);
    toast(`${t('error')}: ${e.message}`, true);
  }
}

window.addEventListener('beforeunload', stopStream);
start();
