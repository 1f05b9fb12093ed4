//! Helpers shared by the integration tests.

pub mod common;
#[allow(dead_code)] // Its summary text is for the example and benches only.
#[path = "../../../benches/support/corpus.rs"]
pub mod corpus;
pub mod markup;
pub mod run;
