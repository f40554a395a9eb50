/**
 * The only script of the public pages and the admin UI, served at `/assets/app.<hash>.js`. The
 * pages work without it (the footer links to `/timezone`); it adds one thing: showing times in
 * the visitor's own time zone.
 *
 * When the page was rendered in the default zone (no `timezone` query, no cookie) and the
 * browser's zone differs, it reloads once with `?timezone=<zone>` added to the existing query
 * (URLSearchParams, so `/history?month=2026-03` stays a valid URL: statusetat appended a second
 * `?` and looped). Every page, public or admin, then remembers the zone in one signed cookie for
 * the whole site. A sessionStorage flag makes sure it is tried once per tab: with cookies
 * blocked, it offers a link instead of looping.
 *
 * Zones are compared as the browser resolves them, so `Asia/Kolkata` on the page and
 * `Asia/Calcutta` from the browser are the same zone. On the time zone picker it never
 * navigates (the visitor is choosing): it only preselects the browser's zone.
 */
export const CLIENT_JS = /* js */ `(function () {
  var root = document.documentElement;
  var rendered = root.getAttribute('data-tz');
  var chosen = root.getAttribute('data-tz-chosen') === '1';
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || !rendered) return;
  function resolve(name) {
    try { return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone; } catch (e) { return name; }
  }
  var picker = document.getElementById('tz-select');
  if (picker) {
    if (chosen) return;
    var own = resolve(zone);
    for (var i = 0; i < picker.options.length; i++) {
      var option = picker.options[i];
      if (option.value === zone || resolve(option.value) === own) { picker.selectedIndex = i; break; }
    }
    return;
  }
  var url = new URL(location.href);
  if (url.searchParams.has('timezone') && chosen) {
    url.searchParams.delete('timezone');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return;
  }
  if (chosen || resolve(rendered) === resolve(zone)) return;
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
