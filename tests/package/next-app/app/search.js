'use client';
// A client component using the installed package in the browser: run.js
// (tests/package/app-shared/, copied into app/ by the test) on the page and
// in the package's module Worker. Reports to window.result for the test.
import { useEffect, useState } from 'react';
import { run } from './run.js';

export default function Search() {
  const [status, setStatus] = useState('loading…');
  useEffect(() => {
    window.result = run()
      .then((r) => (setStatus('done'), r))
      .catch((e) => (setStatus('failed'), { error: String(e && e.stack ? e.stack : e) }));
  }, []);
  return <h1 id="status">{status}</h1>;
}
