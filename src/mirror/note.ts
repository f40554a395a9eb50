/**
 * What a mirrored HTML page adds to the app's page: one line saying when this copy was generated,
 * and a small script that, once the copy is older than `stale_after`, adds an "as of" notice at the
 * top. The page reads the same without the script; it only makes a stale copy obvious.
 */
import { contentHash } from '../http/site/assets/index.ts';

const STALE_SCRIPT = `(function () {
  var note = document.getElementById('staunch-mirror');
  if (!note) return;
  var generated = Date.parse(note.getAttribute('data-generated') || '');
  var staleAfter = Number(note.getAttribute('data-stale-after'));
  if (!(generated > 0) || !(staleAfter > 0) || Date.now() - generated <= staleAfter) return;
  var when = new Date(generated).toLocaleString();
  var notice = document.createElement('div');
  notice.className = 'notice warn mirror-stale';
  notice.setAttribute('role', 'status');
  var lead = document.createElement('strong');
  lead.textContent = 'As of ' + when + '.';
  notice.appendChild(lead);
  notice.appendChild(document.createTextNode(' This copy of the status page has not been updated since; the situation may have changed.'));
  var main = document.querySelector('main') || document.body;
  main.insertBefore(notice, main.firstChild);
})();
`;

export const MIRROR_SCRIPT = {
  path: `/assets/mirror.${contentHash(STALE_SCRIPT)}.js`,
  body: STALE_SCRIPT,
  type: 'text/javascript; charset=utf-8',
};

/** The exact text inserted before `</body>`; tests remove it to compare a mirrored page with the app's. */
export function mirrorNote(generatedAt: string, staleAfterMs: number): string {
  const shown = `${generatedAt.slice(0, 16).replace('T', ' ')} UTC`;
  return (
    `<p class="mirror-note help" id="staunch-mirror" data-generated="${generatedAt}" data-stale-after="${staleAfterMs}">` +
    `This copy was generated <time datetime="${generatedAt}">${shown}</time>.</p>` +
    `<script src="${MIRROR_SCRIPT.path}" defer></script>`
  );
}

export function withMirrorNote(page: string, note: string): string {
  const end = page.lastIndexOf('</body>');
  return end < 0 ? page + note : page.slice(0, end) + note + page.slice(end);
}

/** The snapshot as one mirror stores it: every HTML page with the note for its `stale_after`. */
export function withNotes<
  T extends { files: readonly F[]; generatedAt: string },
  F extends NoteFile,
>(snapshot: T, staleAfterMs: number): T {
  const note = mirrorNote(snapshot.generatedAt, staleAfterMs);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  return {
    ...snapshot,
    files: snapshot.files.map((file) =>
      file.contentType.startsWith('text/html')
        ? { ...file, body: encoder.encode(withMirrorNote(decoder.decode(file.body), note)) }
        : file,
    ),
  };
}

interface NoteFile {
  contentType: string;
  body: Uint8Array;
}
