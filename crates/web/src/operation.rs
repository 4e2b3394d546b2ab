//! The operation id of the request being served: set once by `ops::around_request`, read by
//! every layer that answers or logs (errors, pages, the actor of a use case). A leaf: it imports
//! nothing of the crate, so that the error types and the page chrome can name it without a
//! circle through the middleware.

tokio::task_local! {
    pub(crate) static OPERATION_ID: String;
}

/// The id of the request being served ("mã thao tác"): in the `x-request-id` response header, in
/// every API error, on every error page and in every log line about the request.
pub fn operation_id() -> String {
    OPERATION_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_owned())
}
