//! The workspace loader on an arbitrary checklist file (`checklists/fuzzed.yaml`) beside a small valid
//! workspace: it must never panic, and a model it accepts must render without script from
//! the input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    auditbook_fuzz::load_with("checklists/fuzzed.yaml", data);
});
