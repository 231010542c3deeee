import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoDuration, parseDuration } from '../../../flows-schema/src/time.ts';

describe('durations, as java.time.Duration reads and prints them', () => {
  it('reads days, hours, minutes, seconds and fractions', () => {
    const cases: Array<[string, number]> = [
      ['PT30S', 30_000],
      ['PT1H30M', 5_400_000],
      ['P1D', 86_400_000],
      ['P2DT3H4M', 183_840_000],
      ['PT0.5S', 500],
      ['PT5,5S', 5500],
      ['PT1.5M', 90_000],
      ['pt5s', 5000],
      [' PT5S ', 5000],
      ['-PT5S', -5000],
      ['PT-5S', -5000],
      ['PT0S', 0],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  });

  it('refuses what Java refuses: no fixed length (years, months, weeks), empty, not ISO', () => {
    for (const text of ['P1Y', 'P1M', 'P1W', 'P', 'PT', 'P1DT', '30s', '1h', '', 'PT1X'])
      assert.equal(parseDuration(text), undefined, text);
  });

  it('prints in hours, minutes and seconds, milliseconds as a fraction', () => {
    const cases: Array<[number, string]> = [
      [0, 'PT0S'],
      [250, 'PT0.25S'],
      [1234.4, 'PT1.234S'],
      [90_000, 'PT1M30S'],
      [3_600_000, 'PT1H'],
      [90_061_001, 'PT25H1M1.001S'],
    ];
    for (const [ms, text] of cases) assert.equal(isoDuration(ms), text, String(ms));
    for (const ms of [1, 999, 62_500, 3_723_456]) assert.equal(parseDuration(isoDuration(ms)), ms);
  });
});
