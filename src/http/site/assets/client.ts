/**
 * The only script of the public pages and the admin UI, served at `/assets/app.<hash>.js`. The
 * pages work without it (the footer links to `/timezone`); it adds two things: showing times in
 * the visitor's own time zone, and the date in a good day's bar tooltip ("20 Nov: no downtime"
 * instead of the CSS counter's "12 days ago"), counted back from the row's `data-end` on hover,
 * so the page carries no date for the days with nothing to say.
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
  var fmt;
  try { fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' }); } catch (e) { return; }
  document.addEventListener('mouseover', function (event) {
    var cell = event.target, row = cell && cell.parentNode, box = row && row.parentNode;
    if (!cell || cell.tagName !== 'I' || cell.hasAttribute('data-tip') || !box || !box.getAttribute) return;
    var end = Date.parse(box.getAttribute('data-end') + 'T12:00:00Z');
    if (!row.classList.contains('bars') || isNaN(end)) return;
    var back = row.children.length - 1 - Array.prototype.indexOf.call(row.children, cell);
    var what = cell.className === 'un' ? 'no data' : back === 0 ? 'no downtime so far' : 'no downtime';
    cell.setAttribute('data-tip', fmt.format(end - back * 86400000) + ': ' + what);
  });
})();
(function () {
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
