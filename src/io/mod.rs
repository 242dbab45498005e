//! Input and output: sources, the ordered parallel pipeline, and sinks that
//! never leave a partial file behind.
//!
//! Nothing here knows what a rule is: the pipeline runs any
//! [`pipeline::ChunkProcessor`].

pub mod pipeline;
pub mod sink;
