/**
 * A flow's source in a read-only CodeMirror 6 view: YAML highlighting (@codemirror/lang-yaml), line
 * numbers, folding, search (Ctrl-F). Loaded on demand (its own chunk); until it is, and should it
 * fail, the plain `<pre>` stays.
 */
export async function yamlView(pre: HTMLElement, source: string): Promise<void> {
  const [{ EditorView, basicSetup }, { EditorState }, { yaml }] = await Promise.all([
    import('codemirror'),
    import('@codemirror/state'),
    import('@codemirror/lang-yaml'),
  ]);
  const host = document.createElement('div');
  host.className = 'yaml-view';
  new EditorView({
    parent: host,
    state: EditorState.create({
      doc: source,
      extensions: [basicSetup, yaml(), EditorState.readOnly.of(true), EditorView.editable.of(false)],
    }),
  });
  pre.replaceWith(host);
}
