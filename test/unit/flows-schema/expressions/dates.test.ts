/**
 * The date filters: Java patterns, named formats, time zones, inputs, dateAdd and timestamps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, render } from '../../../../flows-schema/src/expressions/index.ts';
import { fakeServices } from './fixture.ts';

// Monday 15 January 2024, 10:30:45.123 UTC.
const ctx = {
  d: new Date('2024-01-15T10:30:45.123Z'),
  iso: '2024-01-15T10:30:45.123Z',
  seconds: 1705314645,
  millis: 1705314645123,
  evening: '2024-01-15T22:05:00Z',
  summer: '2024-07-15T10:30:00Z',
};

async function value(expression: string): Promise<unknown> {
  return evaluate(expression, ctx);
}

function cases(list: Array<[string, unknown]>): void {
  for (const [expression, expected] of list) {
    it(`${expression} → ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await value(expression), expected);
    });
  }
}

describe('date: Java DateTimeFormatter patterns (UTC)', () => {
  cases([
    ["d | date('yyyy-MM-dd')", '2024-01-15'],
    ["d | date('yy/M/d')", '24/1/15'],
    ["d | date('MMM MMMM')", 'Jan January'],
    ["d | date('EEE EEEE')", 'Mon Monday'],
    ["d | date('H:HH h:hh')", '10:10 10:10'],
    ["d | date('mm ss SSS')", '30 45 123'],
    ["d | date('a')", 'AM'],
    ["evening | date('hh:mm a')", '10:05 PM'],
    ["d | date('XXX Z')", 'Z +0000'],
    ['d | date("yyyy-MM-dd\'T\'HH:mm:ss")', '2024-01-15T10:30:45'],
    ["d | date(\"'Day' D 'of' yyyy, 'it''s' QQQ\")", "Day 15 of 2024, it's Q1"],
  ]);

  it('rejects pattern letters it does not support', async () => {
    await assert.rejects(value("d | date('yyyy B')"), /unsupported letter 'B'/);
  });
});

describe('date: named formats', () => {
  cases([
    ['d | date', '2024-01-15T10:30:45.123000Z'],
    ["d | date('iso')", '2024-01-15T10:30:45.123000Z'],
    ["d | date('iso_sec')", '2024-01-15T10:30:45Z'],
    ["d | date('iso8601')", '2024-01-15T10:30:45.123Z'],
    ["d | date('sql')", '2024-01-15 10:30:45.123000'],
    ["d | date('sql_seq')", '2024-01-15 10:30:45'],
    ["d | date('iso_local_date')", '2024-01-15'],
    ["d | date('iso_instant')", '2024-01-15T10:30:45.123Z'],
    ["d | date('iso_date_time', timeZone='Europe/Paris')", '2024-01-15T11:30:45.123+01:00[Europe/Paris]'],
    ["d | date('rfc_1123_date_time')", 'Mon, 15 Jan 2024 10:30:45 GMT'],
    ["d | date('iso_week_date')", '2024-W03-1Z'],
    ["d | date('iso_offset_date_time', timeZone='Asia/Kolkata')", '2024-01-15T16:00:45.123+05:30'],
  ]);

  it('localized styles use Intl', async () => {
    assert.match(String(await value("d | date('medium')")), /Jan 15, 2024/);
  });

  it('rejects an unknown named format', async () => {
    await assert.rejects(value("d | date('iso_weird')"), /unknown date format 'iso_weird'/);
  });
});

describe('date: time zones', () => {
  cases([
    ["d | date('HH:mm XXX', timeZone='Europe/Paris')", '11:30 +01:00'],
    ["summer | date('HH:mm XXX', timeZone='Europe/Paris')", '12:30 +02:00'],
    ["d | date('yyyy-MM-dd HH:mm XXX', timeZone='America/New_York')", '2024-01-15 05:30 -05:00'],
    ["d | date('HH:mm xxx', timeZone='+05:30')", '16:00 +05:30'],
    ["d | date('HH:mm VV', timeZone='Asia/Tokyo')", '19:30 Asia/Tokyo'],
  ]);

  it('fails on an unknown zone with what to write instead', async () => {
    await assert.rejects(
      value("d | date('HH', timeZone='Mars/Olympus')"),
      /unknown time zone 'Mars\/Olympus': use an IANA name/,
    );
  });
});

describe('date: inputs', () => {
  cases([
    ["iso | date('yyyy-MM-dd HH:mm:ss.SSS')", '2024-01-15 10:30:45.123'],
    ["seconds | date('yyyy-MM-dd HH:mm:ss')", '2024-01-15 10:30:45'],
    ["millis | date('yyyy-MM-dd HH:mm:ss.SSS')", '2024-01-15 10:30:45.123'],
    ["'2024-01-15T11:30:45+01:00' | date('HH:mm')", '10:30'],
    ["'2024-01-15T10:30:00.123456Z' | date('HH:mm:ss.SSS')", '10:30:00.123'],
    ["'2024-01-15T10:30:00' | date('HH:mm XXX', timeZone='Europe/Paris')", '10:30 +01:00'],
    ["'2024-01-15' | date('yyyy-MM-dd HH:mm')", '2024-01-15 00:00'],
    [
      "'15/01/2024 10:30' | date(\"yyyy-MM-dd'T'HH:mm\", existingFormat='dd/MM/yyyy HH:mm')",
      '2024-01-15T10:30',
    ],
    ["'Jan 15, 2024' | date('yyyy-MM-dd', existingFormat='MMM d, yyyy')", '2024-01-15'],
  ]);

  it('prints nothing for a null date and fails on text that is not a date', async () => {
    assert.equal(await render('[{{ nothing | date("yyyy") }}]', { nothing: null }), '[]');
    await assert.rejects(value("'yesterday' | date('yyyy')"), /cannot read 'yesterday' as a date/);
  });

  it('formats now() from the injected clock', async () => {
    assert.equal(
      await render("{{ now() | date('yyyy-MM-dd HH:mm') }}", {}, { services: fakeServices() }),
      '2024-01-15 10:30',
    );
  });
});

describe('date: Liquid strftime and locales', () => {
  cases([
    ["d | date: '%Y-%m-%d %H:%M'", '2024-01-15 10:30'],
    ["d | date('%d/%m/%Y')", '15/01/2024'],
    ["d | date('EEEE d MMMM yyyy', locale='fr')", 'lundi 15 janvier 2024'],
  ]);
});

describe('dateAdd', () => {
  cases([
    ["d | dateAdd(1, 'DAYS')", '2024-01-16T10:30:45.123000Z'],
    ["d | dateAdd(-2, 'HOURS', format='HH:mm')", '08:30'],
    ["d | dateAdd(90, 'MINUTES', 'HH:mm')", '12:00'],
    ["d | dateAdd(2, 'WEEKS', format='yyyy-MM-dd')", '2024-01-29'],
    ["'2024-01-31' | dateAdd(1, 'MONTHS', format='yyyy-MM-dd')", '2024-02-29'],
    ["'2024-02-29' | dateAdd(1, 'YEARS', format='yyyy-MM-dd')", '2025-02-28'],
    // Across the DST change in Paris the local time of day is kept.
    [
      "'2024-03-30T12:00:00+01:00' | dateAdd(1, 'DAYS', format='yyyy-MM-dd HH:mm XXX', timeZone='Europe/Paris')",
      '2024-03-31 12:00 +02:00',
    ],
  ]);

  it('rejects unknown units', async () => {
    await assert.rejects(value("d | dateAdd(1, 'FORTNIGHTS')"), /unknown date unit 'FORTNIGHTS'/);
  });
});

describe('timestamps', () => {
  cases([
    ['d | timestamp', 1705314645],
    ['iso | timestamp', 1705314645],
    ['d | timestampMilli', 1705314645123],
    ['d | timestampMicro', 1705314645123000],
    ["'2024-01-15' | timestamp(timeZone='Europe/Paris')", 1705273200],
  ]);
});
