//! Any bytes given to the edXML parser: an answer (package, status or refusal), never a panic,
//! and a parsed package written back parses to the same package.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = motcua_edxml::Package::parse(data) {
        let again = motcua_edxml::Package::parse(&p.to_xml());
        assert_eq!(again.as_ref(), Ok(&p));
    }
    if let Ok(s) = motcua_edxml::StatusMessage::parse(data) {
        assert_eq!(motcua_edxml::StatusMessage::parse(&s.to_xml()), Ok(s));
    }
});
