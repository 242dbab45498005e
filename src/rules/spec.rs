//! The rule-file schema, exactly as written in `rules/*.toml`.
//!
//! These serde types mirror the file format and nothing more; [`super::load`]
//! turns them into validated [`super::Rule`]s. Unknown keys are errors
//! (`deny_unknown_fields`) so that a typo cannot quietly switch a rule off.

use serde::Deserialize;

/// One `[[rule]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable dotted id, such as `net.email`.
    pub id: String,
    /// Upper-case tag used in replacement tokens, such as `EMAIL`.
    pub label: String,
    /// What the rule finds and why it is sensitive.
    pub description: String,
    /// `regex` (the default), `block` or `next-line`.
    #[serde(default)]
    pub kind: Option<String>,
    /// The regex (kind `regex`).
    #[serde(default)]
    pub pattern: Option<String>,
    /// Capture groups to redact: `"name"` or `"name:LABEL"`; default: the
    /// whole match.
    #[serde(default)]
    pub redact: Vec<String>,
    /// Literal keywords (ASCII case-insensitive): the rule only runs on lines
    /// that hold one of them. Empty: the rule runs on every line.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Named checks a candidate must pass, such as `luhn` or `entropy(3.0)`.
    #[serde(default)]
    pub validators: Vec<String>,
    /// How a value is normalised before hashing: `none`, `lowercase`, `ip`,
    /// `digits`, `compact-upper`.
    #[serde(default)]
    pub normalize: Option<String>,
    /// With several `redact` groups: drop the whole match unless every group
    /// that took part passes the validators (a `user@host` pair where the
    /// host is no host).
    #[serde(default)]
    pub require_all: bool,
    /// The next candidate is searched from just after the start of this
    /// one (its first redacted group), not after its end: candidates may
    /// overlap, so a rejected `Retry Anna` still lets `Anna Kowalski` match.
    #[serde(default)]
    pub overlap: bool,
    /// Each redacted group is a list (`[a, b]`, `a,b,c`, `a, b and c`):
    /// every element, trimmed of quotes, brackets and a `:port`, is a value
    /// of its own, checked by the validators alone.
    #[serde(default)]
    pub list: bool,
    /// Values found by this rule are host names in a reliable position:
    /// logscrub also replaces them where they appear bare elsewhere.
    #[serde(default)]
    pub learn: bool,
    /// Breaks ties between overlapping findings (higher wins the label).
    #[serde(default)]
    pub priority: i32,
    /// A candidate is dropped when the text just before it (same line, up to
    /// 64 bytes) matches this regex at its end.
    #[serde(default)]
    pub not_before: Option<String>,
    /// A candidate is dropped when the text just after it (same line, up to
    /// 64 bytes) matches this regex at its start.
    #[serde(default)]
    pub not_after: Option<String>,
    /// Block rules: the marker that opens a block.
    #[serde(default)]
    pub begin: Option<String>,
    /// Block rules: the marker that closes a block.
    #[serde(default)]
    pub end: Option<String>,
    /// Block rules: what a whole body line looks like; a line that does not
    /// match ends the block.
    #[serde(default)]
    pub body: Option<String>,
    /// Where the format is documented.
    #[serde(default)]
    pub references: Vec<String>,
    /// Text that must be redacted, with the expected result.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
    /// Text that must come through unchanged.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// One entry of `examples`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// The input text (one or more lines).
    pub input: String,
    /// The expected output, with `<LABEL>` standing for any token of that
    /// label (`<EMAIL>` matches `<EMAIL-1f3a9c2d>`).
    pub output: String,
}
