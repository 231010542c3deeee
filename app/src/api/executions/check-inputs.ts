/**
 * What the execution service cannot judge about inputs that arrive over HTTP: names the flow does
 * not declare, and FILE inputs that are not uploaded files. A FILE input given as text would be
 * read as a path on the server's disk, so over HTTP it must be a file part, or a `kestra:///` URI
 * inside the flow's own namespace.
 */
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';

export interface InputProblem {
  input: string;
  message: string;
}

export function inputProblems(flow: Flow, raw: Record<string, unknown>): InputProblem[] {
  const defs = new Map((flow.inputs ?? []).map((d) => [d.id, d]));
  const problems: InputProblem[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const def = defs.get(name);
    if (def === undefined) {
      const known = [...defs.keys()];
      problems.push({
        input: name,
        message: `flow ${flow.namespace}.${flow.id} has no input '${name}'; ${known.length === 0 ? 'it takes no inputs' : `its inputs are ${known.join(', ')}`}`,
      });
    } else if (def.type === 'FILE') {
      if (!Buffer.isBuffer(value) && !(typeof value === 'string' && inNamespace(value, flow.namespace))) {
        problems.push({
          input: name,
          message: `is a FILE input: upload the file as a multipart file part (curl -F '${name}=@path/to/file'), or give a kestra:/// URI of a file of namespace ${flow.namespace}`,
        });
      }
    } else if (Buffer.isBuffer(value) || (Array.isArray(value) && value.some((v) => Buffer.isBuffer(v)))) {
      problems.push({
        input: name,
        message: `is a ${def.type} input, not a file: send it as a form field or a JSON value`,
      });
    }
  }
  return problems;
}

/** `kestra:///company/team/...` for namespace `company.team`, without `.`/`..` segments. */
export function inNamespace(uri: string, namespace: string): boolean {
  return underPath(uri, namespace.split('.'));
}

/** A `kestra://` URI strictly below the path `prefix` (segments), without `.`/`..` segments. */
export function underPath(uri: string, prefix: readonly string[]): boolean {
  if (!uri.startsWith('kestra://')) return false;
  const segments = uri.slice('kestra://'.length).replace(/^\/+/, '').split(/[?#]/)[0]!.split('/');
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return false;
  }
  if (decoded.some((s) => s === '' || s === '.' || s === '..' || /[\\\0]/.test(s))) return false;
  return decoded.length > prefix.length && prefix.every((p, i) => decoded[i] === p);
}
