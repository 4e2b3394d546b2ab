#!/usr/bin/env python3
"""The limit for `motcua demo --dossiers N` on SQLite: SQLite itself copying the same generated rows
(dossiers and their events) into an empty database with the same schema, indexes and settings (WAL,
synchronous = FULL) with INSERT ... SELECT: no parsing, no binding, one statement per table. Prints
dossiers per second.

  copy_limit.py PATH_OF_THE_GENERATED_DATABASE
"""
import os
import sqlite3
import sys
import tempfile
import time

src_path = sys.argv[1]
src = sqlite3.connect(src_path)
ddl = [r[0] for r in src.execute(
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ('dossier', 'dossier_event') "
    "AND name NOT LIKE 'sqlite_%' ORDER BY type DESC")]
src.close()
with tempfile.TemporaryDirectory(dir=os.path.dirname(src_path)) as d:
    dst = sqlite3.connect(os.path.join(d, "copy.db"), isolation_level=None)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.execute("PRAGMA synchronous = FULL")
    dst.execute("PRAGMA cache_size = -262144")
    for q in ddl:
        dst.execute(q)
    dst.execute("ATTACH ? AS s", (src_path,))
    n = dst.execute("SELECT COUNT(*) FROM s.dossier WHERE idempotency_key LIKE 'generated:%'").fetchone()[0]
    t = time.time()
    dst.execute("BEGIN IMMEDIATE")
    dst.execute("INSERT INTO dossier SELECT * FROM s.dossier WHERE idempotency_key LIKE 'generated:%'")
    dst.execute("INSERT INTO dossier_event SELECT e.* FROM s.dossier_event e JOIN dossier d ON d.id = e.dossier_id")
    dst.execute("COMMIT")
    dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elapsed = time.time() - t
    dst.close()
print(round(n / elapsed))
