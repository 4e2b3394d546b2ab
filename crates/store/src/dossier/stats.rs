//! The live statistics: counters moved in the event's transaction, their sums and the open count.

use super::*;

/// The month key `yyyymm` of an instant, in Vietnam time.
pub fn month_of(t: DateTime<Utc>) -> i32 {
    let l = t.with_timezone(&VN_OFFSET);
    l.year() * 100 + l.month() as i32
}

/// Which row of `dossier_stat` an event counts in.
#[derive(Clone, Debug)]
pub(super) struct StatKey {
    pub(super) agency_id: Uuid,
    pub(super) unit_id: Uuid,
    pub(super) procedure_code: String,
    pub(super) month: i32,
    pub(super) channel: String,
}

pub(super) async fn bump(
    db: &Db,
    txn: &DatabaseTransaction,
    key: &StatKey,
    counters: &[Counter],
) -> Result<()> {
    if counters.is_empty() {
        return Ok(());
    }
    let cols: Vec<&str> = Counter::ALL.iter().map(|c| c.column()).collect();
    let ph = |i: usize| match db.backend() {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let mut values: Vec<Value> = vec![
        key.agency_id.into(),
        key.unit_id.into(),
        key.procedure_code.clone().into(),
        key.month.into(),
        key.channel.clone().into(),
    ];
    for c in Counter::ALL {
        values.push(i64::from(counters.contains(&c)).into());
    }
    let placeholders: Vec<String> = (1..=values.len()).map(ph).collect();
    let updates: Vec<String> = counters
        .iter()
        .map(|c| {
            format!(
                "{col} = dossier_stat.{col} + excluded.{col}",
                col = c.column()
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO dossier_stat (agency_id, unit_id, procedure_code, month, channel, {cols}) \
         VALUES ({vals}) ON CONFLICT (agency_id, month, unit_id, procedure_code, channel) \
         DO UPDATE SET {updates}",
        cols = cols.join(", "),
        vals = placeholders.join(", "),
        updates = updates.join(", "),
    );
    txn.execute_raw(Statement::from_sql_and_values(
        db.backend().sea(),
        sql,
        values,
    ))
    .await?;
    Ok(())
}

/// Totals of every counter over a set of `dossier_stat` rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals(pub std::collections::BTreeMap<&'static str, i64>);

impl Totals {
    pub fn get(&self, c: Counter) -> i64 {
        self.0.get(c.column()).copied().unwrap_or(0)
    }

    /// Dossiers filed in the period on `channel`: an online filing moves `submitted`, a counter or
    /// postal filing `received` at once (an online dossier's later receipt moves `received` of
    /// its channel).
    pub fn filed(&self, channel: &str) -> i64 {
        if channel == "online" {
            self.get(Counter::Submitted)
        } else {
            self.get(Counter::Received)
        }
    }

    /// Resolved early or on time (Decision 766 indicator 2.1's numerator).
    pub fn resolved_in_time(&self) -> i64 {
        self.get(Counter::ResolvedEarly) + self.get(Counter::ResolvedOnTime)
    }

    /// Results returned, on every channel.
    pub fn returned(&self) -> i64 {
        self.get(Counter::ReturnedOnline)
            + self.get(Counter::ReturnedCounter)
            + self.get(Counter::ReturnedPostal)
    }
}

/// The filter of a statistics query.
#[derive(Clone, Debug, Default)]
pub struct StatFilter {
    pub agency_id: Uuid,
    /// Only these units (`None`: all).
    pub units: Option<Vec<Uuid>>,
    pub procedure_code: Option<String>,
}

/// Sums of the counters for months `from..=to` (yyyymm), grouped by `group` (a column of
/// `dossier_stat`, or none for one total).
pub async fn stat_totals(
    db: &Db,
    f: &StatFilter,
    from: i32,
    to: i32,
    group: Option<&str>,
) -> Result<Vec<(String, Totals)>> {
    let backend = db.backend();
    let mut values: Vec<Value> = vec![f.agency_id.into(), from.into(), to.into()];
    let mut where_ = String::from("agency_id = {1} AND month >= {2} AND month <= {3}");
    if let Some(units) = &f.units {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let mut marks = Vec::new();
        for u in units {
            values.push((*u).into());
            marks.push(format!("{{{}}}", values.len()));
        }
        where_.push_str(&format!(" AND unit_id IN ({})", marks.join(", ")));
    }
    if let Some(code) = &f.procedure_code {
        values.push(code.clone().into());
        where_.push_str(&format!(" AND procedure_code = {{{}}}", values.len()));
    }
    let sums: Vec<String> = Counter::ALL
        .iter()
        .map(|c| {
            format!(
                "CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}",
                c = c.column()
            )
        })
        .collect();
    let (select_group, group_by) = match group {
        Some(g) => (
            format!("CAST({g} AS TEXT) AS grp, "),
            format!(" GROUP BY {g} ORDER BY {g}"),
        ),
        None => (String::from("'' AS grp, "), String::new()),
    };
    let mut sql = format!(
        "SELECT {select_group}{sums} FROM dossier_stat WHERE {where_}{group_by}",
        sums = sums.join(", ")
    );
    for i in (1..=values.len()).rev() {
        let mark = match backend {
            Backend::Postgres => format!("${i}"),
            Backend::Sqlite => format!("?{i}"),
        };
        sql = sql.replace(&format!("{{{i}}}"), &mark);
    }
    let rows = db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(backend.sea(), sql, values))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let grp: String = r.try_get("", "grp").unwrap_or_default();
        let mut t = Totals::default();
        for c in Counter::ALL {
            // Cast to BIGINT in SQL: PostgreSQL would otherwise sum bigints as numeric.
            let v = r.try_get::<i64>("", c.column()).ok();
            t.0.insert(c.column(), v.unwrap_or(0));
        }
        out.push((grp, t));
    }
    Ok(out)
}

/// Dossiers open now (received, not finished) in the filter's scope, split into within time and
/// overdue at `now`. A dossier waiting for a supplement is judged at the time of the request
/// (Decision 766 ind. 2.1; domain rules §1.3).
pub async fn open_now(db: &Db, f: &StatFilter, now: DateTime<Utc>) -> Result<(i64, i64)> {
    let backend = db.backend();
    let mark = |i: usize| match backend {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => format!("?{i}"),
    };
    let mut values: Vec<Value> = vec![f.agency_id.into(), now.into()];
    let mut scope = String::new();
    if let Some(units) = &f.units {
        if units.is_empty() {
            return Ok((0, 0));
        }
        let mut marks = Vec::new();
        for u in units {
            values.push((*u).into());
            marks.push(mark(values.len()));
        }
        scope.push_str(&format!(" AND unit_id IN ({})", marks.join(", ")));
    }
    if let Some(code) = &f.procedure_code {
        values.push(code.clone().into());
        scope.push_str(&format!(" AND procedure_code = {}", mark(values.len())));
    }
    // Three counts over `ix_dossier_state_due`: all open; running past the appointment; waiting
    // for a supplement asked after the appointment had passed.
    let (a, t) = (mark(1), mark(2));
    let sql = format!(
        "SELECT \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM dossier WHERE agency_id = {a} AND state IN (2, 4, 5, 6){scope}) AS n, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM dossier WHERE agency_id = {a} AND state IN (2, 4, 6) AND due_at < {t}{scope}) AS running_late, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM dossier WHERE agency_id = {a} AND state = 5 AND paused_at > due_at{scope}) AS paused_late"
    );
    let row = db
        .conn()
        .query_one_raw(Statement::from_sql_and_values(backend.sea(), sql, values))
        .await?
        .ok_or(StoreError::NotFound)?;
    let n: i64 = row.try_get("", "n")?;
    let late = row.try_get::<i64>("", "running_late")? + row.try_get::<i64>("", "paused_late")?;
    Ok((n - late, late))
}
