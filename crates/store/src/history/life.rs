//! The life of one generated dossier: which procedure, when and how it is received, and every
//! event until its outcome, planned through the domain's state machine.

use super::*;

/// A published procedure as the generator uses it.
pub(super) struct Proc {
    pub(super) id: Uuid,
    pub(super) version_id: Uuid,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) agency_id: Uuid,
    pub(super) organ: OrganId,
    pub(super) unit_id: Uuid,
    pub(super) unit_code: String,
    pub(super) duration: WorkDuration,
    pub(super) cutoff: Option<NaiveTime>,
    pub(super) online: bool,
    pub(super) counter: bool,
    pub(super) postal_receipt: bool,
    pub(super) postal_return: bool,
    pub(super) components: String,
    pub(super) fee: i64,
}

/// The generator proper (runs on its own thread).
pub(super) struct Gen<'a> {
    pub(super) cal: &'a WorkingCalendar,
    pub(super) procs: Vec<Proc>,
    /// Cumulative Zipf weights over `procs`.
    pub(super) cum: Vec<f64>,
    pub(super) rng: Rng,
    pub(super) seed: u64,
    pub(super) now: NaiveDateTime,
    pub(super) sequences: HashMap<(Uuid, String), u32>,
    /// Instants as text (SQLite) rather than typed (PostgreSQL).
    pub(super) text: bool,
    pub(super) family: Vec<String>,
    pub(super) middle: Vec<String>,
    pub(super) given: Vec<String>,
    pub(super) firm: Vec<String>,
    pub(super) place: Vec<String>,
}

impl Gen<'_> {
    pub(super) fn procedure(&mut self) -> usize {
        let total = self.cum.last().copied().unwrap_or(1.0);
        let x = self.rng.unit() * total;
        self.cum
            .partition_point(|c| *c <= x)
            .min(self.procs.len() - 1)
    }

    /// Plan one dossier received at `received` (local time); `frac` is its place in the period.
    pub(super) fn dossier(&mut self, received: NaiveDateTime, frac: f64) -> Draft {
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
}

pub(super) async fn load_procs(db: &Db) -> Result<Vec<Proc>> {
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
