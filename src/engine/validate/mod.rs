//! The named checks a rule can put on a candidate (`validators = [...]`).
//!
//! Each check is cheap, allocation-free and linear in the value's length.
//! A check sees the candidate value and, for the few that need context, the
//! line around it (`hay[start..end]` is the value).
//!
//! | File | Checks |
//! | --- | --- |
//! | `network` | IP and MAC addresses |
//! | `host` | host names and e-mail domains: suffixes, reserved names, code identifiers that look like hosts |
//! | `numbers` | checksums (Luhn, IBAN, CRC-32 of token formats), entropy, phone numbers |
//! | `accounts` | user names and home folders |
//! | `names` | person names in prose and in name positions |
//! | `secret` | secret values: placeholders and masks, properties values |
//! | `shape` | a random secret by its shape alone (the one check that may allocate: it decodes base64 to see whether it is plain text, only after the cheap checks passed) |
//!
//! The files depend on `network` and on this file's helpers only, never on
//! each other in a circle.

mod accounts;
pub mod host;
mod names;
mod network;
mod numbers;
mod secret;
mod shape;

pub use accounts::{home_user, is_service_account, list_login, user_name};
pub use host::email_domain;
pub use names::{given_name_in_context, introduced_name, name_words, org_name, person_name};
pub use network::{
    ipv4_identifies_host, ipv6_identifies_host, lowercase_into, mac, parse_ipv4, parse_ipv6,
};
pub use numbers::{
    atlassian_crc32, dc_token, github_crc32, iban, luhn, phone, shannon_entropy, uk_nino,
};
pub use secret::{is_placeholder, properties_value, repeats_own_key};
pub(crate) use shape::unpadded;

use crate::rules::Validator;

/// Runs one validator.
pub fn check(v: &Validator, hay: &[u8], start: usize, end: usize) -> bool {
    let value = &hay[start..end];
    match v {
        Validator::Luhn => luhn(value),
        Validator::Iban => iban(value),
        Validator::Ipv4 => ipv4_identifies_host(value),
        Validator::Ipv6 => ipv6_identifies_host(value),
        Validator::Mac => mac(value),
        Validator::Hostname => crate::engine::validate::host::is_host(hay, start, end),
        Validator::EmailDomain => email_domain(value),
        Validator::Entropy(min) => shannon_entropy(value) >= *min,
        Validator::AtlassianCrc32 => atlassian_crc32(value),
        Validator::GithubCrc32 => github_crc32(value),
        Validator::DcToken => dc_token(value),
        Validator::NotPlaceholder => !is_placeholder(value) && !repeats_own_key(hay, start, end),
        Validator::Phone => phone(value),
        Validator::HostPosition => {
            crate::engine::validate::host::is_host_in_position(value)
                && !crate::engine::validate::host::is_in_jvm_transport(hay, start)
        }
        Validator::UserName => user_name(value),
        Validator::ListLogin => list_login(value),
        Validator::NoServiceAccount => {
            let v = trim_quotes(value).to_ascii_lowercase();
            !is_service_account(&v) && !crate::rules::dictionary::is_service_account(&v)
        }
        Validator::ListHost => crate::engine::validate::host::list_host(hay, start, end),
        Validator::SiblingHost => crate::engine::validate::host::sibling_host(hay, start, end),
        Validator::PersonName => person_name(value),
        Validator::NameWords => name_words(value),
        Validator::OrgName => org_name(hay, start, end),
        Validator::GivenName => given_name_in_context(hay, start, end),
        Validator::IntroducedName => introduced_name(value),
        Validator::UkNino => uk_nino(value),
        Validator::PropertiesValue => properties_value(hay, start, end),
        Validator::HomeUser => home_user(hay, start, end),
        Validator::RandomToken => shape::random_token(value),
        Validator::BasicCredential => shape::basic_credential(value),
    }
}

pub(crate) fn trim_quotes(v: &[u8]) -> &[u8] {
    let mut v = v;
    while let [b'"' | b'\'' | b' ', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b'"' | b'\'' | b' '] = v {
        v = rest;
    }
    v
}
