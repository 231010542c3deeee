/** The announcements shown now, as a banner above every page (Kestra 0.20's Announcements). */
import { api } from '../api.ts';
import { stores } from '../api-stores.ts';
import { fill, h } from '../dom.ts';

export async function showAnnouncements(): Promise<void> {
  const banner = document.getElementById('announcements');
  if (banner === null) return;
  const [shown, session] = await Promise.all([
    stores.announcements().catch(() => []),
    api.session().catch(() => undefined),
  ]);
  // Only admins set announcements and read the audit log: the others do not see those links.
  for (const a of document.querySelectorAll<HTMLElement>('[data-admin]')) {
    a.hidden = session?.admin !== true;
  }
  fill(
    banner,
    shown.map((a) =>
      h(
        'div',
        { class: `announcement type-${a.type.toLowerCase()}`, role: a.type === 'ERROR' ? 'alert' : 'status' },
        h('strong', null, a.type === 'INFO' ? 'Info' : a.type === 'WARNING' ? 'Warning' : 'Error'),
        ' ',
        a.message,
      ),
    ),
  );
}
