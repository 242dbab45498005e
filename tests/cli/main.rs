//! The command-line tests: one binary, one module per topic.
//!
//! Known gaps, to be covered by later work:
//! - TODO(test): Ctrl-C leaves no partial output file.

mod basics;
mod bundles;
mod golden;
mod keys;
mod rules;
mod util;
