//! Helpers shared by the integration tests.

pub mod common;
pub mod markup;
pub mod run;

pub use auditbook_corpus as corpus;
