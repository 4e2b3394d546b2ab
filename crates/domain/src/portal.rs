//! The public portal's rules (seed P1–P4): articles and their states, slugs, limits of what an
//! editor may publish, and how visits and views are counted.
//!
//! Personal data: the counters never keep a visitor's address; a visitor is a salted hash of the
//! address and user agent, the salt drawn at random and replaced every day (Decree 13/2023/NĐ-CP
//! art. 3, from 1/1/2026 Law 91/2025/QH15 — minimal processing; the hash of a day cannot be linked
//! to another day's).

use crate::catalog::fold::{fold, nfc};
use chrono::{DateTime, Utc};

/// Longest title, summary and body accepted.
pub const MAX_TITLE: usize = 300;
pub const MAX_SUMMARY: usize = 1_000;
pub const MAX_BODY: usize = 200_000;
pub const MAX_BYLINE: usize = 200;
pub const MAX_ALT: usize = 300;

/// A visitor counts again as a new visit after this much silence, and a view of an article counts
/// once per visitor in this window.
pub const VISIT_WINDOW_SECS: i64 = 30 * 60;
/// Visitors "online now": seen in the last five minutes.
pub const ONLINE_WINDOW_SECS: i64 = 5 * 60;

/// What the public sees of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleState {
    Draft,
    /// Published with a time still to come.
    Scheduled,
    Published,
}

impl ArticleState {
    pub fn of(status: &str, publish_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match (status, publish_at) {
            ("published", Some(t)) if t > now => Self::Scheduled,
            ("published", _) => Self::Published,
            _ => Self::Draft,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Draft => "Bản nháp",
            Self::Scheduled => "Hẹn giờ đăng",
            Self::Published => "Đã đăng",
        }
    }
}

/// A URL slug from a Vietnamese title: folded, words joined by `-`, at most 120 characters.
pub fn slug(title: &str) -> String {
    let folded = fold(title);
    let mut s: String = folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.len() > 120 {
        s.truncate(120);
        while s.ends_with('-') {
            s.pop();
        }
    }
    s
}

/// An article as an editor submits it (already NFC).
#[derive(Clone, Debug, Default)]
pub struct ArticleInput {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub byline: String,
    pub cover_alt: String,
    pub has_cover: bool,
}

/// Problems with an article, by field (Vietnamese messages).
pub fn problems(a: &ArticleInput) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let len = |s: &str| s.chars().count();
    if a.title.trim().is_empty() {
        out.push(("title", "cần nhập tiêu đề".to_owned()));
    } else if len(&a.title) > MAX_TITLE {
        out.push(("title", format!("tiêu đề tối đa {MAX_TITLE} ký tự")));
    } else if slug(&a.title).is_empty() {
        out.push(("title", "tiêu đề cần có chữ hoặc số".to_owned()));
    }
    if len(&a.summary) > MAX_SUMMARY {
        out.push(("summary", format!("tóm tắt tối đa {MAX_SUMMARY} ký tự")));
    }
    if a.body.trim().is_empty() {
        out.push(("body", "cần nhập nội dung".to_owned()));
    } else if len(&a.body) > MAX_BODY {
        out.push(("body", format!("nội dung tối đa {MAX_BODY} ký tự")));
    }
    if len(&a.byline) > MAX_BYLINE {
        out.push(("byline", format!("tác giả tối đa {MAX_BYLINE} ký tự")));
    }
    if a.has_cover && a.cover_alt.trim().is_empty() {
        // WCAG 2.2 SC 1.1.1: a picture that carries meaning needs its text alternative.
        out.push((
            "cover_alt",
            "ảnh đại diện cần có mô tả thay thế (alt)".to_owned(),
        ));
    } else if len(&a.cover_alt) > MAX_ALT {
        out.push(("cover_alt", format!("mô tả ảnh tối đa {MAX_ALT} ký tự")));
    }
    out
}

/// The text an article is searched by.
pub fn search_text(title: &str, summary: &str, body: &str) -> String {
    fold(&format!("{title} {summary} {body}"))
}

/// NFC and trimmed, as stored.
pub fn clean(s: &str) -> String {
    nfc(s.trim())
}

/// What a media upload is, from its first bytes (never from its name alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    Png,
    Jpeg,
    Webp,
    Mp4,
    Webm,
    /// Captions (WebVTT).
    Vtt,
}

impl MediaType {
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
            Some(Self::Mp4)
        } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            Some(Self::Webm)
        } else if head
            .strip_prefix("\u{feff}".as_bytes())
            .unwrap_or(head)
            .starts_with(b"WEBVTT")
        {
            Some(Self::Vtt)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Mp4 => "video/mp4",
            Self::Webm => "video/webm",
            Self::Vtt => "text/vtt; charset=utf-8",
        }
    }

    pub fn is_video(self) -> bool {
        matches!(self, Self::Mp4 | Self::Webm)
    }

    /// `image`, `video` or `captions`.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Mp4 | Self::Webm => "video",
            Self::Vtt => "captions",
            _ => "image",
        }
    }
}

/// A byte range asked for with `Range: bytes=…` (RFC 9110 §14), resolved against the file's size:
/// `Ok(None)` for the whole file (no or unusable header), `Ok(Some((first, last)))` inclusive, and
/// `Err(())` when the range lies beyond the file (416).
#[allow(clippy::result_unit_err)]
pub fn byte_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(h) = header else { return Ok(None) };
    let Some(spec) = h.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    // One range only; a list is answered with the whole file (allowed by RFC 9110 §14.2).
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    if size == 0 {
        return Err(());
    }
    let range = match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(first), Ok(last)) if first <= last => (first, last.min(size - 1)),
        (Ok(_), Ok(_)) => return Ok(None),
        (Ok(first), Err(_)) if b.is_empty() => (first, size - 1),
        (Err(_), Ok(n)) if a.is_empty() => {
            if n == 0 {
                return Err(());
            }
            (size.saturating_sub(n), size - 1)
        }
        _ => return Ok(None),
    };
    if range.0 >= size {
        return Err(());
    }
    Ok(Some(range))
}

/// Whether a user agent is a robot (crawlers, monitors, command-line clients): its requests are
/// served but not counted.
pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ua.is_empty()
        || [
            "bot",
            "crawl",
            "spider",
            "slurp",
            "curl",
            "wget",
            "python",
            "httpclient",
            "java/",
            "go-http",
            "headless",
            "monitor",
            "preview",
            "facebookexternalhit",
            "wrk",
            "okhttp",
        ]
        .iter()
        .any(|w| ua.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_vietnamese() {
        assert_eq!(
            slug("Bộ TT&TT đẩy mạnh cải cách hành chính năm 2026!"),
            "bo-tt-tt-day-manh-cai-cach-hanh-chinh-nam-2026"
        );
        assert_eq!(slug("!!!"), "");
        assert!(slug(&"dài ".repeat(100)).len() <= 120);
    }

    #[test]
    fn states_follow_the_clock() {
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        assert_eq!(
            ArticleState::of("published", Some(later), now),
            ArticleState::Scheduled
        );
        assert_eq!(
            ArticleState::of("published", Some(now), now),
            ArticleState::Published
        );
        assert_eq!(
            ArticleState::of("draft", Some(now), now),
            ArticleState::Draft
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=0-9"), 100), Ok(Some((0, 9))));
        assert_eq!(byte_range(Some("bytes=90-"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(byte_range(Some("bytes=50-500"), 100), Ok(Some((50, 99))));
        assert_eq!(byte_range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(byte_range(Some("bytes=200-300"), 100), Err(()));
        assert_eq!(byte_range(Some("bytes=-0"), 100), Err(()));
        assert_eq!(byte_range(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(byte_range(Some("items=0-1"), 100), Ok(None));
        assert_eq!(byte_range(Some("bytes=9-1"), 100), Ok(None));
    }

    #[test]
    fn media_is_known_by_its_bytes() {
        assert_eq!(
            MediaType::sniff(b"\x89PNG\r\n\x1a\nrest"),
            Some(MediaType::Png)
        );
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x18ftypmp42"),
            Some(MediaType::Mp4)
        );
        assert_eq!(
            MediaType::sniff(&[0x1A, 0x45, 0xDF, 0xA3, 1]),
            Some(MediaType::Webm)
        );
        assert_eq!(
            MediaType::sniff(b"WEBVTT\n\n00:00.000 --> 00:01.000\nXin chao"),
            Some(MediaType::Vtt)
        );
        assert_eq!(MediaType::sniff(b"<script>"), None);
        assert_eq!(MediaType::sniff(b"%PDF-1.7"), None);
    }

    #[test]
    fn problems_are_named_by_field() {
        let p = problems(&ArticleInput {
            has_cover: true,
            ..Default::default()
        });
        let fields: Vec<_> = p.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["title", "body", "cover_alt"]);
        assert!(is_bot("Mozilla/5.0 (compatible; Googlebot/2.1)"));
        assert!(is_bot(""));
        assert!(!is_bot(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156 Safari/537.36"
        ));
    }
}
