//! The command-line tests: one binary, one module per topic.
//!
//! Known gaps, to be covered by later work:
//! - TODO(test): archives and folders as input (support bundles).
//! - TODO(test): Ctrl-C leaves no partial output file.

mod basics;
mod golden;
mod hostile;
mod keys;
mod learn_allow;
mod rules;
mod streaming;
mod util;
