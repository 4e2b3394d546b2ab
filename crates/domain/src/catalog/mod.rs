//! The procedure catalogue (danh mục thủ tục hành chính): procedures, their versions and
//! publication, review plans, and the Vietnamese folding used by search.

pub mod fold;
pub mod form_file;
pub mod procedure;
pub mod publication;
pub mod review;
pub mod search_index;

pub use procedure::{
    Allocation, Applicant, Channel, Component, DecisionAuthority, Fee, Form, LegalAct, Level,
    OnlineClass, Problem, ProcedureCode, ProcedureData, ProcedureField, ProcessingTime, ResultKind,
    Step, TimeUnit, VersionStatus,
};
pub use publication::{Check, Publication, checks};
