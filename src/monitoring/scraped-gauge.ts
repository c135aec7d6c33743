import { Gauge, type Registry } from 'prom-client';

/**
 * A gauge without labels read at scrape time, whose sample is absent when the reading has no
 * value (the dependency it comes from is not configured or did not answer). prom-client writes an
 * unlabelled gauge that was reset or never set as 0, which would report an unreachable Redis as
 * using no memory, or an unreachable outbox table as empty.
 */
export class ScrapedGauge extends Gauge {
  constructor(
    config: { name: string; help: string; registers: Registry[] },
    private readonly read: () => Promise<number | undefined>,
  ) {
    super(config);
  }

  override async get(): ReturnType<Gauge['get']> {
    const value = await this.read();
    this.set(value ?? 0);
    const metric = await super.get();
    return value === undefined ? { ...metric, values: [] } : metric;
  }
}
