//! A planned dossier turned into rows: its values, events, counters and sequence numbers, gathered
//! into the chunk written in one transaction.

use super::*;

/// One dossier being written: its row values and its events.
pub(super) struct Draft {
    pub(super) proc_ix: usize,
    pub(super) channel: Channel,
    pub(super) state: DossierState,
    pub(super) facts: Facts,
    pub(super) events: Vec<Ev>,
    pub(super) cut: bool,
    pub(super) last_at: NaiveDateTime,
    pub(super) now: NaiveDateTime,
    pub(super) paused_at: Option<NaiveDateTime>,
    pub(super) paused_seconds: u64,
    pub(super) original_due: NaiveDateTime,
    pub(super) due_at: NaiveDateTime,
    pub(super) finished_at: Option<NaiveDateTime>,
    pub(super) resolved_at: Option<NaiveDateTime>,
    pub(super) returned_at: Option<NaiveDateTime>,
    pub(super) outcome: Option<Outcome>,
    pub(super) working_seconds_used: Option<u64>,
    pub(super) rating: Option<i16>,
}

pub(super) struct Ev {
    pub(super) action: &'static str,
    pub(super) from: Option<DossierState>,
    pub(super) to: DossierState,
    pub(super) role: Role,
    pub(super) at: NaiveDateTime,
    pub(super) data: String,
    pub(super) kind: EventKind,
}

impl Draft {
    /// The role that acts `action` (the first that the law lets act it).
    pub(super) fn role_for(action: Action) -> Role {
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
    pub(super) fn act(
        &mut self,
        action: Action,
        at: NaiveDateTime,
        data: serde_json::Value,
    ) -> bool {
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

/// One chunk ready for writing.
pub(super) struct Chunk {
    pub(super) dossiers: Vec<Value>,
    pub(super) n_dossiers: usize,
    pub(super) events: Vec<Value>,
    pub(super) n_events: usize,
    pub(super) open: u64,
    pub(super) stats: HashMap<(Uuid, Uuid, String, i32, &'static str), [i64; 14]>,
    pub(super) sequences: Vec<(Uuid, String, u32)>,
    pub(super) touched: Vec<(Uuid, String)>,
    pub(super) first: String,
    pub(super) last: String,
}

pub(super) fn v7(at: NaiveDateTime, rng: &mut Rng) -> Uuid {
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
pub(super) fn instant(t: NaiveDateTime, text: bool) -> Value {
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
pub(super) fn instant_opt_(t: Option<NaiveDateTime>, text: bool) -> Value {
    match t {
        Some(t) => instant(t, text),
        None if text => Option::<String>::None.into(),
        None => Option::<DateTime<Utc>>::None.into(),
    }
}

pub(super) fn work(cal: &WorkingCalendar, t: NaiveDateTime, seconds: u64) -> NaiveDateTime {
    cal.add_working_seconds(t, seconds).unwrap_or(t)
}

pub(super) fn counter_ix(c: Counter) -> usize {
    Counter::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

impl Gen<'_> {
    /// The daily sequence numbers a chunk moved, to be written with it.
    pub(super) fn close(&self, chunk: &mut Chunk) {
        let mut keys = std::mem::take(&mut chunk.touched);
        keys.sort_unstable();
        keys.dedup();
        chunk.sequences = keys
            .into_iter()
            .filter_map(|k| self.sequences.get(&k).map(|s| (k.0, k.1, *s)))
            .collect();
    }

    /// Rows for one planned dossier, added to `chunk`.
    pub(super) fn emit(&mut self, d: Draft, received: NaiveDateTime, n: u64, chunk: &mut Chunk) {
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
