/**
 * The page's URL: `live-patch` links, back and forward.
 *
 * A plain left click on a `live-patch` link inside the live page, to a URL
 * of the page's origin, pushes the link's URL on the history and sends it
 * to the server (a `url` message), which runs the page's params handler
 * and answers with patches: the page changes without loading. Back and
 * forward (`popstate`) send the URL they land on. While the socket is not
 * joined a `live-patch` link stays a plain link: loading its URL shows the
 * same page. The server's own `patch_url`, `navigate` and `redirect` are
 * applied by the socket (socket.ts), with `pushUrl` and `assignUrl` from
 * here. A page embedded in a document of the app's (`live-embedded`) has
 * neither: its `live-patch` links are plain links.
 */

import { elementOf } from "./events";
import { PATCH } from "./names";
import type { LiveSocket } from "./socket";

/** The browser's URL as the server knows a page's: path and query. */
export function currentUrl(): string {
  return location.pathname + location.search;
}

/**
 * Put `url` in the address bar: a new history entry, or the current one.
 * The browser itself refuses a URL of another origin (logged, not followed).
 */
export function pushUrl(url: string, replace: boolean): void {
  try {
    history[replace ? "replaceState" : "pushState"](null, "", url);
  } catch (error) {
    console.error("livecomp:", error);
  }
}

/** Load `url`, if it is an http(s) URL (or a relative one). */
export function assignUrl(url: string): void {
  const target = new URL(url, location.href);
  if (/^https?:$/.test(target.protocol)) location.assign(target);
  else console.error(`livecomp: not loading ${url}`);
}

export function installNavigation(socket: LiveSocket): void {
  // An embedded page has no URL of its own in the address bar.
  if (socket.embedded) return;
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = elementOf(event.target)?.closest(`a[${PATCH}]`);
    if (!(link instanceof HTMLAnchorElement) || !socket.container.contains(link) || !socket.isJoined) return;
    if ((link.target && link.target !== "_self") || link.origin !== location.origin) return;
    event.preventDefault();
    pushUrl(link.href, false);
    socket.moved(currentUrl(), true);
  });
  window.addEventListener("popstate", () => socket.moved(currentUrl()));
}
