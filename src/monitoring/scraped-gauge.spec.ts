import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { ScrapedGauge } from './scraped-gauge.js';

describe('ScrapedGauge', () => {
  const scrape = async (reading: number | undefined) => {
    const registry = new Registry();
    new ScrapedGauge({ name: 'reading_bytes', help: 'A reading', registers: [registry] }, () => Promise.resolve(reading));
    return (await registry.metrics()).split('\n').filter((line) => line.startsWith('reading_bytes'));
  };

  it('writes the reading, 0 included', async () => {
    expect(await scrape(1234)).toEqual(['reading_bytes 1234']);
    expect(await scrape(0)).toEqual(['reading_bytes 0']);
  });

  it('writes no sample when the reading has no value, where an unlabelled prom-client gauge would write 0', async () => {
    expect(await scrape(undefined)).toEqual([]);
  });

  it('reads again at every scrape', async () => {
    const registry = new Registry();
    const readings = [5, undefined, 7];
    new ScrapedGauge({ name: 'reading_bytes', help: 'A reading', registers: [registry] }, () => Promise.resolve(readings.shift()));
    const samples = async () => (await registry.metrics()).split('\n').filter((line) => line.startsWith('reading_bytes'));
    expect(await samples()).toEqual(['reading_bytes 5']);
    expect(await samples()).toEqual([]);
    expect(await samples()).toEqual(['reading_bytes 7']);
  });
});
