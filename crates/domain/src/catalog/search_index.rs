//! The catalogue's search index, held in memory: the same answers on SQLite and PostgreSQL, and
//! a search of 10,000 procedures costs tens of microseconds instead of a full-text query, a count
//! and a ranking in the database (measured in docs/PERFORMANCE.md).
//!
//! Documents are folded texts ([`super::fold::fold`]). A query's words are all required, each
//! matched as a prefix of a word of the document (`giấy phép bưu` finds "… bưu chính"). Results are
//! ranked by BM25 (k1 = 1.2, b = 0.75) over those words, a whole-word match counting more than a
//! prefix match, then by the caller's order of the documents (the catalogue's code order). When no
//! document holds every word, words found in no document are replaced by the dictionary's words
//! one edit away (two for words of eight letters or more): typo tolerance, the same on both
//! backends (`chinhh` finds `chinh`).

use std::collections::HashMap;

/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation.
const B: f32 = 0.75;
/// Weight of a word that only starts with the query's word (a whole word counts 1).
const PREFIX_WEIGHT: f32 = 0.3;

/// An inverted index over documents numbered in the caller's order.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Distinct words, sorted (prefix look-up is a range of this list).
    words: Vec<String>,
    /// For each word, the documents holding it with the number of times, by document.
    postings: Vec<Vec<(u32, u16)>>,
    /// Words per document.
    lengths: Vec<u16>,
    average_length: f32,
}

/// One page of results: documents in rank order and how many matched in all.
#[derive(Debug, PartialEq, Eq)]
pub struct Hits {
    pub documents: Vec<u32>,
    pub total: usize,
    /// The query's words were corrected (no document held them as typed).
    pub corrected: bool,
}

impl SearchIndex {
    /// Indexes folded texts; a document's number is its position in `texts`.
    pub fn build<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_word: HashMap<&'a str, Vec<(u32, u16)>> = HashMap::new();
        let mut lengths = Vec::new();
        for (doc, text) in texts.into_iter().enumerate() {
            let doc = u32::try_from(doc).unwrap_or(u32::MAX);
            let mut n = 0u16;
            for word in text.split(' ').filter(|w| !w.is_empty()) {
                n = n.saturating_add(1);
                let list = by_word.entry(word).or_default();
                match list.last_mut() {
                    Some((d, tf)) if *d == doc => *tf = tf.saturating_add(1),
                    _ => list.push((doc, 1)),
                }
            }
            lengths.push(n);
        }
        let mut words: Vec<(&str, Vec<(u32, u16)>)> = by_word.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let total: u64 = lengths.iter().map(|&l| u64::from(l)).sum();
        let average_length = if lengths.is_empty() {
            1.0
        } else {
            (total as f32 / lengths.len() as f32).max(1.0)
        };
        Self {
            words: words.iter().map(|(w, _)| (*w).to_owned()).collect(),
            postings: words.into_iter().map(|(_, p)| p).collect(),
            lengths,
            average_length,
        }
    }

    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// The dictionary's words starting with `prefix`, as indexes into `words`.
    fn prefixed(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.words.partition_point(|w| w.as_str() < prefix);
        let end = start
            + self.words[start..]
                .iter()
                .take_while(|w| w.starts_with(prefix))
                .count();
        start..end
    }

    /// Documents matching every term (each a set of alternative words, as prefixes), with their
    /// scores, in document order.
    fn matching(&self, terms: &[Vec<String>]) -> Vec<(u32, f32)> {
        let n = self.len();
        let mut hits = vec![0u16; n];
        let mut scores = vec![0f32; n];
        let mut weight = vec![0f32; n];
        for alternatives in terms {
            let mut touched: Vec<u32> = Vec::new();
            for word in alternatives {
                for w in self.prefixed(word) {
                    let exact = self.words[w] == *word;
                    for &(doc, tf) in &self.postings[w] {
                        let d = doc as usize;
                        if weight[d] == 0.0 {
                            touched.push(doc);
                        }
                        weight[d] += f32::from(tf) * if exact { 1.0 } else { PREFIX_WEIGHT };
                    }
                }
            }
            let df = touched.len() as f32;
            let idf = (1.0 + (n as f32 - df + 0.5) / (df + 0.5)).ln();
            for doc in touched {
                let d = doc as usize;
                let tf = weight[d];
                weight[d] = 0.0;
                let norm = 1.0 - B + B * f32::from(self.lengths[d]) / self.average_length;
                scores[d] += idf * tf * (K1 + 1.0) / (tf + K1 * norm);
                hits[d] += 1;
            }
        }
        let need = u16::try_from(terms.len()).unwrap_or(u16::MAX);
        (0..n)
            .filter(|&d| hits[d] == need)
            .map(|d| (d as u32, scores[d]))
            .collect()
    }

    /// Whether a document `keep` accepts holds the dictionary's word `w`.
    fn visible(&self, w: usize, keep: &impl Fn(u32) -> bool) -> bool {
        self.postings[w].iter().any(|&(d, _)| keep(d))
    }

    /// The dictionary's words within the allowed edits of `word` (one; two from eight letters),
    /// for a word of at least four letters, held by a document `keep` accepts.
    fn near(&self, word: &str, keep: &impl Fn(u32) -> bool) -> Vec<String> {
        let len = word.chars().count();
        if len < 4 {
            return Vec::new();
        }
        let allowed = if len >= 8 { 2 } else { 1 };
        // Letters are corrected to words, digits to numbers (the dictionary holds every national
        // code's digits: comparing a word with them all would cost more than the search).
        let letters = word.bytes().all(|b| b.is_ascii_alphabetic());
        self.words
            .iter()
            .enumerate()
            .filter(|(_, w)| w.len().abs_diff(word.len()) <= allowed)
            .filter(|(_, w)| w.bytes().all(|b| b.is_ascii_alphabetic()) == letters)
            .filter(|(_, w)| edits(word, w) <= allowed)
            .filter(|(i, _)| self.visible(*i, keep))
            .map(|(_, w)| w.clone())
            .collect()
    }

    /// Searches `terms` (folded words) among the documents `keep` accepts; without terms, every
    /// accepted document in document order. `offset` and `limit` select the page.
    pub fn search(
        &self,
        terms: &[String],
        keep: impl Fn(u32) -> bool,
        offset: usize,
        limit: usize,
    ) -> Hits {
        if terms.is_empty() {
            let all: Vec<u32> = (0..self.len() as u32).filter(|&d| keep(d)).collect();
            return Hits {
                total: all.len(),
                documents: all.into_iter().skip(offset).take(limit).collect(),
                corrected: false,
            };
        }
        let exact: Vec<Vec<String>> = terms.iter().map(|t| vec![t.clone()]).collect();
        let mut corrected = false;
        let mut found: Vec<(u32, f32)> = self
            .matching(&exact)
            .into_iter()
            .filter(|(d, _)| keep(*d))
            .collect();
        if found.is_empty() {
            // Typo tolerance: a word no accepted document starts with is replaced by its near
            // words in accepted documents (the words of documents `keep` refuses — drafts, for the
            // public — neither block nor feed a correction).
            let mut changed = false;
            let fuzzy: Vec<Vec<String>> = terms
                .iter()
                .map(|t| {
                    if self.prefixed(t).any(|w| self.visible(w, &keep)) {
                        vec![t.clone()]
                    } else {
                        changed = true;
                        self.near(t, &keep)
                    }
                })
                .collect();
            if changed && fuzzy.iter().all(|alternatives| !alternatives.is_empty()) {
                found = self
                    .matching(&fuzzy)
                    .into_iter()
                    .filter(|(d, _)| keep(*d))
                    .collect();
                corrected = !found.is_empty();
            }
        }
        let total = found.len();
        // Best first; equal scores keep the documents' order.
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Hits {
            documents: found
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|(d, _)| d)
                .collect(),
            total,
            corrected,
        }
    }
}

/// Longest word compared by [`edits`] (longer words are never near).
const MAX_EDIT_LEN: usize = 40;

/// Optimal string alignment distance (insertions, deletions, substitutions and transpositions of
/// neighbours) between two ASCII words; `usize::MAX` for a word longer than [`MAX_EDIT_LEN`].
fn edits(a: &str, b: &str) -> usize {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len() > MAX_EDIT_LEN || b.len() > MAX_EDIT_LEN {
        return usize::MAX;
    }
    let mut prev2 = [0usize; MAX_EDIT_LEN + 1];
    let mut prev = [0usize; MAX_EDIT_LEN + 1];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    let mut cur = [0usize; MAX_EDIT_LEN + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::fold::{fold, query_terms};

    fn index(names: &[&str]) -> SearchIndex {
        let texts: Vec<String> = names.iter().map(|n| fold(n)).collect();
        SearchIndex::build(texts.iter().map(String::as_str))
    }

    fn find(ix: &SearchIndex, q: &str) -> Vec<u32> {
        ix.search(&query_terms(q), |_| true, 0, 20).documents
    }

    #[test]
    fn every_word_is_required_as_a_prefix() {
        let ix = index(&[
            "Cấp giấy phép bưu chính",
            "Sửa đổi, bổ sung giấy phép bưu chính",
            "Cấp giấy phép thiết lập mạng viễn thông công cộng",
            "Đăng ký thu phát sóng",
        ]);
        assert_eq!(find(&ix, "cap giay phep buu chinh"), [0]);
        assert_eq!(find(&ix, "Cấp giấy phép bưu chính"), [0]);
        let mut both = find(&ix, "giấy phép bưu");
        both.sort_unstable();
        assert_eq!(both, [0, 1]);
        assert_eq!(find(&ix, "vien thon"), [2]);
        assert_eq!(find(&ix, "đăng ký"), [3]);
        assert_eq!(find(&ix, "ĐĂNG KÝ"), [3]);
        assert!(find(&ix, "khong ton tai").is_empty());
    }

    #[test]
    fn ranking_prefers_whole_words_and_short_documents() {
        let ix = index(&[
            "Cấp số thuê bao",
            "Cấp phép sóng vô tuyến điện cho đài truyền hình số mặt đất trên địa bàn tỉnh",
            "Soạn thảo văn bản",
        ]);
        // "so" is a whole word of 0 and 1 (the shorter first), a prefix only in 2.
        assert_eq!(find(&ix, "so"), [0, 1, 2]);
    }

    #[test]
    fn equal_scores_keep_the_documents_order_and_pages_cut_it() {
        let ix = index(&["giay phep a", "giay phep b", "giay phep c", "giay phep d"]);
        assert_eq!(find(&ix, "giay phep"), [0, 1, 2, 3]);
        let page = ix.search(&query_terms("giay phep"), |_| true, 2, 1);
        assert_eq!((page.documents, page.total), (vec![2], 4));
        let kept = ix.search(&query_terms("giay"), |d| d % 2 == 1, 0, 20);
        assert_eq!((kept.documents, kept.total), (vec![1, 3], 2));
        let browse = ix.search(&[], |d| d != 0, 1, 2);
        assert_eq!((browse.documents, browse.total), (vec![2, 3], 3));
    }

    #[test]
    fn a_typo_finds_the_near_word_only_when_nothing_matches() {
        let ix = index(&[
            "Cấp giấy phép bưu chính",
            "Cấp giấy phép thiết lập mạng viễn thông",
        ]);
        let h = ix.search(&query_terms("giay phep buu chinhh"), |_| true, 0, 20);
        assert_eq!((h.documents, h.corrected), (vec![0], true));
        let h = ix.search(&query_terms("giay phep vien thogn"), |_| true, 0, 20);
        assert_eq!((h.documents, h.corrected), (vec![1], true));
        // Short words are not corrected (too many neighbours), nor is a query that matches.
        assert!(find(&ix, "giay phep buu chx").is_empty());
        assert!(
            !ix.search(&query_terms("giay phep"), |_| true, 0, 20)
                .corrected
        );
        assert!(find(&ix, "xyzxyz").is_empty());
    }

    #[test]
    fn refused_documents_neither_feed_nor_block_a_correction() {
        let ix = index(&[
            "Cấp giấy phép bưu chính",
            "Cấp giấy phép hoạt động in",
            "Đăng ký chinhx",
        ]);
        let public = |d: u32| d == 0;
        // "dongg" is one edit from a word of document 1 only: not offered when 1 is refused, and
        // the answer is no results, not "corrected".
        let h = ix.search(&query_terms("hoat dongg"), public, 0, 20);
        assert_eq!((h.documents.len(), h.total, h.corrected), (0, 0, false));
        let h = ix.search(&query_terms("buu chinhh"), public, 0, 20);
        assert_eq!((h.documents, h.corrected), (vec![0], true));
        // "chinhx" starts a word of the refused document 2 only: it is still corrected to "chinh".
        let h = ix.search(&query_terms("buu chinhx"), public, 0, 20);
        assert_eq!((h.documents, h.corrected), (vec![0], true));
    }

    #[test]
    fn edit_distance() {
        assert_eq!(edits("chinh", "chinh"), 0);
        assert_eq!(edits("chinhh", "chinh"), 1);
        assert_eq!(edits("thogn", "thong"), 1);
        assert_eq!(edits("buu", "bao"), 2);
        assert_eq!(edits("", "abc"), 3);
        assert_eq!(edits(&"a".repeat(41), "a"), usize::MAX);
    }
}
