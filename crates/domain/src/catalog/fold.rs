//! Vietnamese folding for search: NFC, lower case, tone and vowel marks removed, đ → d, anything
//! that is not a letter or digit becomes a space. One function for both backends, so SQLite FTS5
//! and PostgreSQL full-text search see the same words: `cap giay phep buu chinh` finds
//! "Cấp giấy phép bưu chính", and `đăng ký` finds `dang ky`.
//!
//! (SQLite's `remove_diacritics` cannot do this alone: đ has no Unicode decomposition.)

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The folded form of `text`: ASCII letters, digits and single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        for lc in c.to_lowercase() {
            // ASCII only: both backends then split the same words (other scripts and signs such
            // as ½ or ² are separators).
            if lc.is_ascii_alphanumeric() {
                out.push(lc);
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a folded query, each to be matched as a prefix.
pub fn query_terms(query: &str) -> Vec<String> {
    fold(query)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Text in NFC, as stored and shown (imports may arrive in NFD).
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_d_are_folded() {
        assert_eq!(fold("Cấp giấy phép bưu chính"), "cap giay phep buu chinh");
        assert_eq!(fold("ĐĂNG KÝ"), "dang ky");
        assert_eq!(fold("Đăng ký"), fold("dang ky"));
        assert_eq!(
            fold("Phát thanh, truyền hình và thông tin điện tử"),
            "phat thanh truyen hinh va thong tin dien tu"
        );
    }

    #[test]
    fn nfd_input_folds_like_nfc() {
        let nfd: String = "Giấy phép thiết lập mạng viễn thông".nfd().collect();
        assert_ne!(nfd, "Giấy phép thiết lập mạng viễn thông");
        assert_eq!(fold(&nfd), fold("Giấy phép thiết lập mạng viễn thông"));
        assert_eq!(nfc(&nfd), "Giấy phép thiết lập mạng viễn thông");
    }

    #[test]
    fn punctuation_becomes_single_spaces() {
        assert_eq!(
            fold("  Xuất bản, in – và   phát hành!! "),
            "xuat ban in va phat hanh"
        );
        assert_eq!(
            query_terms("  cấp  GIẤY "),
            vec!["cap".to_owned(), "giay".to_owned()]
        );
        assert!(query_terms(" ,, ").is_empty());
    }
}
