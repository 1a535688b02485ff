// A plain Vite app using the installed package: no plugin, no copy step.
// run.js (tests/package/app-shared/, copied in by the test) does the work.
import { run } from './run.js';

window.result = run()
  .then((r) => {
    document.getElementById('hits').replaceChildren(...r.page.hits.map((id, i) => Object.assign(document.createElement('li'), { textContent: `${id} ${r.page.scores[i].toFixed(3)}` })));
    document.getElementById('status').textContent = 'done';
    return r;
  })
  .catch((e) => ({ error: String(e && e.stack ? e.stack : e) }));
