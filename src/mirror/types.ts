/**
 * What a publication of the static mirror is made of, and what a place that keeps one (a folder,
 * a bucket) offers. The pages are rendered once per publication by the app itself; each sink
 * only stores bytes.
 */

export interface MirrorFile {
  /** The URL path the app answered: `/`, `/incidents/<guid>`, `/api/v2/summary.json`. */
  path: string;
  /** Its name in a folder: `index.html`, `incidents/<guid>.html`, `history/2026-03.html`. */
  file: string;
  /** Its key in a bucket: HTML without an extension (`incidents/<guid>`), so the URL works as it is. */
  key: string;
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
  /** Content-addressed (`/assets/app.<hash>.js`): never changes under its name, so it goes first and is cached for a year. */
  immutable: boolean;
  /** Text worth storing pre-compressed (.gz, .br). */
  compressible: boolean;
}

export interface MirrorSnapshot {
  /**
   * The highest record rev the rendered state contains (an HLC stamp, comparable across
   * instances): a mirror never replaces a publication with one whose stateRev is lower.
   */
  stateRev: string;
  /** ISO time the pages were rendered. */
  generatedAt: string;
  files: MirrorFile[];
}

/** Kept with every publication (`mirror.json`), and read by the next one before it replaces it. */
export interface MirrorManifest {
  stateRev: string;
  generatedAt: string;
  /** The instance that published it, for the log of a refused publication. */
  publisher: string;
  files: number;
}

export type PublishOutcome =
  | { published: true; files: number }
  | { published: false; reason: string; current?: MirrorManifest };

export interface MirrorProgress {
  mirror: string;
  written: number;
  total: number;
}

export interface MirrorSink {
  /** For logs and progress; never holds a secret. */
  readonly location: string;
  /** The manifest of what is published now, or null when nothing is. */
  current(): Promise<MirrorManifest | null>;
  /**
   * Store every file so that a reader sees either the previous publication or this one, and
   * refuse (published: false) when what is published holds a newer state.
   */
  publish(
    snapshot: MirrorSnapshot,
    manifest: MirrorManifest,
    onProgress?: (written: number, total: number) => void,
  ): Promise<PublishOutcome>;
}

/** A manifest is newer when its state is; at equal states the later rendering wins (clock-dependent pages). */
export function isOlderThan(manifest: MirrorManifest, current: MirrorManifest | null): boolean {
  return current !== null && manifest.stateRev < current.stateRev;
}
