import type { TtlName, TtlProfile, TtlTableEntry } from '../config/ttl-table.js';

/** The effective TTLs in milliseconds: the only place seconds become milliseconds. */
export class TtlPolicy {
  private readonly ms: Record<TtlName, number>;

  constructor(
    readonly profile: TtlProfile,
    readonly table: readonly TtlTableEntry[],
  ) {
    this.ms = Object.fromEntries(table.map((entry) => [entry.name, entry.seconds * 1000])) as Record<TtlName, number>;
  }

  millis(name: TtlName): number {
    return this.ms[name];
  }
}
