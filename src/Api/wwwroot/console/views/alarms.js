// The alarm desk (CONTRACT §7–8): alarms, incidents and the device-upkeep queue. The API has none of them
// yet (/api/v1/alarms, /api/v1/incidents, /api/v1/maintenance, the alarm stream); this module is where they
// go, and it shows no made-up data meanwhile. To fill it:
//   - list: GET /api/v1/alarms?status=&severity=&kind=&zone=&grid=&acknowledged= (api.js `all`/`get`);
//   - live: subscribe('/api/v1/alarms/stream', ...) from sse.js, as city.js does for cases;
//   - actions: POST /api/v1/alarms/{id}/actions {action: acknowledge|file|dismiss, reason} for dispatchers
//     (auth.can('dispatcher')), like views/cases.js;
//   - incidents with their members, outlined on the map (views/map.js), and GET /api/v1/maintenance.
import { el, clear } from '../dom.js';
import { t, onChange } from '../i18n.js';

export async function mount(root) {
  const render = () => clear(root, el('div', { class: 'placeholder', id: 'alarm-desk' },
    el('h2', {}, t('alarms.title')), el('p', {}, t('alarms.pending')), el('a', { href: '#cases' }, t('nav.cases'))));
  render();
  onChange(render);
}
