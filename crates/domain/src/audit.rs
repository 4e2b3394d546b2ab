//! The audit trail as a SHA-256 hash chain.
//!
//! Every change made through motcua writes one entry in the same transaction as the change. Entry
//! `n` stores the hash of entry `n-1`, and its own hash covers its sequence number and every field,
//! so an entry altered, removed or moved in the database breaks the chain at that entry. The chain
//! head (last sequence number and hash) is kept in its own row, so removing entries from the end is
//! found too. Decree 13/2023 art. 27 (from 1/1/2026 Law 91/2025/QH15) asks that processing of
//! personal data be logged; the summary carries no personal data beyond what identifies the object.

use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The actor role written for changes made by motcua itself (migrations, demo loading, the CLI
/// without a signed-in user).
pub const SYSTEM_ACTOR: &str = "system";

/// One audit entry, as stored and as hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    /// When the change was committed, in microseconds since the Unix epoch (UTC).
    pub at_micros: i64,
    pub agency_id: Option<String>,
    pub actor_id: Option<String>,
    /// A [`crate::account::Role`] name, or [`SYSTEM_ACTOR`].
    pub actor_role: String,
    pub actor_unit: Option<String>,
    /// Dotted verb, e.g. `user.create`, `auth.login`.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON text `{"before":…,"after":…}` of the fields that changed.
    pub summary: String,
    /// The request (operation) id, or the CLI run id.
    pub request_id: String,
}

/// The hash of `record` chained after `prev_hash` (hex), as lower-case hex.
pub fn entry_hash(prev_hash: &str, record: &AuditRecord) -> String {
    let mut h = Sha256::new();
    h.update(b"motcua-audit-v1");
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(&record.seq.to_be_bytes());
    field(&record.at_micros.to_be_bytes());
    for opt in [&record.agency_id, &record.actor_id] {
        field(opt.as_deref().map_or(&b"\x00"[..], str::as_bytes));
    }
    field(record.actor_role.as_bytes());
    field(
        record
            .actor_unit
            .as_deref()
            .map_or(&b"\x00"[..], str::as_bytes),
    );
    field(record.action.as_bytes());
    field(record.object_type.as_bytes());
    field(record.object_id.as_bytes());
    field(record.summary.as_bytes());
    field(record.request_id.as_bytes());
    hex::encode(h.finalize())
}

/// Where and why a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error(
        "entry {found}: expected sequence number {expected} (an entry was removed or reordered)"
    )]
    Gap { expected: i64, found: i64 },
    #[error(
        "entry {seq}: its link to the previous entry does not match (an entry before it was removed, changed or reordered)"
    )]
    BrokenLink { seq: i64 },
    #[error("entry {seq}: its content does not match its hash (the entry was altered)")]
    Altered { seq: i64 },
    #[error(
        "the chain head says {head_seq} entries but the last entry is {last_seq} (entries at the end were removed or added outside motcua)"
    )]
    HeadMismatch { head_seq: i64, last_seq: i64 },
    #[error("entry {seq}: its hash differs from the chain head (the last entry was replaced)")]
    HeadHash { seq: i64 },
}

impl ChainBreak {
    /// The sequence number of the first bad entry.
    pub fn seq(&self) -> i64 {
        match self {
            Self::Gap { found, .. } => *found,
            Self::BrokenLink { seq } | Self::Altered { seq } | Self::HeadHash { seq } => *seq,
            Self::HeadMismatch { head_seq, last_seq } => (*last_seq).min(*head_seq) + 1,
        }
    }
}

/// Checks entries one by one in sequence order, in constant memory.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// Check the next entry with the `prev_hash` and `hash` stored beside it.
    pub fn push(
        &mut self,
        record: &AuditRecord,
        stored_prev: &str,
        stored_hash: &str,
    ) -> Result<(), ChainBreak> {
        if record.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                expected: self.expected_seq,
                found: record.seq,
            });
        }
        if stored_prev != self.prev_hash {
            return Err(ChainBreak::BrokenLink { seq: record.seq });
        }
        if entry_hash(stored_prev, record) != stored_hash {
            return Err(ChainBreak::Altered { seq: record.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = stored_hash.to_owned();
        Ok(())
    }

    /// Compare the end of the chain with the stored head (`None` when no entry was ever written).
    /// Returns the number of entries checked.
    pub fn finish(self, head: Option<(i64, &str)>) -> Result<i64, ChainBreak> {
        let last_seq = self.expected_seq - 1;
        let (head_seq, head_hash) = head.unwrap_or((0, GENESIS_HASH));
        if head_seq != last_seq {
            return Err(ChainBreak::HeadMismatch { head_seq, last_seq });
        }
        if head_hash != self.prev_hash {
            return Err(ChainBreak::HeadHash { seq: last_seq });
        }
        Ok(last_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, action: &str) -> AuditRecord {
        AuditRecord {
            seq,
            at_micros: 1_764_000_000_000_000 + seq,
            agency_id: Some("a".into()),
            actor_id: None,
            actor_role: SYSTEM_ACTOR.into(),
            actor_unit: None,
            action: action.into(),
            object_type: "user".into(),
            object_id: format!("u{seq}"),
            summary: "{}".into(),
            request_id: "r".into(),
        }
    }

    /// Builds a chain of `n` entries as stored: (record, prev_hash, hash).
    fn chain(n: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|i| {
                let r = record(i, "user.create");
                let h = entry_hash(&prev, &r);
                let row = (r, prev.clone(), h.clone());
                prev = h;
                row
            })
            .collect()
    }

    fn verify(
        rows: &[(AuditRecord, String, String)],
        head: Option<(i64, &str)>,
    ) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for (r, p, h) in rows {
            v.push(r, p, h)?;
        }
        v.finish(head)
    }

    fn head(rows: &[(AuditRecord, String, String)]) -> Option<(i64, &str)> {
        rows.last().map(|(r, _, h)| (r.seq, h.as_str()))
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        assert_eq!(verify(&rows, head(&rows)), Ok(5));
        assert_eq!(verify(&[], None), Ok(0));
    }

    #[test]
    fn an_altered_entry_is_named() {
        let rows = chain(5);
        let h = head(&rows).map(|(s, h)| (s, h.to_owned()));
        let mut bad = rows.clone();
        bad[2].0.action = "user.delete".into();
        let res = verify(&bad, h.as_ref().map(|(s, h)| (*s, h.as_str())));
        assert_eq!(res, Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_removed_entry_is_found() {
        let rows = chain(5);
        let mut bad = rows.clone();
        bad.remove(1);
        assert_eq!(verify(&bad, head(&rows)).map_err(|e| e.seq()), Err(3));
    }

    #[test]
    fn swapped_entries_are_found() {
        let rows = chain(5);
        let mut bad = rows.clone();
        bad.swap(1, 2);
        assert!(matches!(
            verify(&bad, head(&rows)),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        ));
        // Renumbering the swapped rows does not help: the sequence number is inside the hash.
        let mut renumbered = rows.clone();
        renumbered.swap(1, 2);
        renumbered[1].0.seq = 2;
        renumbered[2].0.seq = 3;
        assert!(verify(&renumbered, head(&rows)).is_err());
    }

    #[test]
    fn removing_the_last_entries_is_found_through_the_head() {
        let rows = chain(5);
        let h = head(&rows);
        assert_eq!(
            verify(&rows[..3], h),
            Err(ChainBreak::HeadMismatch {
                head_seq: 5,
                last_seq: 3
            })
        );
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = record(1, "x");
        let h = entry_hash(GENESIS_HASH, &base);
        let variants: Vec<AuditRecord> = vec![
            AuditRecord {
                at_micros: 0,
                ..base.clone()
            },
            AuditRecord {
                agency_id: None,
                ..base.clone()
            },
            AuditRecord {
                actor_id: Some("u".into()),
                ..base.clone()
            },
            AuditRecord {
                actor_role: "admin".into(),
                ..base.clone()
            },
            AuditRecord {
                actor_unit: Some("u".into()),
                ..base.clone()
            },
            AuditRecord {
                object_type: "unit".into(),
                ..base.clone()
            },
            AuditRecord {
                object_id: "u2".into(),
                ..base.clone()
            },
            AuditRecord {
                summary: "{ }".into(),
                ..base.clone()
            },
            AuditRecord {
                request_id: "s".into(),
                ..base.clone()
            },
        ];
        for v in variants {
            assert_ne!(entry_hash(GENESIS_HASH, &v), h, "{v:?}");
        }
    }
}
