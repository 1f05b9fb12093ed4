//! The integration tests: one binary, one module per area, and the helpers they share in
//! [`support`].

mod browser;
mod checkers;
mod ci_docs;
mod commands;
mod diff;
mod expected;
mod exports;
mod gates;
mod glossary;
mod golden;
mod hostile;
mod hostile_structure;
mod incremental;
mod languages;
mod output_safety;
mod properties;
mod render_properties;
mod scoring;
mod serve;
mod site;
mod sources;
mod support;
mod team_loop;
mod validation;
