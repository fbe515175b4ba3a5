// Server-sent events read with fetch and a ReadableStream instead of EventSource: EventSource cannot send
// headers, and the API key must travel in X-Api-Key, never in the URL. Resumes with Last-Event-ID after a
// drop (the case stream is durable), retrying every few seconds until stopped.
import { headers } from './api.js';

export function subscribe(path, onEvent, onState = () => {}) {
  let lastId = null;
  let stopped = false;
  let controller = null;
  let retry = 3000;

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const h = headers({ Accept: 'text/event-stream' });
        if (lastId !== null) h['Last-Event-ID'] = lastId;
        const response = await fetch(path, { headers: h, signal: controller.signal, cache: 'no-store' });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
            dispatch(block);
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      onState(false);
      if (!stopped) await new Promise(r => setTimeout(r, retry));
    }
  }

  function dispatch(block) {
    let event = 'message', data = [], id = null;
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
    }
    if (id !== null) lastId = id;
    if (data.length === 0) return;
    let parsed;
    try { parsed = JSON.parse(data.join('\n')); } catch { return; }
    onEvent(event, parsed);
  }

  run();
  return () => { stopped = true; controller?.abort(); };
}
