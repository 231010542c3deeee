/**
 * `/ui/sign-in`: sign in with GitHub (when the server has the App's OAuth client), or paste an API
 * token; the server checks it and sets the console cookie. `?error=` shows why a GitHub sign-in failed.
 */
import { ApiFailure, api } from '../api.ts';
import { h } from '../dom.ts';
import type { PageRender } from '../main.ts';
import { navigate } from '../nav.ts';

export const signInPage: PageRender = (root, _params, query) => {
  const token = h('input', {
    type: 'password',
    name: 'token',
    id: 'token',
    autocomplete: 'off',
    required: true,
    size: 60,
  });
  const error = h('p', { class: 'field-error', role: 'alert' }, query.get('error') ?? '');
  const github = h('p', { class: 'github-sign-in' });
  void api.session().then((s) => {
    if (!s.github) return;
    const next = query.get('next') ?? '/ui/executions';
    github.append(
      h(
        'a',
        { class: 'button', href: `/ui/auth/github?next=${encodeURIComponent(next)}`, target: '_self' },
        'Sign in with GitHub',
      ),
      h('span', { class: 'muted' }, ' or use an API token:'),
    );
  });
  const form = h(
    'form',
    {
      class: 'card sign-in',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        try {
          await api.signIn(token.value);
          const next = query.get('next');
          window.dispatchEvent(new Event('osprey:session'));
          navigate(next?.startsWith('/ui/') ? next : '/ui/executions', true);
        } catch (err) {
          error.textContent = err instanceof ApiFailure ? err.message : String(err);
        }
      },
    },
    h('h1', null, 'Sign in'),
    github,
    h(
      'p',
      null,
      'Paste an Osprey API token: OSPREY_API_TOKEN, or one made with ',
      h('code', null, 'osprey tokens create <name>'),
      '.',
    ),
    h('label', { for: 'token' }, 'API token'),
    token,
    error,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  root.append(form);
  token.focus();
  return undefined;
};
