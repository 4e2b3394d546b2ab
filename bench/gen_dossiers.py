#!/usr/bin/env python3
"""Bulk dossiers for the benchmarks (issue 5): N dossiers of one agency over 2026, with their first
event, written straight into a database that `motcua demo` prepared. OPEN of them are open and held
by unit CVT (the queue benchmark); the rest are returned. Every look-up code is BENCH001 (the
look-up benchmark varies the dossier code); their daily numbers start at 500001, clear of the
demo's and of the benchmark's own filings. Counters are added to dossier_stat so that statistics
match the rows.

  bench/gen_dossiers.py sqlite PATH N OPEN
  bench/gen_dossiers.py postgres N OPEN      (prints SQL for psql)
"""
import sqlite3
import sys
import time

DAYS = 329  # 2026-01-01 .. 2026-11-25


def sqlite_gen(path, n, open_n):
    c = sqlite3.connect(path)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=OFF")
    agency, = c.execute("SELECT id FROM agency LIMIT 1").fetchone()
    unit, = c.execute("SELECT id FROM unit WHERE code='CVT'").fetchone()
    proc_id, code, ver, name = c.execute(
        "SELECT id, code, current_version_id, name FROM procedure WHERE published=1 ORDER BY code LIMIT 1").fetchone()
    per_day = -(-n // DAYS)
    t0 = time.time()
    c.execute("BEGIN")
    c.execute("""
    WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?1)
    INSERT INTO dossier (id, agency_id, code, procedure_id, procedure_code, procedure_name, procedure_version_id, unit_id,
      handler_unit_id, handler_id, channel, return_channel, return_address, applicant_user_id, applicant_kind,
      applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, components, state,
      supplement_requests, extended, approved, received_at, original_due_at, due_at, paused_at, paused_seconds,
      finished_at, resolved_at, returned_at, outcome, working_seconds_used, lookup_code, idempotency_key,
      request_hash, postal_receipt_no, fees_vnd, rating, version, created_at, updated_at)
    SELECT randomblob(16), ?2,
      '000.00.00.G22-' || substr(strftime('%Y%m%d', date('2026-01-01', '+' || (i / ?5) || ' days')), 3) || '-' || printf('%06d', i % ?5 + 500001),
      ?3, ?4, ?9, ?6, ?7, ?7, NULL, 'online', 'online', NULL, NULL, 'citizen', 'Nguyễn Văn Thử', '001190000000',
      '0912345678', 'thu@example.vn', 'Hà Nội', '[]',
      CASE WHEN i >= ?1 - ?8 THEN 4 ELSE 10 END, 0, 0, 1,
      date('2026-01-01', '+' || (i / ?5) || ' days') || 'T02:00:00+00:00',
      date('2026-01-01', '+' || (i / ?5 + 7) || ' days') || 'T10:00:00+00:00',
      date('2026-01-01', '+' || (i / ?5 + 7) || ' days') || 'T10:00:00+00:00',
      NULL, 0,
      CASE WHEN i >= ?1 - ?8 THEN NULL ELSE date('2026-01-01', '+' || (i / ?5 + 3) || ' days') || 'T08:00:00+00:00' END,
      CASE WHEN i >= ?1 - ?8 THEN NULL ELSE date('2026-01-01', '+' || (i / ?5 + 3) || ' days') || 'T08:00:00+00:00' END,
      CASE WHEN i >= ?1 - ?8 THEN NULL ELSE date('2026-01-01', '+' || (i / ?5 + 4) || ' days') || 'T08:00:00+00:00' END,
      CASE WHEN i >= ?1 - ?8 THEN NULL ELSE 'early' END, NULL, 'BENCH001', NULL, NULL, NULL, 0, NULL, 3,
      '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'
    FROM s""", (n, agency, proc_id, code, per_day, ver, unit, open_n, name))
    c.execute("""
    INSERT INTO dossier_event (id, agency_id, dossier_id, seq, action, from_state, to_state, actor_id, actor_role,
      actor_unit, at, note, data)
    SELECT randomblob(16), agency_id, id, 1, 'file', NULL, 1, NULL, 'applicant', NULL, received_at, '', '{}'
    FROM dossier WHERE lookup_code = 'BENCH001'""")
    c.execute("""
    INSERT INTO dossier_stat (agency_id, unit_id, procedure_code, month, channel, submitted, received,
      received_postal, refused, withdrawn, stopped, finished, resolved_early, resolved_on_time, resolved_late,
      returned_online, returned_counter, returned_postal, supplement_requests)
    SELECT agency_id, unit_id, procedure_code, CAST(strftime('%Y%m', received_at) AS INTEGER), channel,
      COUNT(*), COUNT(*), 0, 0, 0, 0, SUM(state = 10), SUM(state = 10), 0, 0, SUM(state = 10), 0, 0, 0
    FROM dossier WHERE lookup_code = 'BENCH001' GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (agency_id, month, unit_id, procedure_code, channel) DO UPDATE SET
      submitted = submitted + excluded.submitted, received = received + excluded.received,
      finished = finished + excluded.finished, resolved_early = resolved_early + excluded.resolved_early,
      returned_online = returned_online + excluded.returned_online""")
    c.execute("INSERT OR REPLACE INTO dossier_sequence (agency_id, day, last) SELECT agency_id, substr(code, 15, 6), MAX(CAST(substr(code, 22) AS INTEGER)) FROM dossier WHERE lookup_code = 'BENCH001' GROUP BY 1, 2")
    c.execute("COMMIT")
    c.execute("ANALYZE")
    print(f"generated {n} dossiers ({open_n} open in CVT) in {time.time() - t0:.1f} s", file=sys.stderr)


def postgres_sql(n, open_n):
    per_day = -(-n // DAYS)
    print(f"""
\\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE p AS SELECT (SELECT id FROM agency LIMIT 1) AS agency,
  (SELECT id FROM unit WHERE code = 'CVT') AS unit,
  id AS proc_id, code, name, current_version_id AS ver FROM procedure WHERE published ORDER BY code LIMIT 1;
INSERT INTO dossier (id, agency_id, code, procedure_id, procedure_code, procedure_name, procedure_version_id, unit_id,
  handler_unit_id, handler_id, channel, return_channel, return_address, applicant_user_id, applicant_kind,
  applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, components, state,
  supplement_requests, extended, approved, received_at, original_due_at, due_at, paused_at, paused_seconds,
  finished_at, resolved_at, returned_at, outcome, working_seconds_used, lookup_code, idempotency_key,
  request_hash, postal_receipt_no, fees_vnd, rating, version, created_at, updated_at)
SELECT gen_random_uuid(), p.agency,
  '000.00.00.G22-' || to_char(date '2026-01-01' + (i / {per_day}), 'YYMMDD') || '-' || lpad((i % {per_day} + 500001)::text, 6, '0'),
  p.proc_id, p.code, p.name, p.ver, p.unit, p.unit, NULL, 'online', 'online', NULL, NULL, 'citizen', 'Nguyễn Văn Thử',
  '001190000000', '0912345678', 'thu@example.vn', 'Hà Nội', '[]',
  CASE WHEN i >= {n} - {open_n} THEN 4 ELSE 10 END, 0, false, true,
  (date '2026-01-01' + (i / {per_day}))::timestamp + interval '2 hours',
  (date '2026-01-01' + (i / {per_day} + 7))::timestamp + interval '10 hours',
  (date '2026-01-01' + (i / {per_day} + 7))::timestamp + interval '10 hours',
  NULL, 0,
  CASE WHEN i >= {n} - {open_n} THEN NULL ELSE (date '2026-01-01' + (i / {per_day} + 3))::timestamp + interval '8 hours' END,
  CASE WHEN i >= {n} - {open_n} THEN NULL ELSE (date '2026-01-01' + (i / {per_day} + 3))::timestamp + interval '8 hours' END,
  CASE WHEN i >= {n} - {open_n} THEN NULL ELSE (date '2026-01-01' + (i / {per_day} + 4))::timestamp + interval '8 hours' END,
  CASE WHEN i >= {n} - {open_n} THEN NULL ELSE 'early' END, NULL, 'BENCH001', NULL, NULL, NULL, 0, NULL, 3,
  timestamptz '2026-01-01 00:00:00+00', timestamptz '2026-01-01 00:00:00+00'
FROM generate_series(0, {n} - 1) AS i, p;
INSERT INTO dossier_event (id, agency_id, dossier_id, seq, action, from_state, to_state, actor_id, actor_role,
  actor_unit, at, note, data)
SELECT gen_random_uuid(), agency_id, id, 1, 'file', NULL, 1, NULL, 'applicant', NULL, received_at, '', '{{}}' FROM dossier WHERE lookup_code = 'BENCH001';
INSERT INTO dossier_stat (agency_id, unit_id, procedure_code, month, channel, submitted, received,
  received_postal, refused, withdrawn, stopped, finished, resolved_early, resolved_on_time, resolved_late,
  returned_online, returned_counter, returned_postal, supplement_requests)
SELECT agency_id, unit_id, procedure_code, to_char(received_at AT TIME ZONE 'UTC', 'YYYYMM')::int, channel,
  COUNT(*), COUNT(*), 0, 0, 0, 0, COUNT(*) FILTER (WHERE state = 10), COUNT(*) FILTER (WHERE state = 10), 0, 0,
  COUNT(*) FILTER (WHERE state = 10), 0, 0, 0
FROM dossier WHERE lookup_code = 'BENCH001' GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (agency_id, month, unit_id, procedure_code, channel) DO UPDATE SET
  submitted = dossier_stat.submitted + excluded.submitted, received = dossier_stat.received + excluded.received,
  finished = dossier_stat.finished + excluded.finished, resolved_early = dossier_stat.resolved_early + excluded.resolved_early,
  returned_online = dossier_stat.returned_online + excluded.returned_online;
INSERT INTO dossier_sequence (agency_id, day, last)
SELECT agency_id, substr(code, 15, 6), MAX(substr(code, 22)::int) FROM dossier WHERE lookup_code = 'BENCH001' GROUP BY 1, 2
ON CONFLICT (agency_id, day) DO UPDATE SET last = GREATEST(dossier_sequence.last, excluded.last);
COMMIT;
ANALYZE;
""")


if __name__ == "__main__":
    if sys.argv[1] == "sqlite":
        sqlite_gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        postgres_sql(int(sys.argv[2]), int(sys.argv[3]))
