/**
 * The primary's WAL position that covers every record inserted so far, as bytes from 0/0.
 *
 * `pg_current_wal_insert_lsn()`, not `pg_current_wal_lsn()`: the latter is where WAL has been
 * written to the kernel, which under `synchronous_commit=off` can still be before a commit that
 * has returned. The insert position is where the next record starts; when that is the start of a
 * page it lies past the page's header (24 bytes, 40 on a segment's first page), which no replica
 * reports as replayed, so the header is taken off: the result is the end of the last record,
 * exactly what `pg_last_wal_replay_lsn()` reaches once the replica has replayed it.
 */
export const PRIMARY_POSITION_SQL = `
SELECT ((insert_lsn - '0/0') - CASE WHEN page_offset = 40 THEN 40 WHEN page_offset % block = 24 THEN 24 ELSE 0 END)::text AS lsn
FROM (
  SELECT insert_lsn, (pg_walfile_name_offset(insert_lsn)).file_offset AS page_offset, current_setting('wal_block_size')::int AS block
  FROM pg_current_wal_insert_lsn() AS insert_lsn
) AS position`;

/** A standby's replay position as bytes from 0/0; no row on a server that is not in recovery. */
export const REPLICA_POSITION_SQL = `SELECT (pg_last_wal_replay_lsn() - '0/0')::text AS lsn WHERE pg_is_in_recovery()`;
