/**
 * The Python program that hosts an Eval script under CPython: it gives the script what GraalVM's
 * bindings give (a `logger`, and `true` / `false` / `null` so JSON rendered into the source by an
 * expression is valid Python), runs it as `script` (tracebacks keep its own line numbers), then
 * writes the variables listed in `outputs` as JSON.
 */
export const HARNESS = `import json, os, sys

_script_path, _outputs_path = sys.argv[1], sys.argv[2]
_names = json.loads(sys.argv[3])
sys.argv = ["script"]
sys.path.insert(0, os.getcwd())


class _Logger:
    def _log(self, level, message, *args):
        text = str(message)
        for a in args:
            text = text.replace("{}", str(a), 1)
        print("::" + json.dumps({"logs": [{"level": level, "message": text}]}) + "::", flush=True)

    def trace(self, m, *a): self._log("TRACE", m, *a)
    def debug(self, m, *a): self._log("DEBUG", m, *a)
    def info(self, m, *a): self._log("INFO", m, *a)
    def warn(self, m, *a): self._log("WARN", m, *a)
    def warning(self, m, *a): self._log("WARN", m, *a)
    def error(self, m, *a): self._log("ERROR", m, *a)


_globals = {"__name__": "__main__", "true": True, "false": False, "null": None, "logger": _Logger()}
with open(_script_path, encoding="utf-8") as _f:
    _source = _f.read()
exec(compile(_source, "script", "exec"), _globals)


def _default(value):
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return repr(value)


with open(_outputs_path, "w", encoding="utf-8") as _f:
    json.dump(
        {"values": {n: _globals.get(n) for n in _names}, "missing": [n for n in _names if n not in _globals]},
        _f,
        default=_default,
    )
`;
