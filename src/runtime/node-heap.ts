/**
 * V8 sizes its heap for throughput: the old generation may grow to a multiple of what is live
 * before a full collection, and a process with nothing to allocate never collects. `staunch
 * serve` allocates most at start (the snapshot read, each target's digest, the first renders),
 * then sits idle between visitors: at 10,000 incidents it stayed at 640 MB resident with 90 MB
 * live. Its answers are bytes computed once per version, so collecting sooner costs it little;
 * `--optimize-for-size` makes V8 do so. Set before the first large allocation, which is what
 * it changes; every process that serves or watches for long calls it first.
 */
import { setFlagsFromString } from 'node:v8';

export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
