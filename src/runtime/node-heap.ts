/**
 * V8 sizes its heap for throughput: the old generation may grow to a multiple of what is live
 * before a full collection, and a process with nothing to allocate never collects. `staunch
 * serve` allocates most at start (the snapshot read, each target's digest, the first renders),
 * then sits idle between visitors: at 10,000 incidents it stayed at 640 MB resident with 90 MB
 * live. `--optimize-for-size` makes V8 collect sooner: 210 MB. It costs a server loaded to its
 * limit about a tenth of its requests a second and a longer p99 (bench/page.ts with and without
 * it); a status page's load rarely comes near that limit, and its memory counts all the time.
 * Switching it off once the view was loaded left the server at 635 MB again. Set before the first
 * large allocation; every long-lived process calls it first.
 */
import { setFlagsFromString } from 'node:v8';

export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
