//! A small bounded element tree over quick-xml: local names (prefixes dropped), text with entities
//! resolved, limits on depth and element count.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::EdxmlError;

const MAX_DEPTH: usize = 32;
const MAX_ELEMENTS: usize = 100_000;

/// An element: its local name, its children, its text (concatenated, trimmed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub children: Vec<Node>,
    pub text: String,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// The trimmed text of the first child called `name`, or empty.
    pub fn text_of(&self, name: &str) -> String {
        self.child(name)
            .map(|c| c.text.trim().to_owned())
            .unwrap_or_default()
    }
}

fn xml_err(e: impl std::fmt::Display) -> EdxmlError {
    EdxmlError::Xml(e.to_string())
}

fn local(name: &[u8]) -> String {
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    String::from_utf8_lossy(local).into_owned()
}

/// Parses a document into its root element.
pub fn parse(xml: &[u8]) -> Result<Node, EdxmlError> {
    let text = std::str::from_utf8(xml).map_err(|_| EdxmlError::Xml("không phải UTF-8".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let event = reader.read_event().map_err(xml_err)?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(EdxmlError::Xml("nội dung sau phần tử gốc".into()));
            }
            Event::Start(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(EdxmlError::TooComplex("số phần tử"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(EdxmlError::TooComplex("độ sâu"));
                }
                stack.push(Node {
                    name: local(e.name().as_ref()),
                    ..Node::default()
                });
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(EdxmlError::TooComplex("số phần tử"));
                }
                let node = Node {
                    name: local(e.name().as_ref()),
                    ..Node::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| xml_err("thẻ đóng thừa"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&t.decode().map_err(xml_err)?);
                } else if !t.decode().map_err(xml_err)?.trim().is_empty() {
                    return Err(xml_err("văn bản ngoài phần tử gốc"));
                }
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&t.decode().map_err(xml_err)?);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(xml_err)?.map(String::from)
                } else {
                    let name = r.decode().map_err(xml_err)?;
                    quick_xml::escape::resolve_xml_entity(&name).map(str::to_owned)
                };
                let resolved = resolved.ok_or_else(|| xml_err("thực thể không xác định"))?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => return Err(xml_err("không chấp nhận DOCTYPE")),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(xml_err("tài liệu kết thúc khi còn phần tử chưa đóng"));
    }
    root.ok_or_else(|| xml_err("tài liệu rỗng"))
}
