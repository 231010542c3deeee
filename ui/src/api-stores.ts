/**
 * The console's calls for namespaces, KV, secrets, triggers and announcements (docs/api.md), on
 * the same `call()` as the rest of the console.
 */
import { call } from './api.ts';

const seg = encodeURIComponent;
const json = (value: unknown) => new Blob([JSON.stringify(value)], { type: 'application/json' });

export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;

export interface NamespaceInfo {
  namespace: string;
  parents: string[];
  flows: number;
  access: 'read' | 'write';
}
export interface NamespaceFileList {
  namespace: string;
  repository: string;
  sha: string;
  folder: string;
  files: Array<{ path: string; blobSha: string }>;
}
export interface KvMeta {
  key: string;
  type: string;
  description?: string;
  creationDate: string;
  updateDate: string;
  expirationDate?: string;
}
export interface SecretList {
  namespace: string;
  backend: string;
  readOnly: boolean;
  results: Array<{
    key: string;
    backend: string;
    readOnly: boolean;
    description?: string;
    updateDate?: string;
  }>;
}
export interface TriggerInfo {
  namespace: string;
  flowId: string;
  triggerId: string;
  type: string;
  kind: string;
  disabled: boolean;
  stopped: boolean;
  problem?: string;
  date?: string;
  nextExecutionDate?: string;
  backfill?: { end: string };
}
export interface AuditEntry {
  id: number;
  at: string;
  actorKind: string;
  actorId?: string;
  actorName?: string;
  action: string;
  resourceType: string;
  resourceId?: string;
  namespace?: string;
  method?: string;
  path?: string;
  status?: number;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
}
export interface AuditFilter {
  actor?: string;
  action?: string;
  resourceType?: string;
  namespace?: string;
  startDate?: string;
  endDate?: string;
  page: number;
  size: number;
}
export interface Announcement {
  id: string;
  message: string;
  type: 'INFO' | 'WARNING' | 'ERROR';
  startDate: string;
  endDate: string;
  createdBy: string;
}
export type AnnouncementInput = Pick<Announcement, 'message' | 'type' | 'startDate' | 'endDate'>;

/** The request body and `?type=` that store `text` as a KV value of `type`. */
function kvBody(type: string, text: string): { body: Blob; typed: boolean } {
  if (type === 'STRING') return { body: json(text), typed: false };
  if (type === 'NUMBER' || type === 'BOOLEAN') {
    return { body: new Blob([text.trim()], { type: 'application/json' }), typed: false };
  }
  return { body: new Blob([text], { type: 'text/plain' }), typed: true };
}

export const stores = {
  namespaces: () => call<{ results: NamespaceInfo[] }>('GET', '/api/v1/namespaces'),
  files: (ns: string, commit?: string) =>
    call<NamespaceFileList>(
      'GET',
      `/api/v1/namespaces/${seg(ns)}/files${commit === undefined || commit === '' ? '' : `?commit=${seg(commit)}`}`,
    ),
  fileText: async (ns: string, path: string, commit: string) => {
    const res = await fetch(
      `/api/v1/namespaces/${seg(ns)}/files/content?path=${seg(path)}&commit=${seg(commit)}`,
      { credentials: 'same-origin' },
    );
    return res.ok ? res.text() : `(${res.status}: ${(await res.text()).slice(0, 300)})`;
  },
  kvList: (ns: string) => call<KvMeta[]>('GET', `/api/v1/namespaces/${seg(ns)}/kv`),
  kvGet: (ns: string, key: string) =>
    call<{ type: string; value: unknown }>('GET', `/api/v1/namespaces/${seg(ns)}/kv/${seg(key)}`),
  kvPut: (ns: string, key: string, entry: { type: string; text: string; ttl?: string }) => {
    const { body, typed } = kvBody(entry.type, entry.text);
    const q = new URLSearchParams();
    if (typed) q.set('type', entry.type);
    if (entry.ttl !== undefined && entry.ttl !== '') q.set('ttl', entry.ttl);
    return call<KvMeta>(
      'PUT',
      `/api/v1/namespaces/${seg(ns)}/kv/${seg(key)}${q.size > 0 ? `?${q}` : ''}`,
      body,
    );
  },
  kvDelete: (ns: string, key: string) => call('DELETE', `/api/v1/namespaces/${seg(ns)}/kv/${seg(key)}`),
  secrets: (ns: string) => call<SecretList>('GET', `/api/v1/namespaces/${seg(ns)}/secrets`),
  secretPut: (ns: string, name: string, value: string) =>
    call('PUT', `/api/v1/namespaces/${seg(ns)}/secrets/${seg(name)}`, json({ value })),
  secretDelete: (ns: string, name: string) =>
    call('DELETE', `/api/v1/namespaces/${seg(ns)}/secrets/${seg(name)}`),
  triggers: (ns?: string) =>
    call<{ results: TriggerInfo[] }>(
      'GET',
      `/api/v1/triggers/search${ns === undefined || ns === '' ? '' : `?namespace=${seg(ns)}`}`,
    ),
  triggerSet: (t: TriggerInfo, disabled: boolean) =>
    call<TriggerInfo>(
      'PATCH',
      `/api/v1/triggers/${seg(t.namespace)}/${seg(t.flowId)}/${seg(t.triggerId)}`,
      json({ disabled }),
    ),
  backfill: (
    t: TriggerInfo,
    b: {
      start: string;
      end?: string;
      inputs: Record<string, unknown>;
      labels: Array<{ key: string; value: string }>;
    },
  ) =>
    call<TriggerInfo>(
      'POST',
      `/api/v1/triggers/${seg(t.namespace)}/${seg(t.flowId)}/${seg(t.triggerId)}/backfill`,
      json(b),
    ),
  auditLogs: (f: AuditFilter) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
    return call<{ results: AuditEntry[]; total: number }>('GET', `/api/v1/audit-logs?${q}`);
  },
  announcements: (all = false) =>
    call<Announcement[]>('GET', `/api/v1/announcements${all ? '?all=true' : ''}`),
  announce: (a: AnnouncementInput) => call<Announcement>('POST', '/api/v1/announcements', json(a)),
  unannounce: (id: string) => call('DELETE', `/api/v1/announcements/${seg(id)}`),
};

/** Copies `text`; the button says so. Falls back to a selected text area off secure origins. */
export async function copy(text: string, button: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  const label = button.textContent;
  button.textContent = 'copied';
  button.classList.add('copied');
  setTimeout(() => {
    button.textContent = label;
    button.classList.remove('copied');
  }, 1500);
}
