/**
 * `/ui/announcements`: admins set the banner every page shows (Kestra 0.20's Announcements): a
 * message, its type (info, warning, error) and the time window it is shown in.
 */
import { type Announcement, stores } from '../api-stores.ts';
import { fill, h } from '../dom.ts';
import { when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { grid, refusal } from '../widgets.ts';
import { showAnnouncements } from './banner.ts';

const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export const announcementsPage: PageRender = (root) => {
  const error = h('p', { class: 'field-error', role: 'alert' });
  const message = h('textarea', { name: 'message', id: 'announcement-message', rows: 2, required: true });
  const type = h(
    'select',
    { name: 'type', id: 'announcement-type' },
    ['INFO', 'WARNING', 'ERROR'].map((t) => h('option', { value: t }, t.toLowerCase())),
  );
  const now = new Date();
  const start = h('input', { type: 'datetime-local', name: 'startDate', value: local(now), required: true });
  const end = h('input', {
    type: 'datetime-local',
    name: 'endDate',
    value: local(new Date(now.getTime() + 24 * 3_600_000)),
    required: true,
  });
  const list = h('div', { class: 'results' });
  const load = async () => {
    try {
      const all = await stores.announcements(true);
      fill(
        list,
        all.length === 0
          ? h('p', { class: 'muted' }, 'No announcement.')
          : grid(
              ['Type', 'Message', 'From', 'To', 'By', ''],
              h(
                'tbody',
                null,
                all.map((a) => row(a)),
              ),
            ),
      );
    } catch (err) {
      fill(list, h('p', { class: 'error' }, refusal(err)));
    }
  };
  const row = (a: Announcement) =>
    h(
      'tr',
      { dataset: { id: a.id } },
      h(
        'td',
        null,
        h('span', { class: `announcement-type type-${a.type.toLowerCase()}` }, a.type.toLowerCase()),
      ),
      h('td', null, a.message),
      h('td', null, when(a.startDate)),
      h('td', null, when(a.endDate)),
      h('td', null, a.createdBy),
      h(
        'td',
        null,
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            onclick: async () => {
              await stores.unannounce(a.id);
              await load();
              void showAnnouncements();
            },
          },
          'Delete',
        ),
      ),
    );
  root.append(
    h('h1', null, 'Announcements'),
    h(
      'form',
      {
        class: 'card announce',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          error.textContent = '';
          try {
            await stores.announce({
              message: message.value,
              type: type.value as Announcement['type'],
              startDate: new Date(start.value).toISOString(),
              endDate: new Date(end.value).toISOString(),
            });
            message.value = '';
            await load();
            void showAnnouncements();
          } catch (err) {
            error.textContent = refusal(err);
          }
        },
      },
      h('label', { for: 'announcement-message' }, 'Message'),
      message,
      h(
        'div',
        { class: 'row' },
        h('label', null, 'Type', type),
        h('label', null, 'Shown from', start),
        h('label', null, 'until', end),
      ),
      h('button', { type: 'submit' }, 'Announce'),
      error,
    ),
    list,
  );
  void load();
  return undefined;
};
