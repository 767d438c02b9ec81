/**
 * `METHOD /path` with the path's trailing slashes dropped, to look a request up in a table of
 * routes (public routes, body limits). A loop rather than `replace(/\/+$/, "")`: that regex is
 * tried from every slash of the path, so an anonymous request of 16 000 slashes held the event
 * loop for a quarter of a second, and longer paths for minutes.
 */
export function routeKey(method: string, path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === SLASH) end--;
  return `${method} ${path.slice(0, end)}`;
}

const SLASH = 0x2f;
