//! Dossiers (hồ sơ): the current-state row, its append-only events, uploads, the daily code
//! sequence per agency, the notification outbox and the live statistics counters.
//!
//! Every row carries `agency_id` (storage rules in docs/ARCHITECTURE.md). Personal data of the
//! applicant lives only in `dossier` (never in events, audit entries, statistics or the outbox's
//! logged fields).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn uuid(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).uuid().not_null().to_owned()
}
fn uuid_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).uuid().null().to_owned()
}
fn text(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().not_null().to_owned()
}
fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).text().null().to_owned()
}
fn string(name: &str, len: u32) -> ColumnDef {
    ColumnDef::new(a(name))
        .string_len(len)
        .not_null()
        .to_owned()
}
fn string_null(name: &str, len: u32) -> ColumnDef {
    ColumnDef::new(a(name)).string_len(len).null().to_owned()
}
fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
fn ts_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}
fn int(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).integer().not_null().to_owned()
}
fn big(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).big_integer().not_null().to_owned()
}
fn big_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).big_integer().null().to_owned()
}
fn small(name: &str) -> ColumnDef {
    ColumnDef::new(a(name))
        .small_integer()
        .not_null()
        .to_owned()
}
fn small_null(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).small_integer().null().to_owned()
}
fn boolean(name: &str) -> ColumnDef {
    ColumnDef::new(a(name)).boolean().not_null().to_owned()
}

fn table(name: &str, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(a(name));
    for mut c in cols {
        t.col(&mut c);
    }
    t.to_owned()
}

fn index(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

/// The statistics counters, one column each (see `motcua_store::dossier::StatCounters`).
pub const STAT_COUNTERS: [&str; 14] = [
    "submitted",
    "received",
    "received_postal",
    "refused",
    "withdrawn",
    "stopped",
    "finished",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "returned_online",
    "returned_counter",
    "returned_postal",
    "supplement_requests",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            table(
                "upload",
                vec![
                    uuid("id").primary_key().to_owned(),
                    uuid("agency_id"),
                    uuid_null("owner_id"),
                    uuid_null("dossier_id"),
                    text("file_name"),
                    string("content_type", 100),
                    big("size"),
                    string("sha256", 64),
                    ColumnDef::new(a("content")).blob().not_null().to_owned(),
                    ts("created_at"),
                ],
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_upload_agency")
                    .from(a("upload"), a("agency_id"))
                    .to(a("agency"), a("id")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("ix_upload_dossier", "upload", &["dossier_id"], false))
            .await?;

        m.create_table(
            table(
                "dossier",
                vec![
                    uuid("id").primary_key().to_owned(),
                    uuid("agency_id"),
                    string("code", 40),
                    uuid("procedure_id"),
                    string("procedure_code", 16),
                    text("procedure_name"),
                    uuid("procedure_version_id"),
                    uuid("unit_id"),
                    uuid("handler_unit_id"),
                    uuid_null("handler_id"),
                    string("channel", 16),
                    string("return_channel", 16),
                    text_null("return_address"),
                    uuid_null("applicant_user_id"),
                    string("applicant_kind", 16),
                    text("applicant_name"),
                    string("applicant_id_number", 20),
                    string("applicant_phone", 20),
                    text("applicant_email"),
                    text("applicant_address"),
                    text("components"),
                    small("state"),
                    int("supplement_requests"),
                    boolean("extended"),
                    boolean("approved"),
                    ts("received_at"),
                    ts("original_due_at"),
                    ts("due_at"),
                    ts_null("paused_at"),
                    big("paused_seconds"),
                    ts_null("finished_at"),
                    ts_null("resolved_at"),
                    ts_null("returned_at"),
                    string_null("outcome", 16),
                    big_null("working_seconds_used"),
                    string("lookup_code", 16),
                    string_null("idempotency_key", 200),
                    string_null("request_hash", 64),
                    string_null("postal_receipt_no", 40),
                    big("fees_vnd"),
                    small_null("rating"),
                    big("version"),
                    ts("created_at"),
                    ts("updated_at"),
                ],
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_dossier_agency")
                    .from(a("dossier"), a("agency_id"))
                    .to(a("agency"), a("id")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_dossier_agency_code",
            "dossier",
            &["agency_id", "code"],
            true,
        ))
        .await?;
        m.create_index(index("ix_dossier_code", "dossier", &["code"], false))
            .await?;
        m.create_index(index(
            "ux_dossier_idempotency",
            "dossier",
            &["agency_id", "idempotency_key"],
            true,
        ))
        .await?;
        // The work queue: a unit's dossiers in a state, by due time.
        m.create_index(index(
            "ix_dossier_queue",
            "dossier",
            &["agency_id", "handler_unit_id", "state", "due_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_dossier_state_due",
            "dossier",
            &["agency_id", "state", "unit_id", "due_at"],
            false,
        ))
        .await?;
        // The default queue (every state still needing work, by due time): a partial index, so
        // the finished dossiers of a unit's past are never scanned. Both backends support it; the
        // query repeats the predicate literally (`motcua_store::dossier::WORK_STATES_SQL`).
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_dossier_work ON dossier (agency_id, handler_unit_id, due_at) \
                 WHERE state IN (1, 2, 4, 5, 6, 9)",
            )
            .await?;
        m.create_index(index(
            "ix_dossier_received",
            "dossier",
            &["agency_id", "received_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_dossier_applicant",
            "dossier",
            &["applicant_user_id", "received_at"],
            false,
        ))
        .await?;

        m.create_table(table(
            "dossier_event",
            vec![
                uuid("id").primary_key().to_owned(),
                uuid("agency_id"),
                uuid("dossier_id"),
                int("seq"),
                string("action", 32),
                small_null("from_state"),
                small("to_state"),
                uuid_null("actor_id"),
                string("actor_role", 32),
                uuid_null("actor_unit"),
                ts("at"),
                text("note"),
                text("data"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ux_dossier_event_seq",
            "dossier_event",
            &["dossier_id", "seq"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_dossier_event_at",
            "dossier_event",
            &["agency_id", "at"],
            false,
        ))
        .await?;

        m.create_table(
            table(
                "dossier_sequence",
                vec![uuid("agency_id"), string("day", 6), int("last")],
            )
            .primary_key(Index::create().col(a("agency_id")).col(a("day")))
            .to_owned(),
        )
        .await?;

        m.create_table(table(
            "outbox",
            vec![
                uuid("id").primary_key().to_owned(),
                uuid("agency_id"),
                string("topic", 40),
                uuid_null("dossier_id"),
                text("payload"),
                ts("created_at"),
                int("attempts"),
                ts("next_attempt_at"),
                ts_null("delivered_at"),
                text_null("last_error"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_outbox_pending",
            "outbox",
            &["delivered_at", "next_attempt_at"],
            false,
        ))
        .await?;

        let mut cols = vec![
            uuid("agency_id"),
            uuid("unit_id"),
            string("procedure_code", 16),
            int("month"),
            string("channel", 16),
        ];
        cols.extend(STAT_COUNTERS.iter().map(|c| big(c)));
        m.create_table(
            table("dossier_stat", cols)
                .primary_key(
                    Index::create()
                        .col(a("agency_id"))
                        .col(a("month"))
                        .col(a("unit_id"))
                        .col(a("procedure_code"))
                        .col(a("channel")),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "dossier_stat",
            "outbox",
            "dossier_sequence",
            "dossier_event",
            "dossier",
            "upload",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
