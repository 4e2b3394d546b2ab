//! A generated history of dossiers, for demonstrations and benchmarks at scale (issue 6):
//! `motcua demo --dossiers N --years Y --seed S`.
//!
//! The history is deterministic for a seed and a clock, and shaped like a ministry's real one:
//! - procedure popularity is skewed (Zipf: the few most used procedures take most dossiers);
//! - the volume grows year on year, dips in the Tết months and peaks in December;
//! - the channel mix moves from the counter to online over the period, with a postal share where the
//!   procedure accepts postal receipt (the plan's T7.4–T7.6);
//! - processing times are drawn against each procedure's legal time on the working calendar, with
//!   supplement requests (one at most, Decree 61/2018 art. 15), extensions with an apology (art. 19.3),
//!   late results that become rarer over the years, refusals, withdrawals and stops, ratings;
//! - results go back on the applicant's channel, postal returns included (T7.7).
//!
//! Every event goes through the domain's state machine ([`motcua_domain::dossier::state::apply`]), is
//! acted by a role that may act it (Decree 61/2018 art. 8, [`motcua_domain::dossier::roles`]), and
//! moves the same statistics counters as a live event; outcomes are judged by the same
//! [`motcua_domain::dossier::assess`]. Events after the clock are not written: the most recent
//! dossiers are open, some of them overdue.
//!
//! Writing: chunks of dossiers, each in one write transaction with its events, counters, daily
//! sequence numbers and one audit entry naming the chunk and the seed. Generation runs on its own
//! thread while the previous chunk is written. Dossiers carry the idempotency key
//! `generated:{seed}:{n}`, so a second run with the same seed is recognised and skipped.

use crate::audit::{self, AuditCtx, Change};
use crate::entity::{agency, unit};
use crate::error::Result;
use crate::{Backend, Db, StoreError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use motcua_domain::account::Role;
use motcua_domain::calendar::{WorkDuration, WorkingCalendar};
use motcua_domain::catalog::procedure::{Channel, ProcedureData};
use motcua_domain::dossier::code::{DossierCode, LOOKUP_LEN, lookup_code};
use motcua_domain::dossier::roles::may_act;
use motcua_domain::dossier::state::{Action, DossierState, Facts, apply};
use motcua_domain::dossier::stats::{Counter, EventKind, counters};
use motcua_domain::dossier::{Outcome, Pause, Progress, Timeline, assess, check_extension};
use motcua_domain::org::OrganId;
use motcua_domain::time::{from_local, to_local};
use sea_orm::{ConnectionTrait, EntityTrait, Statement, Value};
use serde_json::json;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    pub dossiers: u64,
    /// The history covers this many years up to `now`.
    pub years: u32,
    pub seed: u64,
    /// The clock: the history covers the days before this one; events after its midnight are not
    /// written (those dossiers are open).
    pub now: DateTime<Utc>,
    /// Dossiers per write transaction.
    pub chunk: usize,
}

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub dossiers: u64,
    pub events: u64,
    pub open: u64,
    /// Set when the same seed had already been generated: nothing was written.
    pub already_present: bool,
}

const DOSSIER_COLS: &[&str] = &[
    "id",
    "agency_id",
    "code",
    "procedure_id",
    "procedure_code",
    "procedure_name",
    "procedure_version_id",
    "unit_id",
    "handler_unit_id",
    "handler_id",
    "channel",
    "return_channel",
    "return_address",
    "applicant_user_id",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "components",
    "state",
    "supplement_requests",
    "extended",
    "approved",
    "received_at",
    "original_due_at",
    "due_at",
    "paused_at",
    "paused_seconds",
    "finished_at",
    "resolved_at",
    "returned_at",
    "outcome",
    "working_seconds_used",
    "lookup_code",
    "idempotency_key",
    "request_hash",
    "postal_receipt_no",
    "fees_vnd",
    "rating",
    "version",
    "created_at",
    "updated_at",
];

const EVENT_COLS: &[&str] = &[
    "id",
    "agency_id",
    "dossier_id",
    "seq",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_role",
    "actor_unit",
    "at",
    "note",
    "data",
];

/// Rows per INSERT statement (SQLite allows 32,766 parameters, PostgreSQL 65,535).
const DOSSIER_ROWS: usize = 300;
const EVENT_ROWS: usize = 1000;
const STAT_ROWS: usize = 500;

/// A small deterministic generator (SplitMix64): the same seed gives the same history everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// A published procedure as the generator uses it.
struct Proc {
    id: Uuid,
    version_id: Uuid,
    code: String,
    name: String,
    agency_id: Uuid,
    organ: OrganId,
    unit_id: Uuid,
    unit_code: String,
    duration: WorkDuration,
    cutoff: Option<NaiveTime>,
    online: bool,
    counter: bool,
    postal_receipt: bool,
    postal_return: bool,
    components: String,
    fee: i64,
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Xuân",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phương", "Quang", "Sơn", "Tâm", "Thảo",
    "Trang", "Tuấn", "Việt", "Vy", "Yến",
];
const FIRM: &[&str] = &[
    "Công ty TNHH Bưu chính Sao Mai",
    "Công ty Cổ phần Viễn thông Đông Á",
    "Công ty TNHH Truyền thông Hồng Hà",
    "Công ty Cổ phần Phát hành Báo chí Miền Trung",
    "Công ty TNHH Dịch vụ Chuyển phát Nhanh Phương Nam",
    "Công ty Cổ phần Công nghệ Số Tây Nguyên",
    "Công ty TNHH In ấn Thăng Long",
    "Công ty Cổ phần Xuất bản Giáo dục Cửu Long",
];
const PLACE: &[&str] = &[
    "Phường Ba Đình, Hà Nội",
    "Phường Hoàn Kiếm, Hà Nội",
    "Phường Cầu Giấy, Hà Nội",
    "Phường Sài Gòn, Thành phố Hồ Chí Minh",
    "Phường Bến Thành, Thành phố Hồ Chí Minh",
    "Phường Hải Châu, Thành phố Đà Nẵng",
    "Phường Hồng Bàng, Thành phố Hải Phòng",
    "Phường Ninh Kiều, Thành phố Cần Thơ",
    "Phường Thuận Hóa, Thành phố Huế",
    "Phường Vinh Phú, Nghệ An",
];

fn nfc(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.nfc().collect()).collect()
}

/// One dossier being written: its row values and its events.
struct Draft {
    proc_ix: usize,
    channel: Channel,
    state: DossierState,
    facts: Facts,
    events: Vec<Ev>,
    cut: bool,
    last_at: NaiveDateTime,
    now: NaiveDateTime,
    paused_at: Option<NaiveDateTime>,
    paused_seconds: u64,
    original_due: NaiveDateTime,
    due_at: NaiveDateTime,
    finished_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    returned_at: Option<NaiveDateTime>,
    outcome: Option<Outcome>,
    working_seconds_used: Option<u64>,
    rating: Option<i16>,
}

struct Ev {
    action: &'static str,
    from: Option<DossierState>,
    to: DossierState,
    role: Role,
    at: NaiveDateTime,
    data: String,
    kind: EventKind,
}

impl Draft {
    /// The role that acts `action` (the first that the law lets act it).
    fn role_for(action: Action) -> Role {
        [
            Role::DeskOfficer,
            Role::Officer,
            Role::UnitLeader,
            Role::Applicant,
        ]
        .into_iter()
        .find(|r| may_act(*r, action))
        .unwrap_or(Role::Officer)
    }

    /// Record `action` at `at` (never before the previous event), unless the history has ended.
    /// Returns whether it was recorded.
    fn act(&mut self, action: Action, at: NaiveDateTime, data: serde_json::Value) -> bool {
        if self.cut {
            return false;
        }
        let at = at.max(self.last_at + Duration::seconds(60));
        if at > self.now {
            self.cut = true;
            return false;
        }
        let Ok((next, facts)) = apply(self.state, self.facts, action) else {
            // The generator only plans legal moves; an illegal one ends the history here.
            self.cut = true;
            return false;
        };
        let kind = EventKind::Acted {
            action,
            from: self.state,
            outcome: self.outcome.filter(|_| action == Action::Resolve),
            return_channel: None,
        };
        self.events.push(Ev {
            action: action.code(),
            from: Some(self.state),
            to: next,
            role: Self::role_for(action),
            at,
            data: data.to_string(),
            kind,
        });
        self.state = next;
        self.facts = facts;
        self.last_at = at;
        true
    }
}

/// The generator proper (runs on its own thread).
struct Gen<'a> {
    cal: &'a WorkingCalendar,
    procs: Vec<Proc>,
    /// Cumulative Zipf weights over `procs`.
    cum: Vec<f64>,
    rng: Rng,
    seed: u64,
    now: NaiveDateTime,
    sequences: HashMap<(Uuid, String), u32>,
    /// Instants as text (SQLite) rather than typed (PostgreSQL).
    text: bool,
    family: Vec<String>,
    middle: Vec<String>,
    given: Vec<String>,
    firm: Vec<String>,
    place: Vec<String>,
}

/// One chunk ready for writing.
struct Chunk {
    dossiers: Vec<Value>,
    n_dossiers: usize,
    events: Vec<Value>,
    n_events: usize,
    open: u64,
    stats: HashMap<(Uuid, Uuid, String, i32, &'static str), [i64; 14]>,
    sequences: Vec<(Uuid, String, u32)>,
    touched: Vec<(Uuid, String)>,
    first: String,
    last: String,
}

fn v7(at: NaiveDateTime, rng: &mut Rng) -> Uuid {
    let ms = u64::try_from(from_local(at).timestamp_millis()).unwrap_or(0);
    let r = rng.next().to_le_bytes();
    let r2 = rng.next().to_le_bytes();
    let mut bytes = [0u8; 10];
    bytes[..8].copy_from_slice(&r);
    bytes[8..].copy_from_slice(&r2[..2]);
    uuid::Builder::from_unix_timestamp_millis(ms, &bytes).into_uuid()
}

/// An instant as a value: typed for PostgreSQL; for SQLite the text SeaORM (sqlx) writes,
/// RFC 3339 in UTC (`to_rfc3339_opts(AutoSi, false)`; generated instants are whole seconds),
/// formatted here on the generator's thread rather than on the writer's.
fn instant(t: NaiveDateTime, text: bool) -> Value {
    if !text {
        return from_local(t).into();
    }
    let u = from_local(t).naive_utc();
    let (d, tm) = (u.date(), u.time());
    let mut s = String::with_capacity(25);
    let two = |s: &mut String, n: u32| {
        s.push(char::from(b'0' + (n / 10 % 10) as u8));
        s.push(char::from(b'0' + (n % 10) as u8));
    };
    let y = d.year().clamp(0, 9999) as u32;
    two(&mut s, y / 100);
    two(&mut s, y % 100);
    s.push('-');
    two(&mut s, d.month());
    s.push('-');
    two(&mut s, d.day());
    s.push('T');
    two(&mut s, tm.hour());
    s.push(':');
    two(&mut s, tm.minute());
    s.push(':');
    two(&mut s, tm.second());
    s.push_str("+00:00");
    s.into()
}

/// `t` plus `seconds` of working time.
fn instant_opt_(t: Option<NaiveDateTime>, text: bool) -> Value {
    match t {
        Some(t) => instant(t, text),
        None if text => Option::<String>::None.into(),
        None => Option::<DateTime<Utc>>::None.into(),
    }
}

fn work(cal: &WorkingCalendar, t: NaiveDateTime, seconds: u64) -> NaiveDateTime {
    cal.add_working_seconds(t, seconds).unwrap_or(t)
}

fn counter_ix(c: Counter) -> usize {
    Counter::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

impl Gen<'_> {
    fn procedure(&mut self) -> usize {
        let total = self.cum.last().copied().unwrap_or(1.0);
        let x = self.rng.unit() * total;
        self.cum
            .partition_point(|c| *c <= x)
            .min(self.procs.len() - 1)
    }

    /// Plan one dossier received at `received` (local time); `frac` is its place in the period.
    fn dossier(&mut self, received: NaiveDateTime, frac: f64) -> Draft {
        let pi = self.procedure();
        let p = &self.procs[pi];
        let online_share = 0.22 + 0.50 * frac;
        let postal_share = if p.postal_receipt {
            0.05 + 0.05 * frac
        } else {
            0.0
        };
        let x = self.rng.unit();
        let channel = if p.online && (x < online_share || !(p.counter || p.postal_receipt)) {
            Channel::Online
        } else if p.postal_receipt && (x < online_share + postal_share || !p.counter) {
            Channel::Postal
        } else {
            Channel::Counter
        };
        // Online filings arrive at any hour; the desk and the post office hand over in working time.
        let received = if channel == Channel::Online && self.rng.chance(0.35) {
            received.date().and_time(NaiveTime::MIN)
                + Duration::seconds(6 * 3600 + self.rng.below(17 * 3600) as i64)
        } else {
            received
        };
        let due = self
            .cal
            .due(received, p.duration, p.cutoff)
            .unwrap_or(received + Duration::days(7));
        let first = if channel == Channel::Online {
            DossierState::Submitted
        } else {
            DossierState::Received
        };
        let mut d = Draft {
            proc_ix: pi,
            channel,
            state: first,
            facts: Facts::default(),
            events: Vec::with_capacity(7),
            cut: false,
            last_at: received,
            now: self.now,
            paused_at: None,
            paused_seconds: 0,
            original_due: due,
            due_at: due,
            finished_at: None,
            resolved_at: None,
            returned_at: None,
            outcome: None,
            working_seconds_used: None,
            rating: None,
        };
        let file_data = if channel == Channel::Postal {
            json!({ "postal_receipt_no": format!("EB{:09}VN", self.rng.below(1_000_000_000)), "handed_over_at": from_local(received), "fees_vnd": p.fee })
        } else {
            json!({})
        };
        d.events.push(Ev {
            action: "file",
            from: None,
            to: first,
            role: if channel == Channel::Online {
                Role::Applicant
            } else {
                Role::DeskOfficer
            },
            at: received,
            data: file_data.to_string(),
            kind: EventKind::Filed { to: first },
        });
        let start = self
            .cal
            .effective_receipt(received, p.cutoff)
            .unwrap_or(received);
        let legal = self
            .cal
            .working_seconds_between(start, due)
            .unwrap_or(8 * 3600)
            .max(3600);
        let mut t = received;
        if channel == Channel::Online {
            t = work(self.cal, start, 600 + self.rng.below(4 * 3600));
            if self.rng.chance(0.015) {
                if d.act(
                    Action::Refuse,
                    t,
                    json!({ "reason": "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan" }),
                ) {
                    d.finished_at = Some(d.last_at);
                }
                return d;
            }
            d.act(Action::Receive, t, json!({}));
        }
        t = work(self.cal, t.max(start), 900 + self.rng.below(3 * 3600));
        let unit_code = self.procs[pi].unit_code.clone();
        d.act(Action::Assign, t, json!({ "unit": unit_code }));
        // A few end early: withdrawn by the applicant (state 7) or stopped (state 8).
        for (p, action, reason) in [
            (0.005, Action::Withdraw, "Người nộp đề nghị rút hồ sơ"),
            (
                0.003,
                Action::Stop,
                "Hồ sơ thuộc trường hợp dừng xử lý theo quy định",
            ),
        ] {
            if self.rng.chance(p) {
                let at = work(
                    self.cal,
                    t,
                    (legal as f64 * self.rng.range(0.1, 0.6)) as u64,
                );
                if d.act(action, at, json!({ "reason": reason })) {
                    d.finished_at = Some(d.last_at);
                }
                return d;
            }
        }
        // Late results become rarer as the reform goes on.
        let late = self.rng.chance(0.09 - 0.06 * frac);
        let used = if late {
            self.rng.range(1.02, 1.4)
        } else {
            0.12 + 0.84 * self.rng.unit().powf(0.7)
        };
        let mut pauses: Vec<Pause> = Vec::new();
        if self.rng.chance(0.07) {
            let asked = work(
                self.cal,
                t,
                (legal as f64 * self.rng.range(0.05, 0.3)) as u64,
            );
            if d.act(
                Action::RequestSupplement,
                asked,
                json!({ "reason": "Bổ sung bản sao giấy tờ còn thiếu theo thành phần hồ sơ" }),
            ) {
                let asked = d.last_at;
                d.paused_at = Some(asked);
                let supplied = work(self.cal, asked, 1800 + self.rng.below(8 * 8 * 3600));
                let waited = self
                    .cal
                    .working_seconds_between(asked, supplied)
                    .unwrap_or(0);
                pauses.push(Pause {
                    requested_at: asked,
                    supplied_at: None,
                });
                if d.act(
                    Action::Supplement,
                    supplied,
                    json!({ "paused_working_seconds": waited, "upload_ids": [] }),
                ) {
                    let supplied = d.last_at;
                    let waited = self
                        .cal
                        .working_seconds_between(asked, supplied)
                        .unwrap_or(0);
                    pauses[0].supplied_at = Some(supplied);
                    d.paused_at = None;
                    d.paused_seconds = waited;
                    d.due_at = work(self.cal, due, waited);
                }
            }
        }
        let mut finish = work(
            self.cal,
            start,
            (legal as f64 * used) as u64 + d.paused_seconds,
        );
        if late && !d.cut && self.rng.chance(0.35) {
            // An apology with a new appointment, asked at least one working day before the due time.
            let ask = work(
                self.cal,
                start,
                (legal as f64 * 0.6) as u64 + d.paused_seconds,
            );
            if let Ok(day) = self.cal.nth_working_day_after(d.due_at.date(), 5) {
                let end = self.cal.hours().end_of_day();
                let new_due = day.and_time(
                    NaiveTime::from_num_seconds_from_midnight_opt(end, 0).unwrap_or(NaiveTime::MIN),
                );
                let ask = ask.max(d.last_at + Duration::seconds(60));
                if check_extension(self.cal, d.due_at, ask, new_due, false).is_ok()
                    && d.act(
                        Action::Extend,
                        ask,
                        json!({ "reason": "Hồ sơ cần xác minh thêm với cơ quan liên quan", "old_due_at": from_local(d.due_at), "new_due_at": from_local(new_due) }),
                    )
                {
                    d.due_at = new_due;
                    finish = finish.min(new_due - Duration::hours(2));
                }
            }
        }
        let approve = finish.max(d.last_at + Duration::seconds(120));
        if !d.act(Action::Approve, approve, json!({})) {
            return d;
        }
        let resolved = d.last_at + Duration::seconds(300 + self.rng.below(1800) as i64);
        let timeline = Timeline {
            received_at: received,
            due_at: due,
            pauses: &pauses,
            finished_at: Some(resolved),
        };
        let a = assess(self.cal, &timeline, resolved).ok();
        let outcome = match a.map(|a| a.progress) {
            Some(Progress::Finished(o)) => o,
            _ => Outcome::Late,
        };
        d.outcome = Some(outcome);
        let data = json!({ "upload_ids": [], "outcome": outcome.code(), "working_seconds_used": a.map_or(0, |a| a.working_seconds_used), "paused_working_seconds": a.map_or(0, |a| a.paused_working_seconds) });
        if !d.act(Action::Resolve, resolved, data) {
            d.outcome = None;
            return d;
        }
        d.finished_at = Some(d.last_at);
        d.resolved_at = Some(d.last_at);
        d.working_seconds_used = a.map(|a| a.working_seconds_used);
        // The result goes back on the applicant's channel.
        let p = &self.procs[pi];
        let y = self.rng.unit();
        let back = match channel {
            Channel::Postal if p.postal_return => Channel::Postal,
            Channel::Online if y < 0.75 => Channel::Online,
            _ if p.postal_return && (0.7..0.9).contains(&y) => Channel::Postal,
            Channel::Online => Channel::Counter,
            _ => Channel::Counter,
        };
        let delay = match back {
            Channel::Online => 60 + self.rng.below(2 * 3600),
            _ => 3600 + self.rng.below(3 * 8 * 3600),
        };
        let at = work(self.cal, d.last_at, delay);
        let tracking =
            (back == Channel::Postal).then(|| format!("EB{:09}VN", self.rng.below(1_000_000_000)));
        let data = json!({ "channel": back.code(), "tracking_number": tracking, "delivery_attempts": u8::from(back == Channel::Postal) });
        if d.act(Action::ReturnResult, at, data) {
            d.returned_at = Some(d.last_at);
            if let Some(Ev { kind, .. }) = d.events.last_mut()
                && let EventKind::Acted { return_channel, .. } = kind
            {
                *return_channel = Some(back);
            }
            if self.rng.chance(0.18) {
                let r = self.rng.unit();
                d.rating = Some(if r < 0.55 {
                    5
                } else if r < 0.85 {
                    4
                } else if r < 0.95 {
                    3
                } else {
                    2
                });
            }
        }
        d
    }

    /// The daily sequence numbers a chunk moved, to be written with it.
    fn close(&self, chunk: &mut Chunk) {
        let mut keys = std::mem::take(&mut chunk.touched);
        keys.sort_unstable();
        keys.dedup();
        chunk.sequences = keys
            .into_iter()
            .filter_map(|k| self.sequences.get(&k).map(|s| (k.0, k.1, *s)))
            .collect();
    }

    /// Rows for one planned dossier, added to `chunk`.
    fn emit(&mut self, d: Draft, received: NaiveDateTime, n: u64, chunk: &mut Chunk) {
        let p = &self.procs[d.proc_ix];
        let day = received.date();
        let key = (p.agency_id, day.format("%y%m%d").to_string());
        if chunk.touched.last() != Some(&key) {
            chunk.touched.push(key.clone());
        }
        let seq = {
            let s = self.sequences.entry(key.clone()).or_insert(0);
            *s += 1;
            *s
        };
        let code = DossierCode::new(p.organ.clone(), day, seq)
            .map(|c| c.to_string())
            .unwrap_or_else(|| format!("{}-{}-{seq}", p.organ, key.1));
        if chunk.first.is_empty() {
            chunk.first = code.clone();
        }
        chunk.last = code.clone();
        let id = v7(received, &mut self.rng);
        let mut lookup = [0u8; LOOKUP_LEN];
        for b in &mut lookup {
            *b = (self.rng.next() & 0xff) as u8;
        }
        let business = self.rng.chance(0.3);
        let (kind, name, id_number) = if business {
            (
                "business",
                self.rng.pick(&self.firm).clone(),
                format!("01{:08}", self.rng.below(100_000_000)),
            )
        } else {
            let name = format!(
                "{} {} {}",
                self.rng.pick(&self.family),
                self.rng.pick(&self.middle),
                self.rng.pick(&self.given)
            );
            (
                "citizen",
                name,
                format!(
                    "0{:02}{:09}",
                    self.rng.below(97),
                    self.rng.below(1_000_000_000)
                ),
            )
        };
        let phone = format!("09{:08}", self.rng.below(100_000_000));
        let email = if d.channel == Channel::Online {
            format!("nguoinop{}@example.vn", self.rng.below(1_000_000))
        } else {
            String::new()
        };
        let address = self.rng.pick(&self.place).clone();
        let return_channel = d
            .events
            .iter()
            .find_map(|e| match e.kind {
                EventKind::Acted {
                    return_channel: Some(c),
                    ..
                } => Some(c),
                _ => None,
            })
            .unwrap_or(if d.channel == Channel::Online {
                Channel::Online
            } else {
                Channel::Counter
            });
        let first_event_at = d.events.first().map_or(received, |e| e.at);
        let last_event_at = d.events.last().map_or(received, |e| e.at);
        let postal_no = (d.channel == Channel::Postal)
            .then(|| format!("EB{:09}VN", self.rng.below(1_000_000_000)));
        if matches!(
            d.state,
            DossierState::Submitted
                | DossierState::Received
                | DossierState::Processing
                | DossierState::SupplementRequested
                | DossierState::FinancialObligation
                | DossierState::Resolved
        ) {
            chunk.open += 1;
        }
        let original_due = d.original_due;
        let row: [Value; 44] = [
            id.into(),
            p.agency_id.into(),
            code.into(),
            p.id.into(),
            p.code.clone().into(),
            p.name.clone().into(),
            p.version_id.into(),
            p.unit_id.into(),
            p.unit_id.into(),
            Option::<Uuid>::None.into(),
            d.channel.code().to_owned().into(),
            return_channel.code().to_owned().into(),
            (return_channel == Channel::Postal)
                .then(|| address.clone())
                .into(),
            Option::<Uuid>::None.into(),
            kind.to_owned().into(),
            name.into(),
            id_number.into(),
            phone.into(),
            email.into(),
            address.into(),
            p.components.clone().into(),
            (d.state.sync_code() as i16).into(),
            (d.facts.supplement_requests as i32).into(),
            d.facts.extended.into(),
            d.facts.approved.into(),
            instant(received, self.text),
            instant(original_due, self.text),
            instant(d.due_at, self.text),
            instant_opt_(d.paused_at, self.text),
            (d.paused_seconds as i64).into(),
            instant_opt_(d.finished_at, self.text),
            instant_opt_(d.resolved_at, self.text),
            instant_opt_(d.returned_at, self.text),
            d.outcome.map(|o| o.code().to_owned()).into(),
            d.working_seconds_used.map(|s| s as i64).into(),
            lookup_code(lookup).into(),
            Some(format!("generated:{}:{n}", self.seed)).into(),
            Option::<String>::None.into(),
            postal_no.into(),
            p.fee.into(),
            d.rating.into(),
            (d.events.len() as i64).into(),
            instant(first_event_at, self.text),
            instant(last_event_at, self.text),
        ];
        chunk.dossiers.extend(row);
        chunk.n_dossiers += 1;
        let unit_id = p.unit_id;
        let agency_id = p.agency_id;
        let proc_code = p.code.clone();
        let channel = d.channel;
        for (i, e) in d.events.into_iter().enumerate() {
            let staff = e.role != Role::Applicant;
            let row: [Value; 13] = [
                v7(e.at, &mut self.rng).into(),
                agency_id.into(),
                id.into(),
                (i as i32 + 1).into(),
                e.action.to_owned().into(),
                e.from.map(|s| s.sync_code() as i16).into(),
                (e.to.sync_code() as i16).into(),
                Option::<Uuid>::None.into(),
                e.role.as_str().to_owned().into(),
                staff.then_some(unit_id).into(),
                instant(e.at, self.text),
                String::new().into(),
                e.data.into(),
            ];
            chunk.events.extend(row);
            chunk.n_events += 1;
            let at = from_local(e.at);
            let month = crate::dossier::month_of(at);
            let cs = counters(e.kind, channel);
            if !cs.is_empty() {
                let slot = chunk
                    .stats
                    .entry((agency_id, unit_id, proc_code.clone(), month, channel.code()))
                    .or_insert([0; 14]);
                for c in cs {
                    slot[counter_ix(c)] += 1;
                }
            }
        }
    }
}

/// The working days of the period with their share of the volume (growth and season).
fn day_weights(cal: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, f64)> {
    const SEASON: [f64; 12] = [
        0.85, 0.8, 1.05, 1.0, 1.0, 1.0, 0.95, 1.0, 1.0, 1.05, 1.05, 1.2,
    ];
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if cal.is_working_day(d).unwrap_or(false) {
            let years = (d - from).num_days() as f64 / 365.0;
            let w = (1.0 + 0.15 * years) * SEASON[d.month0() as usize];
            out.push((d, w));
        }
        d += Duration::days(1);
    }
    out
}

async fn load_procs(db: &Db) -> Result<Vec<Proc>> {
    let agencies = agency::Entity::find().all(db.conn()).await?;
    let units = unit::Entity::find().all(db.conn()).await?;
    let mut out = Vec::new();
    for v in crate::catalog::all_current(db.conn()).await? {
        if v.status != "published" {
            continue;
        }
        let data: ProcedureData = match serde_json::from_str(&v.data) {
            Ok(d) => d,
            Err(_) => continue,
        };
        let Some(a) = agencies.iter().find(|a| a.id == v.agency_id) else {
            continue;
        };
        let Some(u) = units
            .iter()
            .find(|u| u.agency_id == a.id && u.code == data.unit)
        else {
            continue;
        };
        let Ok(organ) = OrganId::parse(&a.organ_id) else {
            continue;
        };
        let online = data.channels.contains(&Channel::Online);
        let counter = data.channels.contains(&Channel::Counter);
        if !(online || counter || data.postal_receipt) {
            continue;
        }
        let components = json!(
            data.components
                .iter()
                .filter(|c| c.required)
                .map(|c| json!({ "code": c.code, "upload_ids": [] }))
                .collect::<Vec<_>>()
        )
        .to_string();
        out.push(Proc {
            id: v.procedure_id,
            version_id: v.id,
            code: data.code.to_string(),
            name: data.name.clone(),
            agency_id: a.id,
            organ,
            unit_id: u.id,
            unit_code: u.code.clone(),
            duration: data.processing_time.as_work_duration(),
            cutoff: data.cutoff,
            online,
            counter,
            postal_receipt: data.postal_receipt,
            postal_return: data.postal_return,
            components,
            fee: data
                .fees
                .first()
                .map_or(0, |f| i64::try_from(f.amount_vnd).unwrap_or(0)),
        });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

async fn raw(db: &Db, sql: &str, values: Vec<Value>) -> Result<Vec<sea_orm::QueryResult>> {
    Ok(db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            db.backend().sea(),
            sql,
            values,
        ))
        .await?)
}

/// Whether the history of `seed` is already in the database.
pub async fn present(db: &Db, seed: u64) -> Result<bool> {
    let sql = match db.backend() {
        Backend::Postgres => "SELECT 1 AS one FROM dossier WHERE idempotency_key = $1 LIMIT 1",
        Backend::Sqlite => "SELECT 1 AS one FROM dossier WHERE idempotency_key = ?1 LIMIT 1",
    };
    Ok(!raw(db, sql, vec![format!("generated:{seed}:0").into()])
        .await?
        .is_empty())
}

fn placeholders(backend: Backend, cols: usize, rows: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            n += 1;
            match backend {
                Backend::Postgres => {
                    s.push('$');
                    s.push_str(&n.to_string());
                }
                Backend::Sqlite => s.push('?'),
            }
        }
        s.push(')');
    }
    s
}

/// INSERT `values` (rows of `cols.len()` values) into `table`, `per` rows per statement.
#[allow(clippy::too_many_arguments)]
async fn insert_rows(
    txn: &sea_orm::DatabaseTransaction,
    backend: Backend,
    table: &str,
    cols: &[&str],
    mut values: Vec<Value>,
    per: usize,
    suffix: &str,
    cache: &mut HashMap<(String, usize), String>,
) -> Result<()> {
    let width = cols.len();
    while !values.is_empty() {
        let take = values.len().min(per * width);
        let rest = values.split_off(take);
        let rows = take / width;
        let sql = cache
            .entry((table.to_owned(), rows))
            .or_insert_with(|| {
                format!(
                    "INSERT INTO {table} ({}) VALUES {}{suffix}",
                    cols.join(", "),
                    placeholders(backend, width, rows)
                )
            })
            .clone();
        txn.execute_raw(Statement::from_sql_and_values(backend.sea(), sql, values))
            .await?;
        values = rest;
    }
    Ok(())
}

/// Generate and write the history into the database at `url` (the one `db` is connected to).
/// `progress` is called with the number of dossiers written.
pub async fn generate(
    db: &Db,
    url: &str,
    cal: &WorkingCalendar,
    opts: &Options,
    request_id: &str,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report> {
    if opts.dossiers == 0 {
        return Ok(Report::default());
    }
    if present(db, opts.seed).await? {
        return Ok(Report {
            already_present: true,
            ..Report::default()
        });
    }
    let procs = load_procs(db).await?;
    if procs.is_empty() {
        return Err(StoreError::Conflict(
            "no published procedure to generate dossiers for".into(),
        ));
    }
    let backend = db.backend();
    let mut sequences = HashMap::new();
    for r in raw(
        db,
        "SELECT agency_id, day, last FROM dossier_sequence",
        vec![],
    )
    .await?
    {
        let a: Uuid = r.try_get("", "agency_id")?;
        let day: String = r.try_get("", "day")?;
        let last: i32 = r.try_get("", "last")?;
        sequences.insert((a, day), u32::try_from(last).unwrap_or(0));
    }
    // The history ends at the start of the clock's day, so that a seed gives the same history all
    // day long.
    let now = to_local(opts.now).date().and_time(NaiveTime::MIN);
    let to = now.date() - Duration::days(1);
    let from = to
        .with_year(to.year() - i32::try_from(opts.years.max(1)).unwrap_or(1))
        .unwrap_or(to - Duration::days(365));
    let days = day_weights(cal, from, to);
    let total_w: f64 = days.iter().map(|(_, w)| w).sum();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    let cal2 = cal.clone();
    let sqlite_text = backend == Backend::Sqlite;
    let opts2 = opts.clone();
    let generator = std::thread::spawn(move || {
        // Zipf popularity over a seeded order of the procedures.
        let mut rng = Rng(opts2.seed ^ 0x6D6F_7463_7561);
        let mut order: Vec<usize> = (0..procs.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut procs_sorted: Vec<Option<Proc>> = procs.into_iter().map(Some).collect();
        let procs: Vec<Proc> = order
            .iter()
            .filter_map(|i| procs_sorted[*i].take())
            .collect();
        let mut cum = Vec::with_capacity(procs.len());
        let mut acc = 0.0;
        for r in 0..procs.len() {
            acc += 1.0 / ((r + 1) as f64).powf(1.1);
            cum.push(acc);
        }
        let mut g = Gen {
            cal: &cal2,
            procs,
            cum,
            rng,
            seed: opts2.seed,
            now,
            sequences,
            text: sqlite_text,
            family: nfc(FAMILY),
            middle: nfc(MIDDLE),
            given: nfc(GIVEN),
            firm: nfc(FIRM),
            place: nfc(PLACE),
        };
        let per_day = g.cal.hours().per_day_seconds();
        let new_chunk = || Chunk {
            dossiers: Vec::new(),
            n_dossiers: 0,
            events: Vec::new(),
            n_events: 0,
            open: 0,
            stats: HashMap::new(),
            sequences: Vec::new(),
            touched: Vec::new(),
            first: String::new(),
            last: String::new(),
        };
        let mut chunk = new_chunk();
        let mut n: u64 = 0;
        let mut cum_w = 0.0;
        let ndays = days.len().max(1);
        for (di, (day, w)) in days.iter().enumerate() {
            let before = (cum_w / total_w * opts2.dossiers as f64).round() as u64;
            cum_w += w;
            let after = (cum_w / total_w * opts2.dossiers as f64).round() as u64;
            let count = after.saturating_sub(before);
            let Ok(open_at) = g.cal.next_working_time(day.and_time(NaiveTime::MIN)) else {
                continue;
            };
            let mut offsets: Vec<u64> = (0..count)
                .map(|_| g.rng.below(u64::from(per_day)))
                .collect();
            offsets.sort_unstable();
            let frac = di as f64 / ndays as f64;
            for off in offsets {
                let received = work(g.cal, open_at, off);
                if received > now {
                    continue;
                }
                let d = g.dossier(received, frac);
                let rec = d.events.first().map_or(received, |e| e.at);
                g.emit(d, rec, n, &mut chunk);
                n += 1;
                if chunk.n_dossiers >= opts2.chunk {
                    g.close(&mut chunk);
                    if tx
                        .blocking_send(std::mem::replace(&mut chunk, new_chunk()))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
        if chunk.n_dossiers > 0 {
            g.close(&mut chunk);
            let _ = tx.blocking_send(chunk);
        }
    });
    let ctx = AuditCtx::system(request_id);
    // The generation is one audited change: recorded before the first chunk is written (chunks
    // are committed one by one; the entry names the seed, so a partial run can be identified).
    {
        let txn = db.begin_write().await?;
        audit::append(
            db,
            &txn,
            &ctx,
            Change {
                action: "dossier.generate",
                object_type: "dossier",
                object_id: format!("generated:{}", opts.seed),
                before: serde_json::Value::Null,
                after: json!({ "dossiers": opts.dossiers, "seed": opts.seed, "years": opts.years, "until": opts.now }),
            },
        )
        .await?;
        txn.commit().await?;
    }
    let mut report = Report::default();
    let mut cache = HashMap::new();
    let stat_cols: Vec<&str> = ["agency_id", "unit_id", "procedure_code", "month", "channel"]
        .into_iter()
        .chain(Counter::ALL.iter().map(|c| c.column()))
        .collect();
    let stat_suffix = format!(
        " ON CONFLICT (agency_id, month, unit_id, procedure_code, channel) DO UPDATE SET {}",
        Counter::ALL
            .iter()
            .map(|c| format!("{0} = dossier_stat.{0} + excluded.{0}", c.column()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let seq_suffix = " ON CONFLICT (agency_id, day) DO UPDATE SET last = excluded.last";
    let stat_sql = format!(
        "INSERT INTO dossier_stat ({}) VALUES {{}}{stat_suffix}",
        stat_cols.join(", ")
    );
    let seq_sql = "INSERT INTO dossier_sequence (agency_id, day, last) VALUES {} ON CONFLICT (agency_id, day) DO UPDATE SET last = excluded.last";
    let mut sqlite = match backend {
        Backend::Sqlite => Some(SqliteSink::open(url)?),
        Backend::Postgres => None,
    };
    while let Some(chunk) = rx.recv().await {
        if let Some(sink) = sqlite.as_mut() {
            let (n_d, n_e, open) = (chunk.n_dossiers, chunk.n_events, chunk.open);
            tokio::task::block_in_place(|| sink.write(chunk, &stat_sql, seq_sql))?;
            report.dossiers += n_d as u64;
            report.events += n_e as u64;
            report.open += open;
            progress(report.dossiers);
            continue;
        }
        let txn = db.begin_write().await?;
        let n_d = chunk.n_dossiers;
        let n_e = chunk.n_events;
        insert_rows(
            &txn,
            backend,
            "dossier",
            DOSSIER_COLS,
            chunk.dossiers,
            DOSSIER_ROWS,
            "",
            &mut cache,
        )
        .await?;
        insert_rows(
            &txn,
            backend,
            "dossier_event",
            EVENT_COLS,
            chunk.events,
            EVENT_ROWS,
            "",
            &mut cache,
        )
        .await?;
        let mut stats: Vec<Value> = Vec::with_capacity(chunk.stats.len() * 19);
        for ((a, u, p, m, c), v) in chunk.stats {
            stats.extend([a.into(), u.into(), p.into(), m.into(), c.to_owned().into()]);
            stats.extend(v.iter().map(|x| Value::from(*x)));
        }
        insert_rows(
            &txn,
            backend,
            "dossier_stat",
            &stat_cols,
            stats,
            STAT_ROWS,
            &stat_suffix,
            &mut cache,
        )
        .await?;
        let mut seqs: Vec<Value> = Vec::new();
        for (a, day, last) in chunk.sequences {
            seqs.extend([a.into(), day.into(), (last as i32).into()]);
        }
        insert_rows(
            &txn,
            backend,
            "dossier_sequence",
            &["agency_id", "day", "last"],
            seqs,
            STAT_ROWS,
            seq_suffix,
            &mut cache,
        )
        .await?;
        txn.commit().await?;
        if backend == Backend::Sqlite {
            db.conn()
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
        report.dossiers += n_d as u64;
        report.events += n_e as u64;
        report.open += chunk.open;
        progress(report.dossiers);
    }
    generator
        .join()
        .map_err(|_| StoreError::Conflict("the history generator stopped".into()))?;
    let analyze: &[&str] = match backend {
        Backend::Sqlite => &["PRAGMA analysis_limit = 1000", "ANALYZE"],
        // After a bulk load PostgreSQL's autovacuum would visit every new page at some later
        // moment (and compete with the load served then); vacuuming now sets the visibility map
        // (index-only scans) and the statistics at once.
        Backend::Postgres => &["VACUUM (ANALYZE) dossier, dossier_event, dossier_stat"],
    };
    for sql in analyze {
        db.conn().execute_unprepared(sql).await?;
    }
    Ok(report)
}

/// The SQLite writer: its own connection and prepared statements, one transaction per chunk. The
/// ORM path costs about ten times SQLite's own insert time on rows this wide; this is the bulk path
/// (same file, same WAL mode and `synchronous = FULL` at commit, same encodings as the ORM: UUIDs as
/// 16-byte blobs, instants as RFC 3339 text, booleans as integers).
struct SqliteSink {
    conn: rusqlite::Connection,
}

fn sqlite_path(url: &str) -> Result<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| StoreError::Conflict(format!("not a SQLite URL: {url}")))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with(':') {
        return Err(StoreError::Conflict(
            "a generated history needs a SQLite file, not an in-memory database".into(),
        ));
    }
    Ok(path.to_owned())
}

fn sql_err(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("bulk write: {e}")))
}

/// A value bound as SQLite stores it when SeaORM (sqlx) writes it, borrowed where possible.
struct Bind<'a>(&'a Value);

impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput as O, Value as S, ValueRef as R};
        Ok(match self.0 {
            Value::Bool(b) => O::Owned(b.map_or(S::Null, |b| S::Integer(i64::from(b)))),
            Value::SmallInt(x) => O::Owned(x.map_or(S::Null, |x| S::Integer(i64::from(x)))),
            Value::Int(x) => O::Owned(x.map_or(S::Null, |x| S::Integer(i64::from(x)))),
            Value::BigInt(x) => O::Owned(x.map_or(S::Null, S::Integer)),
            Value::String(x) => O::Borrowed(x.as_ref().map_or(R::Null, |x| R::Text(x.as_bytes()))),
            Value::Uuid(x) => O::Borrowed(x.as_ref().map_or(R::Null, |x| R::Blob(x.as_bytes()))),
            Value::ChronoDateTimeUtc(x) => O::Owned(x.as_ref().map_or(S::Null, |x| {
                S::Text(x.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
            })),
            other => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    format!("bulk write: unexpected value {other:?}").into(),
                ));
            }
        })
    }
}

impl SqliteSink {
    fn open(url: &str) -> Result<Self> {
        let conn = rusqlite::Connection::open(sqlite_path(url)?).map_err(sql_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sql_err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -262144;",
        )
        .map_err(sql_err)?;
        Ok(Self { conn })
    }

    /// `sql` ends with `VALUES {}`: filled with `per` rows of placeholders (fewer for the rest).
    fn insert(
        txn: &rusqlite::Transaction<'_>,
        sql: &str,
        width: usize,
        per: usize,
        values: &[Value],
    ) -> Result<()> {
        let full = per * width;
        let mut stmt = None;
        for rows in values.chunks(full) {
            let n = rows.len() / width;
            let mut own;
            let st = if n == per {
                if stmt.is_none() {
                    stmt = Some(
                        txn.prepare(&sql.replace("{}", &placeholders(Backend::Sqlite, width, per)))
                            .map_err(sql_err)?,
                    );
                }
                stmt.as_mut().ok_or(StoreError::NotFound)?
            } else {
                own = txn
                    .prepare(&sql.replace("{}", &placeholders(Backend::Sqlite, width, n)))
                    .map_err(sql_err)?;
                &mut own
            };
            st.execute(rusqlite::params_from_iter(rows.iter().map(Bind)))
                .map_err(sql_err)?;
        }
        Ok(())
    }

    fn write(&mut self, chunk: Chunk, stat_sql: &str, seq_sql: &str) -> Result<()> {
        let dossier_sql = format!(
            "INSERT INTO dossier ({}) VALUES {{}}",
            DOSSIER_COLS.join(", ")
        );
        let event_sql = format!(
            "INSERT INTO dossier_event ({}) VALUES {{}}",
            EVENT_COLS.join(", ")
        );
        let txn =
            rusqlite::Transaction::new(&mut self.conn, rusqlite::TransactionBehavior::Immediate)
                .map_err(sql_err)?;
        Self::insert(&txn, &dossier_sql, DOSSIER_COLS.len(), 1, &chunk.dossiers)?;

        Self::insert(&txn, &event_sql, EVENT_COLS.len(), 1, &chunk.events)?;
        let chunk_values = (chunk.dossiers, chunk.events);
        let mut stats: Vec<Value> = Vec::with_capacity(chunk.stats.len() * 19);
        for ((a, u, p, m, c), v) in chunk.stats {
            stats.extend([a.into(), u.into(), p.into(), m.into(), c.to_owned().into()]);
            stats.extend(v.iter().map(|x| Value::from(*x)));
        }
        Self::insert(&txn, stat_sql, 19, 1, &stats)?;
        let mut seqs: Vec<Value> = Vec::new();
        for (a, day, last) in chunk.sequences {
            seqs.extend([a.into(), day.into(), (last as i32).into()]);
        }
        Self::insert(&txn, seq_sql, 3, 1, &seqs)?;
        txn.commit().map_err(sql_err)?;
        // Freeing the chunk's values is left to another thread: the writer is the bottleneck.
        std::thread::spawn(move || drop(chunk_values));
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(sql_err)?;
        Ok(())
    }
}
