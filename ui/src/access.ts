/**
 * Controls only for those who may use them: a person signed in with GitHub with read access to a
 * namespace's repository sees no start / kill / pause / … controls there (the API refuses them
 * with 403 anyway). API tokens may do everything.
 */
import { api } from './api.ts';
import { h } from './dom.ts';

/** `el`, hidden behind a short note when the caller may not change `namespace`. */
export function writableOnly<T extends HTMLElement>(namespace: string, el: T): T {
  void api
    .access(namespace)
    .then(({ access }) => {
      if (access === 'write') return;
      el.hidden = true;
      const note = h(
        'p',
        { class: 'muted read-only' },
        `Read-only: you have read access to ${namespace}'s repository on GitHub, not write access.`,
      );
      // The page may mount `el` after the answer came.
      const place = (tries: number) => {
        if (el.isConnected) el.before(note);
        else if (tries > 0) requestAnimationFrame(() => place(tries - 1));
      };
      place(600);
    })
    .catch(() => {});
  return el;
}
