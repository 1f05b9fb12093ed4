//! auditbook: turns a workspace of YAML audit checklists, answers and metric snapshots into
//! a static site. The pipeline: workspace files -> located YAML nodes -> validated [`Model`]
//! with diagnostics -> scores and results -> site.

pub mod alloc;
pub mod analysis;
pub mod build;
mod charts;
pub mod cli;
pub mod commands;
pub mod decode;
pub mod diag;
pub mod diff;
pub mod i18n;
pub mod init;
pub mod load;
pub mod manual;
pub mod markdown;
pub mod metrics;
pub mod metrics_json;
pub mod model;
pub mod output;
pub mod public;
pub mod rebuild;
pub mod render;
pub mod schema;
pub mod score;
pub mod serve;
pub mod site;
pub mod source;
pub mod sources;
pub mod suggest;
pub mod templates;
pub mod text;
pub mod workspace;
pub mod yaml;

pub use load::{Loaded, load};
pub use model::Model;
