//! The command-line tests: one binary, one module per topic.
//!
//! Known gaps, to be covered by later work:
//! - TODO(test): the progress bar on a terminal (tested by hand under `script`).

mod basics;
mod bundles;
mod dictionary;
mod entry_points;
mod fail_closed;
mod findings;
mod golden;
mod hostile;
mod keys;
mod keywords;
mod learn_allow;
mod outputs;
mod people;
mod rules;
mod streaming;
mod tokens;
mod util;
