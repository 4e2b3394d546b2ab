//! The catalogue is searched in memory (`store::catalog::search`, over
//! `motcua_domain::catalog::search_index`): the database's full-text structures go (SQLite's
//! `procedure_fts`; PostgreSQL's stored `search_tsv`, its GIN index and the trigram index), and a
//! generation number, raised by triggers on every change of a procedure row in the same
//! transaction, tells every process when its index is out of date.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        conn.execute_unprepared(
            "CREATE TABLE catalog_generation (id SMALLINT PRIMARY KEY, n BIGINT NOT NULL)",
        )
        .await?;
        conn.execute_unprepared("INSERT INTO catalog_generation (id, n) VALUES (1, 0)")
            .await?;
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                for (name, event) in [
                    ("tr_procedure_generation_ins", "INSERT"),
                    ("tr_procedure_generation_upd", "UPDATE"),
                    ("tr_procedure_generation_del", "DELETE"),
                ] {
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} AFTER {event} ON procedure BEGIN \
                         UPDATE catalog_generation SET n = n + 1 WHERE id = 1; END"
                    ))
                    .await?;
                }
                conn.execute_unprepared("DROP TABLE procedure_fts").await?;
            }
            DbBackend::Postgres => {
                conn.execute_unprepared(
                    "CREATE FUNCTION catalog_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN UPDATE catalog_generation SET n = n + 1 WHERE id = 1; RETURN NULL; END $$",
                )
                .await?;
                // Once per statement: a bulk import of 10,000 rows raises it a few times, not
                // 10,000.
                conn.execute_unprepared(
                    "CREATE TRIGGER tr_procedure_generation AFTER INSERT OR UPDATE OR DELETE \
                     ON procedure FOR EACH STATEMENT EXECUTE FUNCTION catalog_generation_bump()",
                )
                .await?;
                conn.execute_unprepared("DROP INDEX IF EXISTS ix_procedure_trgm")
                    .await?;
                conn.execute_unprepared("DROP INDEX ix_procedure_tsv")
                    .await?;
                conn.execute_unprepared("ALTER TABLE procedure DROP COLUMN search_tsv")
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                for name in [
                    "tr_procedure_generation_ins",
                    "tr_procedure_generation_upd",
                    "tr_procedure_generation_del",
                ] {
                    conn.execute_unprepared(&format!("DROP TRIGGER {name}"))
                        .await?;
                }
                conn.execute_unprepared(
                    "CREATE VIRTUAL TABLE procedure_fts USING fts5(search_text, procedure_id UNINDEXED, prefix='2 3')",
                )
                .await?;
                // The documents as migration 000003's code wrote them: the text and its filter
                // tokens.
                conn.execute_unprepared(
                    "INSERT INTO procedure_fts (rowid, search_text, procedure_id) \
                     SELECT rowid, search_text || ' qqpub' || published || ' qqf' || replace(field, '-', '') \
                     || ' qqo' || online_class || ' qqpost' || (postal_receipt OR postal_return) \
                     || ' qqag' || lower(replace(agency_organ, '.', '')), id FROM procedure",
                )
                .await?;
            }
            DbBackend::Postgres => {
                conn.execute_unprepared("DROP TRIGGER tr_procedure_generation ON procedure")
                    .await?;
                conn.execute_unprepared("DROP FUNCTION catalog_generation_bump()")
                    .await?;
                conn.execute_unprepared(
                    "ALTER TABLE procedure ADD COLUMN search_tsv tsvector \
                     GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE INDEX ix_procedure_tsv ON procedure USING GIN (search_tsv)",
                )
                .await?;
                conn.execute_unprepared(
                    "DO $$ BEGIN
                       IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                         CREATE INDEX ix_procedure_trgm ON procedure USING GIN (search_text gin_trgm_ops);
                       END IF;
                     END $$",
                )
                .await?;
            }
            _ => {}
        }
        conn.execute_unprepared("DROP TABLE catalog_generation")
            .await
            .map(|_| ())
    }
}
