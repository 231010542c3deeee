/**
 * Outputs as a tree (`<details>` per object or list, open two levels deep). A value that is a
 * `kestra://` URI of the execution's own storage is a file: a link that downloads it
 * (`GET /api/v1/executions/{id}/file`) and a Preview button showing its first 64 KB as text.
 */
import { api } from './api.ts';
import { fill, h } from './dom.ts';

function fileValue(executionId: string, uri: string): HTMLElement {
  const preview = h('pre', { class: 'file-preview', hidden: true });
  const name = decodeURIComponent(uri.split('/').at(-1) ?? uri);
  return h(
    'span',
    { class: 'file', dataset: { uri } },
    h(
      'a',
      { href: api.fileHref(executionId, uri), download: name, class: 'file-download', title: uri },
      `⤓ ${name}`,
    ),
    ' ',
    h(
      'button',
      {
        type: 'button',
        class: 'link file-preview-toggle',
        onclick: async () => {
          if (!preview.hidden) {
            preview.hidden = true;
            return;
          }
          preview.hidden = false;
          fill(preview, 'Loading…');
          try {
            const p = await api.filePreview(executionId, uri);
            fill(
              preview,
              p.binary === true ? `(binary, ${p.size} bytes)` : (p.content ?? ''),
              p.truncated ? `\n… ${p.size} bytes in all: download the file for the rest` : '',
            );
          } catch (err) {
            fill(preview, h('span', { class: 'error' }, (err as Error).message));
          }
        },
      },
      'preview',
    ),
    preview,
  );
}

function node(executionId: string, value: unknown, depth: number): HTMLElement {
  if (typeof value === 'string' && value.startsWith('kestra://')) return fileValue(executionId, value);
  if (value === null || typeof value !== 'object') {
    return h('span', { class: `scalar ${value === null ? 'null' : typeof value}` }, JSON.stringify(value));
  }
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return h('span', { class: 'scalar' }, Array.isArray(value) ? '[]' : '{}');
  return h(
    'details',
    { open: depth < 2 },
    h('summary', null, Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`),
    h(
      'ul',
      { class: 'tree' },
      entries.map(([k, v]) =>
        h(
          'li',
          { dataset: { key: k } },
          h('span', { class: 'key' }, k),
          ': ',
          node(executionId, v, depth + 1),
        ),
      ),
    ),
  );
}

/** `values` as a tree, or `empty` when there are none. */
export function outputTree(
  executionId: string,
  values: Record<string, unknown> | undefined,
  empty: string,
): HTMLElement {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return h('p', { class: 'muted' }, empty);
  return h(
    'ul',
    { class: 'tree outputs' },
    entries.map(([k, v]) =>
      h('li', { dataset: { key: k } }, h('span', { class: 'key' }, k), ': ', node(executionId, v, 1)),
    ),
  );
}
