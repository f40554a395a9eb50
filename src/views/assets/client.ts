/**
 * The only script of the public pages, served at `/assets/app.<hash>.js`. The pages work without
 * it; it adds one thing: showing times in the visitor's own time zone.
 *
 * When the page was rendered in the default zone (no `timezone` query, no cookie) and the
 * browser's zone differs, it reloads once with `?timezone=<zone>` added to the existing query
 * (URLSearchParams, so `/history?month=2026-03` stays a valid URL: statusetat appended a second
 * `?` and looped). The server then remembers the zone in a signed cookie. A sessionStorage flag
 * makes sure it is tried once per tab: with cookies blocked, it offers a link instead of looping.
 */
export const CLIENT_JS = /* js */ `(function () {
  var root = document.documentElement;
  var rendered = root.getAttribute('data-tz');
  var chosen = root.getAttribute('data-tz-chosen') === '1';
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var url = new URL(location.href);
  if (url.searchParams.has('timezone') && chosen) {
    url.searchParams.delete('timezone');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return;
  }
  if (chosen || !zone || zone === rendered) return;
  url.searchParams.set('timezone', zone);
  var tried = false;
  try { tried = sessionStorage.getItem('staunch-tz') === zone; sessionStorage.setItem('staunch-tz', zone); } catch (e) { tried = true; }
  if (!tried) { location.replace(url.toString()); return; }
  var slot = document.getElementById('tz-suggest');
  if (!slot) return;
  var link = document.createElement('a');
  link.href = url.pathname + url.search + url.hash;
  link.textContent = 'Show times in ' + zone;
  slot.appendChild(link);
  slot.hidden = false;
})();
`;
