/** Moving between pages: the History API, then the router (main.ts) renders on `popstate`. */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** A filter form's submit: its non-empty fields become the query string of `path` (a bookmark). */
export function submitFilters(path: string): (e: Event) => void {
  return (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(e.target as HTMLFormElement))
      if (typeof v === 'string' && v.trim() !== '') next.append(k, v.trim());
    navigate(`${path}${next.size > 0 ? `?${next}` : ''}`);
  };
}
