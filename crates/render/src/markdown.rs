//! Article bodies: Markdown (CommonMark with tables and strikethrough) to HTML that can carry no
//! script. Nothing of the author's HTML passes: raw HTML blocks and inline tags are shown as text;
//! links and images keep only `http`, `https`, `mailto` and site-relative addresses (a
//! `javascript:`, `data:` or `vbscript:` link loses its address and stays as text); every text and
//! attribute is escaped by the renderer. Headings start at level 2 (the page's `h1` is the title).

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};

/// Whether a link or image address may be followed.
fn safe_url(url: &str) -> bool {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return true;
    }
    // Site-relative or a fragment; never a scheme (`javascript:`), never protocol-relative.
    (u.starts_with('/') && !u.starts_with("//"))
        || u.starts_with('#')
        || (!u.contains(':') && !u.starts_with("//") && !u.is_empty())
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The HTML of a Markdown body.
pub fn to_html(markdown: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut dropped_links: Vec<bool> = Vec::new();
    let mut in_dropped_image = 0usize;
    let mut events: Vec<Event<'_>> = Vec::new();
    for ev in Parser::new_ext(markdown, opts) {
        match ev {
            Event::Html(s) | Event::InlineHtml(s) => events.push(Event::Text(s)),
            Event::Start(Tag::Heading {
                level,
                id,
                classes: _,
                attrs: _,
            }) => events.push(Event::Start(Tag::Heading {
                level: demote(level),
                id,
                classes: Vec::new(),
                attrs: Vec::new(),
            })),
            Event::End(TagEnd::Heading(level)) => {
                events.push(Event::End(TagEnd::Heading(demote(level))))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let ok = link_type == LinkType::Email || safe_url(&dest_url);
                dropped_links.push(!ok);
                if ok {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if dropped_links.pop() == Some(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if safe_url(&dest_url) && in_dropped_image == 0 {
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                } else {
                    in_dropped_image += 1;
                }
            }
            Event::End(TagEnd::Image) => {
                if in_dropped_image > 0 {
                    in_dropped_image -= 1;
                } else {
                    events.push(Event::End(TagEnd::Image));
                }
            }
            Event::FootnoteReference(s) => events.push(Event::Text(CowStr::from(format!("[{s}]")))),
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Plain text of a Markdown body (for the Atom feed's summary and search snippets).
pub fn to_text(markdown: &str) -> String {
    let mut out = String::new();
    for ev in Parser::new(markdown) {
        match ev {
            Event::Text(s) | Event::Code(s) => out.push_str(&s),
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders() {
        let h = to_html(
            "# Tiêu đề\n\nĐoạn **đậm** và [liên kết](https://dichvucong.gov.vn).\n\n| A | B |\n|---|---|\n| 1 | 2 |\n",
        );
        assert!(h.contains("<h2>Tiêu đề</h2>"), "{h}");
        assert!(h.contains("<strong>đậm</strong>"));
        assert!(
            h.contains("<a href=\"https://dichvucong.gov.vn\">liên kết</a>"),
            "{h}"
        );
        assert!(h.contains("<table>"));
    }

    #[test]
    fn no_script_gets_through() {
        let attacks = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[bấm](javascript:alert(1))",
            "[bấm](JaVaScRiPt:alert(1))",
            "[bấm]( javascript:alert(1))",
            "![ảnh](javascript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](vbscript:msgbox)",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg onload=alert(1)>",
            "<iframe src=//evil.example></iframe>",
            "[x](//evil.example/a)",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "[a](https://x.vn \"t\\\" onmouseover=\\\"alert(1)\")",
        ];
        // The markup of the output: every `<…>` (escaped text cannot open a tag).
        let tags = |h: &str| -> String {
            let mut out = String::new();
            let mut inside = false;
            for c in h.chars() {
                if c == '<' {
                    inside = true;
                }
                if inside {
                    out.push(c);
                }
                if c == '>' {
                    inside = false;
                }
            }
            out
        };
        for a in attacks {
            let h = to_html(a);
            let lower = tags(&h).to_ascii_lowercase();
            for bad in [
                "<script",
                "<img src=\"x\"",
                "onerror=",
                "javascript:",
                "<iframe",
                "<svg",
                "data:text",
                "vbscript:",
                "href=\"//",
                "<div",
                " onmouseover=\"",
            ] {
                assert!(!lower.contains(bad), "{a} -> {h}");
            }
        }
        // The text of a dropped link stays.
        assert!(to_html("[bấm vào đây](javascript:alert(1))").contains("bấm vào đây"));
        // Raw HTML is shown as text.
        assert!(to_html("<b>x</b>").contains("&lt;b&gt;"));
    }

    #[test]
    fn plain_text() {
        assert_eq!(to_text("# A\n\nB *c*"), "A B c");
    }
}
