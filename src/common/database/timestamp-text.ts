import pg from 'pg';

/**
 * A timestamptz sent as text inside JSON (a function's jsonb answer), read by the driver's own
 * parser: the Date equals the one the same value read as a column gives.
 */
export const parseTimestampText = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;
