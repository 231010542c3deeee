/**
 * The Osprey web console (docs/console.md): a router over the History API, one module per page.
 * A page renders into `#app` and returns a cleanup (it closes its event streams) that runs when
 * the user navigates away.
 */
import './style.css';
import { api, whenUnauthorized } from './api.ts';
import { fill, h } from './dom.ts';
import { navigate } from './nav.ts';
import { showAnnouncements } from './pages/banner.ts';
import { executionPage } from './pages/execution.ts';
import { executionsPage } from './pages/executions.ts';
import { flowPage } from './pages/flow.ts';
import { flowsPage } from './pages/flows.ts';
import { signInPage } from './pages/sign-in.ts';
import { STORE_ROUTES } from './store-routes.ts';

export type Cleanup = () => void;
export type PageRender = (root: HTMLElement, params: string[], query: URLSearchParams) => Cleanup | undefined;

const ROUTES: Array<[RegExp, PageRender, string]> = [
  [/^\/ui\/executions\/?$/, executionsPage, 'executions'],
  [/^\/ui\/executions\/([^/]+)\/([^/]+)\/([^/]+)\/?$/, executionPage, 'executions'],
  [/^\/ui\/flows\/?$/, flowsPage, 'flows'],
  [/^\/ui\/flows\/([^/]+)\/([^/]+)\/?$/, flowPage, 'flows'],
  [/^\/ui\/sign-in\/?$/, signInPage, ''],
  ...STORE_ROUTES,
];

const root = document.getElementById('app') as HTMLElement;
let cleanup: Cleanup | undefined;

function render(): void {
  cleanup?.();
  cleanup = undefined;
  const { pathname, search } = window.location;
  if (pathname === '/ui' || pathname === '/ui/') {
    navigate('/ui/executions', true);
    return;
  }
  for (const [pattern, page, nav] of ROUTES) {
    const m = pattern.exec(pathname);
    if (m === null) continue;
    for (const a of document.querySelectorAll<HTMLElement>('[data-nav]')) {
      a.classList.toggle('active', a.dataset['nav'] === nav);
    }
    fill(root);
    cleanup = page(root, m.slice(1).map(decodeURIComponent), new URLSearchParams(search)) ?? undefined;
    return;
  }
  fill(
    root,
    h('h1', null, 'Not found'),
    h('p', null, `No console page at ${pathname}. `, h('a', { href: '/ui/executions' }, 'Executions')),
  );
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest?.('a');
  if (
    a === null ||
    a === undefined ||
    e.defaultPrevented ||
    e.button !== 0 ||
    e.metaKey ||
    e.ctrlKey ||
    e.shiftKey
  )
    return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith('/ui/') || a.target !== '') return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);

whenUnauthorized(() => {
  if (window.location.pathname.startsWith('/ui/sign-in')) return;
  navigate(`/ui/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, true);
});

async function showWho(): Promise<void> {
  const who = document.getElementById('who') as HTMLElement;
  const s = await api.session().catch(() => undefined);
  if (s === undefined || !s.signedIn) return fill(who);
  fill(
    who,
    s.local ? 'local session' : `signed in as ${s.name}`,
    ' ',
    s.local
      ? null
      : h(
          'button',
          {
            class: 'link',
            onclick: async () => {
              await api.signOut();
              await showWho();
              navigate('/ui/sign-in');
            },
          },
          'sign out',
        ),
  );
}

render();
void showWho();
void showAnnouncements();
window.addEventListener('osprey:session', () => {
  void showWho();
  void showAnnouncements();
});
