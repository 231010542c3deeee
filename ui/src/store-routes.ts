/** The console's pages for what flows use besides themselves: namespaces, KV, secrets, triggers; and for admins announcements and the audit log. */
import type { PageRender } from './main.ts';
import { announcementsPage } from './pages/announcements.ts';
import { auditPage } from './pages/audit.ts';
import { kvPage } from './pages/kv.ts';
import { namespacePage, namespacesPage } from './pages/namespaces.ts';
import { secretsPage } from './pages/secrets.ts';
import { triggersPage } from './pages/triggers.ts';

export const STORE_ROUTES: Array<[RegExp, PageRender, string]> = [
  [/^\/ui\/namespaces\/?$/, namespacesPage, 'namespaces'],
  [/^\/ui\/namespaces\/([^/]+)\/?$/, namespacePage, 'namespaces'],
  [/^\/ui\/kv\/?$/, kvPage, 'kv'],
  [/^\/ui\/secrets\/?$/, secretsPage, 'secrets'],
  [/^\/ui\/triggers\/?$/, triggersPage, 'triggers'],
  [/^\/ui\/announcements\/?$/, announcementsPage, 'announcements'],
  [/^\/ui\/audit\/?$/, auditPage, 'audit'],
];
