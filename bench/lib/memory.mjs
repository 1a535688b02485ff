// Peak resident memory of this process above a baseline, on Linux through
// /proc/self/status (VmRSS, VmHWM) with the high-water mark reset by writing
// 5 to /proc/self/clear_refs; elsewhere falls back to resourceUsage().maxRSS
// (a lifetime peak, so the delta can only be a lower bound).
import { readFileSync, writeFileSync } from 'node:fs';

function status(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : undefined;
}

export function rssProbe() {
  let baseline = 0;
  let method = 'VmHWM after resetting it (/proc/self/clear_refs)';
  return {
    start() {
      globalThis.gc?.();
      try {
        baseline = status('VmRSS');
        writeFileSync('/proc/self/clear_refs', '5');
      } catch {
        method = 'process.resourceUsage().maxRSS (lifetime peak)';
        baseline = process.memoryUsage().rss;
      }
    },
    peak() {
      let hwm;
      try {
        hwm = status('VmHWM');
      } catch {
        hwm = undefined;
      }
      if (hwm === undefined) hwm = process.resourceUsage().maxRSS * 1024;
      return { bytes: Math.max(0, hwm - baseline), baselineBytes: baseline, method };
    },
  };
}
