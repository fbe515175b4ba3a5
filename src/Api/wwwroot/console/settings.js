// Display settings from the server (/console/settings.json): the tile URL, if the hall has a tile server.
export const settings = { tileUrl: null, tileAttribution: null };

export async function loadSettings() {
  try {
    const r = await fetch('/console/settings.json', { cache: 'no-store' });
    if (r.ok) Object.assign(settings, await r.json());
  } catch { }
}
