//! The OpenAPI document completed with what every operation shares, so that the document says
//! every answer the API gives (issue 18: the schema fuzzer holds each answer to it).
//!
//! The handlers' annotations declare their own answers; the layers around them answer on every
//! route alike, always with the error envelope: a path parameter that does not parse (400) or
//! names nothing (404), a query or body that does not parse (400) or is refused field by field
//! (422), a body over the limit (413) or of another type (415), a missing or unknown token (401),
//! a role or scope without the permission (403), a version changed since read or a duplicate
//! (409), the public and sign-in limits per client (429), the database unreachable or the request
//! over its time (503), the disk full (507). [`complete`] adds those an operation can give and
//! did not declare, and the path parameters an annotation left out.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder};

/// The shared answers, by status, with what causes each.
const SHARED: [(&str, &str); 11] = [
    ("400", "The path, query or body does not parse."),
    ("401", "No valid bearer token."),
    (
        "403",
        "The caller's role or unit scope lacks the permission.",
    ),
    (
        "404",
        "Nothing of that name, or nothing the caller may see.",
    ),
    (
        "409",
        "Changed since read, a duplicate, or not allowed in its state.",
    ),
    ("413", "The body is over the limit."),
    ("415", "The body is not of the declared media type."),
    (
        "422",
        "A field is refused; `details` names each with its message.",
    ),
    (
        "429",
        "Too many requests from this client; `Retry-After` says when to retry.",
    ),
    (
        "503",
        "The database is unreachable or the request ran out of time.",
    ),
    ("507", "The database's disk is full."),
];

/// Adds to every operation of `doc` the shared answers it can give, and its path parameters.
pub fn complete(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let names = path_parameters(path);
        let ops = [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ];
        for (op, writes) in ops {
            if let Some(op) = op.as_mut() {
                declare_path_parameters(op, &names);
                add_shared_answers(op, !names.is_empty(), writes);
            }
        }
    }
}

/// The `{name}` segments of a path template.
fn path_parameters(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_owned)
        .collect()
}

fn declare_path_parameters(op: &mut Operation, names: &[String]) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    for name in names {
        let declared = params.iter().any(
            |p| matches!(p, RefOr::T(p) if p.name == *name && p.parameter_in == ParameterIn::Path),
        );
        if declared {
            continue;
        }
        // A year is a number; every other name (a code, an id, a date, a register) a string.
        let kind = if name == "year" {
            Type::Integer
        } else {
            Type::String
        };
        params.push(RefOr::T(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(kind)))
                .build(),
        ));
    }
}

fn add_shared_answers(op: &mut Operation, has_path: bool, writes: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_input = has_path || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_body = op.request_body.is_some();
    for (status, why) in SHARED {
        let applies = match status {
            "400" | "422" => has_input || has_body,
            "401" | "403" => secured,
            "404" => has_path,
            "409" | "507" => writes,
            "413" | "415" => has_body,
            // The per-client limit guards what needs no sign-in, and the sign-in itself.
            "429" => !secured,
            _ => true,
        };
        if applies && !op.responses.responses.contains_key(status) {
            op.responses
                .responses
                .insert(status.to_owned(), RefOr::T(envelope(why)));
        }
    }
}

fn envelope(why: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(why)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                .build(),
        )
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_declares_its_path_parameters_and_the_shared_answers_it_can_give() {
        let (_, doc) = super::super::router();
        for (path, item) in &doc.paths.paths {
            let names = path_parameters(path);
            for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                .into_iter()
                .flatten()
            {
                let id = op.operation_id.clone().unwrap_or_default();
                let params = op.parameters.clone().unwrap_or_default();
                for n in &names {
                    assert!(
                        params
                            .iter()
                            .any(|p| matches!(p, RefOr::T(p) if &p.name == n)),
                        "{id}: path parameter {n}"
                    );
                }
                let r = &op.responses.responses;
                assert!(r.contains_key("503"), "{id}");
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    assert!(r.contains_key("401") && r.contains_key("403"), "{id}");
                }
                if !names.is_empty() {
                    assert!(r.contains_key("404"), "{id}");
                }
            }
        }
    }
}
