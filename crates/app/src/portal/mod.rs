//! The portal's counters (seed P2, P3): total visits and visitors online in the footer, views per
//! article. No third-party tracker; no address is stored: a visitor is the hash of a daily random
//! salt with the client's address and user agent (Decree 13/2023/NĐ-CP art. 3; from 1/1/2026 Law
//! 91/2025/QH15), kept in memory only. Robots are served but not counted; a visit counts once per
//! visitor per 30 minutes of activity and a view once per visitor, article and 30 minutes, so a
//! flood from one client adds nothing. Counting is a hash and a map update in memory; increments are written in one
//! transaction every few seconds (and when the server stops), so counting never waits on the
//! database and the counts survive restarts.
//!
//! An article's views shown are exact at every moment, whatever a flush does meanwhile: the
//! articles are read for display under a shared gate (`reading`) that a flush holds exclusively
//! while it commits views, and each read takes out the views this process has already written
//! (`rebase`); the page then adds every view this process counted (`own_views`). A page read just
//! before a flush and shown just after it, or kept for a few seconds, counts each view once.

pub mod article_page;
pub mod home;
pub mod news;

pub use home::{HOME_FRESH, StatRow, Sums, Totals, home, statistics};

use crate::App;
use chrono::NaiveDate;
use motcua_domain::portal::{ONLINE_WINDOW_SECS, VISIT_WINDOW_SECS, is_bot};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use uuid::Uuid;

/// A visitor for one day: 16 bytes of a salted hash.
pub type Visitor = [u8; 16];

/// Most visitors (and visitor–article pairs) remembered at once; beyond it new ones are served
/// but not counted until the old ones expire (memory stays bounded under a flood).
const MAX_REMEMBERED: usize = 500_000;

#[derive(Default)]
struct Memory {
    day: Option<NaiveDate>,
    salt: [u8; 32],
    /// Last time each visitor was seen (unix seconds).
    seen: HashMap<Visitor, i64>,
    /// Last counted view of an article by a visitor.
    viewed: HashMap<(Visitor, Uuid), i64>,
    pending_visits: i64,
    /// Views counted by this process since it started, per article (only grows).
    counted: HashMap<Uuid, i64>,
    /// Of those, the views written to the database (changed only under the gate's write lock).
    flushed: HashMap<Uuid, i64>,
}

/// What the home page read last (`pages::home`), reused for a few seconds.
#[derive(Clone, Default)]
pub struct HomeReads {
    pub at: Option<std::time::Instant>,
    pub news: Vec<motcua_store::portal::Article>,
    pub videos: Vec<motcua_store::portal::Article>,
    pub categories: Vec<motcua_store::portal::Category>,
    /// This month: (label, received, online, resolved, in time, returned).
    pub figures: (String, i64, i64, i64, i64, i64),
    /// Dossiers received today.
    pub today: i64,
}

/// What an article's page read last (`pages::news::article`), reused for a few seconds.
#[derive(Clone)]
pub struct ArticleReads {
    pub at: std::time::Instant,
    pub article: motcua_store::portal::Article,
    pub categories: Vec<motcua_store::portal::Category>,
    pub related: Vec<motcua_store::portal::Article>,
    /// The video's address and content type.
    pub video: Option<(String, String)>,
    pub body_html: String,
}

/// Most article pages kept at once.
const MAX_ARTICLES_KEPT: usize = 2_000;

#[derive(Default)]
pub struct Counters {
    /// The article pages' reads by slug (dropped with the home page's).
    pub articles: Mutex<HashMap<String, std::sync::Arc<ArticleReads>>>,
    /// The portal's agency, once it exists (`portal_agency`).
    pub agency: std::sync::OnceLock<Uuid>,
    /// The home page's reads of this installation (dropped when an article is saved).
    pub home: Mutex<Option<HomeReads>>,
    memory: Mutex<Memory>,
    /// Visits counted, stored and pending; loaded from the database at start.
    total: AtomicI64,
    loaded: AtomicBool,
    /// Visitors seen in the last five minutes: raised when one arrives, recounted at each flush.
    online: AtomicI64,
    /// Shared by reads of articles for display, exclusive while a flush commits views.
    gate: tokio::sync::RwLock<()>,
    /// One flush at a time (the periodic one, the one at start and the one at shutdown): the views
    /// a flush writes are those counted and not yet `flushed`.
    flushing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Counters")
    }
}

impl Counters {
    /// The visitor behind a request, or `None` for a robot.
    pub fn visitor(
        &self,
        ip: &str,
        user_agent: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<Visitor> {
        if is_bot(user_agent) {
            return None;
        }
        let today = now
            .with_timezone(&motcua_domain::time::VN_OFFSET)
            .date_naive();
        let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        if m.day != Some(today) {
            // A new day: a new salt, and yesterday's visitors cannot be linked to today's.
            let mut salt = [0u8; 32];
            if getrandom::fill(&mut salt).is_err() {
                return None;
            }
            m.salt = salt;
            m.day = Some(today);
            m.seen.clear();
            m.viewed.clear();
        }
        let mut h = Sha256::new();
        h.update(m.salt);
        h.update(ip.as_bytes());
        h.update([0]);
        h.update(user_agent.as_bytes());
        let d = h.finalize();
        let mut v = [0u8; 16];
        v.copy_from_slice(&d[..16]);
        Some(v)
    }

    /// A page seen by a visitor: a new visit after 30 minutes of silence.
    pub fn page(&self, v: Visitor, now: i64) {
        let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        let last = m.seen.get(&v).copied();
        if last.is_none() && m.seen.len() >= MAX_REMEMBERED {
            return;
        }
        m.seen.insert(v, now);
        if last.is_none_or(|t| now - t >= ONLINE_WINDOW_SECS) {
            // Online from now on; the next flush recounts exactly.
            self.online.fetch_add(1, Ordering::Relaxed);
        }
        if last.is_none_or(|t| now - t >= VISIT_WINDOW_SECS) {
            m.pending_visits += 1;
            self.total.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// An article read by a visitor; `true` when the view counts.
    pub fn view(&self, v: Visitor, article: Uuid, now: i64) -> bool {
        let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        let key = (v, article);
        let last = m.viewed.get(&key).copied();
        if last.is_some_and(|t| now - t < VISIT_WINDOW_SECS) {
            return false;
        }
        if last.is_none() && m.viewed.len() >= MAX_REMEMBERED {
            return false;
        }
        m.viewed.insert(key, now);
        *m.counted.entry(article).or_default() += 1;
        true
    }

    /// Held while articles are read for display and `rebase`d: no flush writes views meanwhile.
    pub async fn reading(&self) -> tokio::sync::RwLockReadGuard<'_, ()> {
        self.gate.read().await
    }

    /// Takes out of an article read under `reading` the views this process has written, so that
    /// `views + own_views` counts each view once.
    pub fn rebase(&self, a: &mut motcua_store::portal::Article) {
        a.views = self.rebased(a.id, a.views);
    }

    /// The stored views of an article without those this process wrote.
    fn rebased(&self, article: Uuid, stored: i64) -> i64 {
        let m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        stored - m.flushed.get(&article).copied().unwrap_or(0)
    }

    /// Drops what the home and article pages keep (an article was saved).
    pub fn forget_pages(&self) {
        if let Ok(mut h) = self.home.lock() {
            *h = None;
        }
        if let Ok(mut a) = self.articles.lock() {
            a.clear();
        }
    }

    /// An article page's reads kept less than `fresh` ago.
    pub fn kept_article(
        &self,
        slug: &str,
        fresh: std::time::Duration,
    ) -> Option<std::sync::Arc<ArticleReads>> {
        let a = self.articles.lock().ok()?;
        a.get(slug).filter(|r| r.at.elapsed() < fresh).cloned()
    }

    pub fn keep_article(&self, slug: &str, reads: std::sync::Arc<ArticleReads>) {
        if let Ok(mut a) = self.articles.lock() {
            if a.len() >= MAX_ARTICLES_KEPT {
                a.clear();
            }
            a.insert(slug.to_owned(), reads);
        }
    }

    /// Views of an article counted by this process (written or not): added to a `rebase`d read.
    pub fn own_views(&self, article: Uuid) -> i64 {
        let m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        m.counted.get(&article).copied().unwrap_or(0)
    }

    /// Views of an article counted but not yet written (the tests' view of the bookkeeping).
    #[cfg(test)]
    fn pending_views(&self, article: Uuid) -> i64 {
        let m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        m.counted.get(&article).copied().unwrap_or(0)
            - m.flushed.get(&article).copied().unwrap_or(0)
    }

    /// (total visits, visitors online now) for the footer.
    pub fn footer(&self) -> (i64, i64) {
        (
            self.total.load(Ordering::Relaxed),
            self.online.load(Ordering::Relaxed),
        )
    }

    /// Writes the pending increments (one transaction), forgets expired visitors and recomputes
    /// the visitors online. On a write failure the increments are kept for the next flush.
    ///
    /// Not cancel-safe: a flush dropped while its commit is under way may have committed views it
    /// has not yet recorded as written, and the next flush would write them again. Run it to the
    /// end (`run` is stopped by a signal between flushes, never aborted).
    pub async fn flush(&self, app: &App) -> anyhow::Result<()> {
        let _one = self.flushing.lock().await;
        let Some(agency_id) = portal_agency(app).await? else {
            return Ok(());
        };
        if !self.loaded.load(Ordering::Acquire) {
            let stored = motcua_store::portal::visits(app.db.conn(), &app.db, agency_id).await?;
            self.total.fetch_add(stored, Ordering::Relaxed);
            self.loaded.store(true, Ordering::Release);
        }
        let now = app.now().timestamp();
        let (visits, views) = {
            let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
            m.seen.retain(|_, t| now - *t < VISIT_WINDOW_SECS);
            m.viewed.retain(|_, t| now - *t < VISIT_WINDOW_SECS);
            let online = m
                .seen
                .values()
                .filter(|t| now - **t < ONLINE_WINDOW_SECS)
                .count();
            self.online.store(online as i64, Ordering::Relaxed);
            let views: BTreeMap<Uuid, i64> = m
                .counted
                .iter()
                .map(|(k, n)| (*k, n - m.flushed.get(k).copied().unwrap_or(0)))
                .filter(|(_, d)| *d != 0)
                .collect();
            (std::mem::take(&mut m.pending_visits), views)
        };
        if visits == 0 && views.is_empty() {
            return Ok(());
        }
        let restore = |e: motcua_store::StoreError| {
            let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
            m.pending_visits += visits;
            anyhow::Error::from(e)
        };
        let txn = app.db.begin_write().await.map_err(restore)?;
        motcua_store::portal::add_counts_in(&app.db, &txn, agency_id, visits, &views)
            .await
            .map_err(restore)?;
        // The commit makes the views visible to reads, and `flushed` takes them out of the reads:
        // both happen while no read for display is under way. Pages wait at most for this commit,
        // never for the statements before it.
        let _gate = if views.is_empty() {
            None
        } else {
            Some(self.gate.write().await)
        };
        txn.commit()
            .await
            .map_err(|e| restore(motcua_store::StoreError::from(e)))?;
        let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        for (k, n) in views {
            *m.flushed.entry(k).or_default() += n;
        }
        Ok(())
    }
}

/// `store::portal::articles` for display: read under the counters' gate and `rebase`d, so that
/// `views + own_views` is exact (see the module's note).
pub async fn articles(
    app: &App,
    agency_id: Uuid,
    f: &motcua_store::portal::ArticleFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<motcua_store::portal::Article>, u64), motcua_store::StoreError> {
    let _gate = app.portal.reading().await;
    let (mut rows, total) =
        motcua_store::portal::articles(app.db.conn(), agency_id, f, limit, offset).await?;
    for a in &mut rows {
        app.portal.rebase(a);
    }
    Ok((rows, total))
}

/// `store::portal::article` for display (as `articles`).
pub async fn article(
    app: &App,
    id: Uuid,
) -> Result<motcua_store::portal::Article, motcua_store::StoreError> {
    let _gate = app.portal.reading().await;
    let mut a = motcua_store::portal::article(app.db.conn(), id).await?;
    app.portal.rebase(&mut a);
    Ok(a)
}

/// `store::portal::article_by_slug` for display (as `articles`).
pub async fn article_by_slug(
    app: &App,
    agency_id: Uuid,
    slug: &str,
) -> Result<Option<motcua_store::portal::Article>, motcua_store::StoreError> {
    let _gate = app.portal.reading().await;
    let mut a = motcua_store::portal::article_by_slug(app.db.conn(), agency_id, slug).await?;
    if let Some(a) = &mut a {
        app.portal.rebase(a);
    }
    Ok(a)
}

/// The agency whose portal this installation serves (the first one). Read from storage until it
/// exists, then kept: not through the organisation snapshot, which a read before the
/// organisation is loaded would keep empty for its TTL.
pub async fn portal_agency(app: &App) -> anyhow::Result<Option<Uuid>> {
    if let Some(id) = app.portal.agency.get() {
        return Ok(Some(*id));
    }
    let first = motcua_store::org::agencies(app.db.conn())
        .await?
        .first()
        .map(|a| a.id);
    if let Some(id) = first {
        let _ = app.portal.agency.set(id);
    }
    Ok(first)
}

/// Writes the counters every five seconds, and once more when `stop` fires. A flush is never cut
/// short (the stop is seen between flushes): a flush aborted after its commit but before its
/// bookkeeping would write the same views again at the next one.
pub async fn run(app: App, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let every = std::time::Duration::from_secs(5);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        let last = tokio::select! {
            _ = tick.tick() => false,
            _ = &mut stop => true,
        };
        if let Err(e) = app.portal.flush(&app).await {
            tracing::warn!(cause = %e, "could not write the portal's counters");
        }
        if last {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visits_and_views_count_once_per_window() {
        let c = Counters::default();
        let now = chrono::Utc::now();
        let ua = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156";
        let v = c.visitor("203.0.113.5", ua, now).unwrap();
        assert_eq!(c.visitor("203.0.113.5", ua, now), Some(v));
        assert_ne!(c.visitor("203.0.113.6", ua, now), Some(v));
        assert!(c.visitor("203.0.113.5", "Googlebot/2.1", now).is_none());
        let t = now.timestamp();
        for i in 0..100 {
            c.page(v, t + i);
        }
        assert_eq!(
            c.footer(),
            (1, 1),
            "a flood is one visit, one visitor online"
        );
        c.page(v, t + 99 + VISIT_WINDOW_SECS);
        assert_eq!(c.footer().0, 2, "after 30 minutes of silence, a new visit");
        let a = Uuid::now_v7();
        assert!(c.view(v, a, t));
        assert!(!c.view(v, a, t + 60));
        assert!(c.view(v, a, t + VISIT_WINDOW_SECS));
        assert_eq!(c.pending_views(a), 2);
        assert_eq!(c.own_views(a), 2);
        // A read taken after this process wrote its two views carries them: rebased, it does
        // not, and the page adds them once.
        c.memory.lock().unwrap().flushed.insert(a, 2);
        assert_eq!(c.pending_views(a), 0);
        assert_eq!(c.rebased(a, 7) + c.own_views(a), 7);
        assert_eq!(
            c.rebased(Uuid::now_v7(), 7),
            7,
            "another article's read is unchanged"
        );
    }
}
