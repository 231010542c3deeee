/**
 * DuckDB values as task outputs (JSON): numbers stay numbers when they fit (BIGINT, HUGEINT and
 * DECIMAL included: `SUM(int)` is a HUGEINT), larger ones become strings; dates, times and
 * timestamps are ISO text; lists and structs are arrays and objects.
 */
import {
  DuckDBTypeId,
  type DuckDBValueConverter,
  type Json,
  JsonDuckDBValueConverter,
} from '@duckdb/node-api';

const WIDE_INTEGERS = new Set<number>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.BIGNUM,
]);

export const jsonValue: DuckDBValueConverter<Json> = (value, type) => {
  const json = JsonDuckDBValueConverter(value, type, jsonValue);
  if (typeof json !== 'string') return json;
  if (WIDE_INTEGERS.has(type.typeId)) {
    const n = Number(json);
    return Number.isSafeInteger(n) ? n : json;
  }
  if (type.typeId === DuckDBTypeId.DECIMAL) {
    const n = Number(json);
    return Number.isFinite(n) ? n : json;
  }
  return json;
};
