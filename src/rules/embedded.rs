//! The default rule set, compiled into the binary.
//!
//! Every `rules/*.toml` file must be listed here; a test fails when one is
//! missing, so a new rule file cannot be forgotten.

/// `(file name, contents)` of each embedded rule file, in load order.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("network.toml", include_str!("../../rules/network.toml")),
    ("identity.toml", include_str!("../../rules/identity.toml")),
    ("secrets.toml", include_str!("../../rules/secrets.toml")),
    ("tokens.toml", include_str!("../../rules/tokens.toml")),
    ("providers.toml", include_str!("../../rules/providers.toml")),
    ("customer.toml", include_str!("../../rules/customer.toml")),
    ("people.toml", include_str!("../../rules/people.toml")),
    (
        "pii-national.toml",
        include_str!("../../rules/pii-national.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::EMBEDDED;

    #[test]
    fn every_rule_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded, "rules/*.toml and EMBEDDED differ");
    }
}
