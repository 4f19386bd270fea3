/** Small synchronous helpers of the cluster harness. */
import { execFileSync } from 'child_process';

export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Polls `probe` until it returns a value (not undefined) or `seconds` pass; throws `what` on timeout. */
export function waitFor<T>(what: string, seconds: number, probe: () => T | undefined): T {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    let v: T | undefined;
    try { v = probe(); } catch { v = undefined; }
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${seconds}s waiting for ${what}`);
    sleep(250);
  }
}

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it right after). */
export function freePort(): number {
  return Number(execFileSync('python3', ['-c',
    'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'], { encoding: 'utf8' }).trim());
}

/** HTTP(S) GET status of a local health endpoint (curl, -k: health only), or 0 when it does not answer. */
export function httpStatus(url: string): number {
  try {
    return Number(execFileSync('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', url], { encoding: 'utf8' }));
  } catch { return 0; }
}
