/**
 * Reading one Amazon Ion text value, as the item files of Kestra hold them: one value per line
 * (`{order_id:"1",price:166.89}`, as Kestra's serializers write, or JSON, which is Ion text too).
 * The value becomes what expressions see: structs are maps, lists and s-expressions are lists,
 * strings, symbols, timestamps, blobs and clobs are strings (timestamps and blobs as written),
 * ints, decimals and floats are numbers (an int too large for a double stays as its digits, so
 * two distinct ids never read as one), and annotations (`a::`) are dropped.
 */

export class IonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IonSyntaxError';
  }
}

/** The one Ion value of `text` (comments and whitespace around it are fine). */
export function parseIonValue(text: string): unknown {
  const reader = new Reader(text);
  reader.skipSpace();
  if (reader.atEnd()) throw new IonSyntaxError('no value (the line is empty)');
  const value = reader.value(false);
  reader.skipSpace();
  if (!reader.atEnd()) reader.fail('more than one value (one item per line)');
  return value;
}

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const OPERATOR = /[!#%&*+\-./;<=>?@^`|~]+/y;
const TIMESTAMP =
  /\d{4}(?:T|-\d{2}(?:T|-\d{2}(?:T(?:\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?))/y;
const NUMBER =
  /[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eEdD][+-]?[0-9]+)?)/y;
const NULL_TYPES = new Set([
  'null',
  'bool',
  'int',
  'float',
  'decimal',
  'timestamp',
  'string',
  'symbol',
  'blob',
  'clob',
  'struct',
  'list',
  'sexp',
]);
/** Where a value may end: whitespace, a container's punctuation, a comment, the end. */
const STOP = /[\s,\])}:'"/]|$/y;
const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  v: '\v',
  '"': '"',
  "'": "'",
  '?': '?',
  '\\': '\\',
  '/': '/',
  '0': '\0',
};

class Reader {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  atEnd(): boolean {
    return this.#at >= this.#text.length;
  }

  fail(problem: string): never {
    throw new IonSyntaxError(`${problem} at column ${this.#at + 1}`);
  }

  skipSpace(): void {
    const t = this.#text;
    while (this.#at < t.length) {
      const c = t[this.#at]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f') this.#at++;
      else if (t.startsWith('//', this.#at)) {
        const end = t.indexOf('\n', this.#at);
        this.#at = end < 0 ? t.length : end + 1;
      } else if (t.startsWith('/*', this.#at)) {
        const end = t.indexOf('*/', this.#at + 2);
        if (end < 0) this.fail('unterminated comment');
        this.#at = end + 2;
      } else return;
    }
  }

  #match(re: RegExp): string | undefined {
    re.lastIndex = this.#at;
    const m = re.exec(this.#text);
    return m === null ? undefined : m[0];
  }

  #expect(c: string): void {
    this.skipSpace();
    if (this.#text[this.#at] !== c) this.fail(`expected '${c}'`);
    this.#at++;
  }

  /** A value, after any annotations; `inSexp` allows operator symbols. */
  value(inSexp: boolean): unknown {
    this.skipSpace();
    for (;;) {
      // Annotations: a symbol followed by `::`.
      const start = this.#at;
      const symbol = this.#annotationCandidate();
      this.skipSpace();
      if (symbol !== undefined && this.#text.startsWith('::', this.#at)) {
        this.#at += 2;
        this.skipSpace();
        continue;
      }
      this.#at = start;
      break;
    }
    const t = this.#text;
    const c = t[this.#at];
    if (c === undefined) return this.fail('a value is missing');
    if (c === '{') return t[this.#at + 1] === '{' ? this.#lob() : this.#struct();
    if (c === '[') return this.#sequence('[', ']', false);
    if (c === '(') return this.#sequence('(', ')', true);
    if (c === '"') return this.#string();
    if (t.startsWith("'''", this.#at)) return this.#longStrings();
    if (c === "'") return this.#quoted("'");
    const timestamp = this.#match(TIMESTAMP);
    if (timestamp !== undefined && this.#endsHere(timestamp)) {
      this.#at += timestamp.length;
      return timestamp;
    }
    if (t.startsWith('+inf', this.#at) && this.#endsHere('+inf')) return this.#take('+inf', Infinity);
    if (t.startsWith('-inf', this.#at) && this.#endsHere('-inf')) return this.#take('-inf', -Infinity);
    const number = this.#match(NUMBER);
    if (number !== undefined && this.#endsHere(number)) {
      this.#at += number.length;
      return numberOf(number, () => this.fail(`'${number}' is not a number`));
    }
    const identifier = this.#match(IDENTIFIER);
    if (identifier !== undefined) {
      this.#at += identifier.length;
      if (identifier === 'null') {
        if (t[this.#at] === '.') {
          const type = /[a-z]+/y;
          type.lastIndex = this.#at + 1;
          const m = type.exec(t);
          if (m === null || !NULL_TYPES.has(m[0])) this.fail('unknown null type');
          this.#at += 1 + m[0].length;
        }
        return null;
      }
      if (identifier === 'true') return true;
      if (identifier === 'false') return false;
      if (identifier === 'nan') return Number.NaN;
      return identifier;
    }
    if (inSexp) {
      const operator = this.#match(OPERATOR);
      if (operator !== undefined) {
        this.#at += operator.length;
        return operator;
      }
    }
    return this.fail(`unexpected '${c}'`);
  }

  #take<T>(text: string, value: T): T {
    this.#at += text.length;
    return value;
  }

  #endsHere(token: string): boolean {
    STOP.lastIndex = this.#at + token.length;
    return STOP.test(this.#text);
  }

  #annotationCandidate(): string | undefined {
    const c = this.#text[this.#at];
    if (c === "'" && !this.#text.startsWith("'''", this.#at)) return this.#quoted("'");
    const identifier = this.#match(IDENTIFIER);
    if (identifier === undefined) return undefined;
    this.#at += identifier.length;
    return identifier;
  }

  #struct(): Record<string, unknown> {
    this.#at++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.#text[this.#at] === '}') {
        this.#at++;
        return out;
      }
      const name = this.#fieldName();
      this.#expect(':');
      const value = this.value(false);
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.#text[this.#at];
      if (next === ',') this.#at++;
      else if (next !== '}') this.fail("expected ',' or '}' in a struct");
    }
  }

  #fieldName(): string {
    const t = this.#text;
    const c = t[this.#at];
    if (c === '"') return this.#string();
    if (t.startsWith("'''", this.#at)) return this.#longStrings();
    if (c === "'") return this.#quoted("'");
    const identifier = this.#match(IDENTIFIER);
    if (identifier === undefined) return this.fail('expected a field name');
    this.#at += identifier.length;
    return identifier;
  }

  #sequence(open: string, close: string, sexp: boolean): unknown[] {
    this.#at += open.length;
    const out: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.#text[this.#at] === close) {
        this.#at++;
        return out;
      }
      out.push(this.value(sexp));
      this.skipSpace();
      if (sexp) continue;
      const next = this.#text[this.#at];
      if (next === ',') this.#at++;
      else if (next !== close) this.fail(`expected ',' or '${close}' in a list`);
    }
  }

  #string(): string {
    return this.#quoted('"');
  }

  /** `'''a''' '''b'''`: adjacent long strings are one string. */
  #longStrings(): string {
    let out = '';
    let more = true;
    while (more) {
      this.#at += 3;
      out += this.#until("'''");
      this.#at += 3;
      const save = this.#at;
      this.skipSpace();
      more = this.#text.startsWith("'''", this.#at);
      if (!more) this.#at = save;
    }
    return out;
  }

  #quoted(quote: string): string {
    this.#at++;
    const out = this.#until(quote);
    this.#at++;
    return out;
  }

  /** The text up to `end` (not consumed), escapes decoded. */
  #until(end: string): string {
    const t = this.#text;
    let out = '';
    for (;;) {
      if (this.#at >= t.length) this.fail('unterminated string');
      if (t.startsWith(end, this.#at)) return out;
      const c = t[this.#at]!;
      if (c !== '\\') {
        if (end.length === 1 && (c === '\n' || c === '\r')) this.fail('a string ends at the end of the line');
        out += c;
        this.#at++;
        continue;
      }
      const e = t[this.#at + 1];
      if (e === undefined) this.fail('unterminated string');
      if (e === '\n') {
        this.#at += 2;
        continue;
      }
      if (e === '\r') {
        this.#at += t[this.#at + 2] === '\n' ? 3 : 2;
        continue;
      }
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex > 0) {
        const digits = t.slice(this.#at + 2, this.#at + 2 + hex);
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) this.fail(`bad \\${e} escape`);
        out += String.fromCodePoint(Number.parseInt(digits, 16));
        this.#at += 2 + hex;
        continue;
      }
      const decoded = ESCAPES[e];
      if (decoded === undefined) this.fail(`unknown escape \\${e}`);
      out += decoded;
      this.#at += 2;
    }
  }

  /** `{{ base64 }}` (a blob, kept as written) or `{{ "text" }}` (a clob, its text). */
  #lob(): string {
    this.#at += 2;
    this.skipSpace();
    const t = this.#text;
    let out: string;
    if (t[this.#at] === '"') out = this.#string();
    else if (t.startsWith("'''", this.#at)) out = this.#longStrings();
    else {
      const end = t.indexOf('}}', this.#at);
      if (end < 0) this.fail('unterminated blob');
      out = t.slice(this.#at, end).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(out)) this.fail('a blob is not base64');
      this.#at = end;
    }
    this.skipSpace();
    if (!t.startsWith('}}', this.#at)) this.fail("expected '}}'");
    this.#at += 2;
    return out;
  }
}

function numberOf(text: string, bad: () => never): number | string {
  const clean = text.replace(/_/g, '');
  const negative = clean.startsWith('-');
  const unsigned = clean.replace(/^[-+]/, '');
  if (/^0[xXbB]/.test(unsigned)) {
    const big = BigInt(unsigned) * (negative ? -1n : 1n);
    return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
  }
  const decimal = clean.replace(/[dD]/, 'e');
  const n = Number(decimal.endsWith('.') ? decimal.slice(0, -1) : decimal);
  if (Number.isNaN(n)) bad();
  // An int beyond a double's precision keeps its digits (ids stay distinct).
  if (/^[-+]?\d+$/.test(clean) && !Number.isSafeInteger(n)) return clean.replace(/^\+/, '');
  return n;
}
