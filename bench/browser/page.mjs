// Runs one benchmark job inside Chromium: fetches the vectors from the local
// server, opens the adapter (our package, or hnswlib-wasm through its own
// browser loader with IDBFS), and calls the same runJob() as the Node worker.
import { runJob } from '../lib/job.mjs';

async function fetchSet(url, n, dim) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return { n, dim, data: new Float32Array(await res.arrayBuffer()) };
}

/** Size of an IDBFS file as stored in IndexedDB (hnswlib-wasm's writeIndex target). */
async function idbfsFileSize(name) {
  const open = (db) =>
    new Promise((resolve, reject) => {
      const req = indexedDB.open(db);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  for (const { name: dbName } of await indexedDB.databases()) {
    const db = await open(dbName);
    if (!db.objectStoreNames.contains('FILE_DATA')) continue;
    const size = await new Promise((resolve) => {
      let found;
      const req = db.transaction('FILE_DATA').objectStore('FILE_DATA').openCursor();
      req.onsuccess = () => {
        const c = req.result;
        if (!c) return resolve(found);
        if (String(c.key).endsWith(`/${name}`) && c.value?.contents) found = c.value.contents.byteLength;
        c.continue();
      };
      req.onerror = () => resolve(undefined);
    });
    db.close();
    if (size !== undefined) return size;
  }
  return undefined;
}

async function openSystem(name, version) {
  if (name === 'minivectordb') {
    const { MiniVectorDB } = await import('minivectordb');
    return (await import('../systems/minivectordb.mjs')).open({ MiniVectorDB, version });
  }
  if (name === 'hnswlib-wasm') {
    const mod = await import('/node_modules/hnswlib-wasm/dist/hnswlib.js');
    await mod.__tla;
    const lib = await mod.loadHnswlib(); // mounts IDBFS
    return (await import('../systems/hnswlib-wasm.mjs')).open({
      hnswlib: { lib, version, canSave: true },
      hnswlibFileSize: async (file) => {
        await mod.waitForFileSystemSynced().catch(() => {});
        return idbfsFileSize(file);
      },
    });
  }
  throw new Error(`no browser adapter for ${name}`);
}

window.runBench = async (spec) => {
  const status = document.getElementById('status');
  status.textContent = `running ${spec.system} on ${spec.dataId}`;
  const base = await fetchSet(`/data/${spec.dataId}/base.f32`, spec.n, spec.dim);
  const query = await fetchSet(`/data/${spec.dataId}/query.f32`, spec.nq, spec.dim);
  const system = await openSystem(spec.system, spec.version);
  const result = await runJob(system, { base, query }, spec.opts, { now: () => performance.now() });
  status.textContent = 'done';
  return result;
};
window.benchReady = true;
