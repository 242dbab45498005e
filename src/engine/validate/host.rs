//! Is this dotted word a host name? The hardest call in log redaction.
//!
//! Java logs are full of dotted words whose last part is a real top-level
//! domain: `java.lang.Thread.run` (`.run`), `com.atlassian.jira.rest`
//! (`.rest`), `setenv.sh` (`.sh`), `os.name` (`.name`), `(Foo.java:12)`
//! (`.java`). A public-suffix check is necessary but far from sufficient. The
//! decision here, in order:
//!
//! 1. shape: 2+ labels of letters, digits and inner hyphens, at most 253
//!    bytes; a label in mixed case (`Thread`, `DefaultFooService`) is code,
//!    since host names in logs are lower case or all upper case;
//! 2. reserved names stay: `example.com`/`.org`/`.net` and the `.example`,
//!    `.test`, `.invalid`, `.localhost` suffixes;
//! 3. private suffixes that are not on the public list but are host names
//!    all the same: `.local`, `.internal`, `.corp`, `.lan`, `.localdomain`,
//!    `.intranet`, `.home.arpa`, `.localnet`, `.private`, `.lab`, `.prod`,
//!    `.k8s` and a few more ([`PRIVATE_TLDS`]);
//! 4. code and files: a name that starts like a Java package (`com.`,
//!    `org.`, `java.`, ...), ends in a file extension that is also a TLD
//!    (`.java`, `.sh`, `.py`, `.md`, `.zip`, ...) with only two labels or
//!    with an extension that is a new gTLD, is followed by `(` (a method call)
//!    or sits in a stack frame, is not a host;
//! 5. the suffix must be on the public suffix list (the `psl` crate), with a
//!    registrable label in front of it;
//! 6. generic TLDs that read as English words (`.run`, `.rest`, `.name`,
//!    `.build`, `.claims`, ...) only count in a position that says host:
//!    after `://`, `@`, `\\`, or a `host=`-style key. Country codes and the
//!    classic generic TLDs (`.com`, `.net`, `.org`, ...) count anywhere.

use super::network::{lowercase_into, parse_ipv4};

/// Decides whether `hay[start..end]` is a host name (see the module docs).
pub fn is_host(hay: &[u8], start: usize, end: usize) -> bool {
    let raw = &hay[start..end];
    let raw = raw.strip_suffix(b".").unwrap_or(raw);
    if raw.len() > 253 || raw.len() < 3 {
        return false;
    }
    let mut labels = 0;
    for label in raw.split(|&c| c == b'.') {
        labels += 1;
        if label.is_empty() || label.len() > 63 || is_mixed_case(label) {
            return false;
        }
    }
    if labels < 2 {
        return false;
    }
    let mut buf = [0u8; 256];
    let Some(name) = lowercase_into(raw, &mut buf) else {
        return false;
    };
    if is_reserved(name) || is_protocol_namespace(hay, start, name) {
        return false;
    }
    let first = name.split(|&c| c == b'.').next().unwrap_or_default();
    if CODE_ROOTS.contains(&first) {
        return false;
    }
    let tld = last_label(name);
    if FILE_EXTENSIONS_NEW_GTLD.contains(&tld) {
        return false;
    }
    if labels == 2 && FILE_EXTENSIONS_CC.contains(&tld) {
        return false;
    }
    // `foo.bar(`: a method call; `(Foo.java:12)` is caught above by `.java`.
    if hay.get(end) == Some(&b'(') {
        return false;
    }
    if is_private_suffix(name) {
        return labels >= 2 && tld.len() < name.len();
    }
    if !has_public_suffix(name) {
        return false;
    }
    let cc = tld.len() == 2 && !WORD_CC_TLDS.contains(&tld);
    if cc || tld.starts_with(b"xn--") || CLASSIC_GTLDS.contains(&tld) {
        return true;
    }
    host_context(hay, start)
}

/// A name found where the position says host (URL authority, `user@host`,
/// `Host:` header, syslog host column, UNC path): any name but `localhost`,
/// the reserved names, bare numbers and IP addresses (the IP rules redact
/// those, with their own labels).
pub fn is_host_in_position(name: &[u8]) -> bool {
    let name = name.strip_suffix(b".").unwrap_or(name);
    if name.is_empty() || name.len() > 253 || !name.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    if !name
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
    {
        return false;
    }
    let mut buf = [0u8; 256];
    let Some(lower) = lowercase_into(name, &mut buf) else {
        return false;
    };
    if lower == b"localhost" || lower.starts_with(b"localhost.") || is_reserved(lower) {
        return false;
    }
    // `Foo@1b6d3586`-style identity hashes: hex digits only, with a digit;
    // and UUIDs (`3f12d68e-32ff-403d-8eac-98d63534ccae`, a node or request
    // id): 32 hex digits in groups joined by `-`.
    let hex_hash = lower.len() >= 6
        && lower.iter().all(u8::is_ascii_hexdigit)
        && lower.iter().any(u8::is_ascii_digit);
    let uuid = lower.iter().filter(|c| c.is_ascii_hexdigit()).count() == 32
        && lower.iter().all(|&c| c.is_ascii_hexdigit() || c == b'-')
        && lower.contains(&b'-');
    !hex_hash && !uuid && parse_ipv4(lower).is_none() && !is_interface_name(lower)
}

/// A network interface's name (`en0`, `eth1`, `ens192`, `enp0s3`,
/// `wlp2s0`, `bond0`, `docker0`, `utun3`): a short prefix the kernels use,
/// then a digit. `interface en0 (10.1.2.3)` names no machine.
fn is_interface_name(lower: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"en", b"eth", b"ens", b"enp", b"eno", b"enx", b"wlan", b"wlp", b"lo", b"bond", b"br",
        b"docker", b"veth", b"virbr", b"tun", b"tap", b"utun", b"awdl", b"llw", b"bridge", b"vlan",
        b"em", b"ib", b"ppp", b"wg", b"gif", b"stf", b"anpi", b"vmnet",
    ];
    PREFIXES.iter().any(|p| {
        lower.len() > p.len()
            && lower.len() <= 15
            && lower.starts_with(p)
            && lower[p.len()].is_ascii_digit()
            && lower.iter().all(u8::is_ascii_alphanumeric)
    })
}

/// An element (`hay[start..end]`) of a bare list of machine names, such as
/// a cluster's peers written out without a key: `conf-node-a,conf-node-b`,
/// `osrch-a1, osrch-a2, osrch-a3`. The list (the run of names, commas and
/// spaces around the element) must hold two or more distinct names that
/// share a prefix of three or more bytes ending in `-`, and differ only in
/// a short end: one letter, or up to four letters and digits with a digit.
/// Words and versions do not pass (`jira-software, jira-core`,
/// `en-US,en-GB`); nor do cloud regions (`eu-west-1,eu-west-2`).
pub fn sibling_host(hay: &[u8], start: usize, end: usize) -> bool {
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
    // The list: names joined by `,` or `, `, found outward from this one.
    let mut names: Vec<&[u8]> = vec![&hay[start..end]];
    let mut a = start;
    loop {
        let mut i = a;
        if i > 0 && hay[i - 1] == b' ' {
            i -= 1;
        }
        if i == 0 || hay[i - 1] != b',' {
            break;
        }
        let e = i - 1;
        let mut s = e;
        while s > 0 && name_byte(hay[s - 1]) {
            s -= 1;
        }
        if s == e {
            break;
        }
        names.insert(0, &hay[s..e]);
        a = s;
    }
    let mut b = end;
    loop {
        if b >= hay.len() || hay[b] != b',' {
            break;
        }
        let mut s = b + 1;
        if s < hay.len() && hay[s] == b' ' {
            s += 1;
        }
        let mut e = s;
        while e < hay.len() && name_byte(hay[e]) {
            e += 1;
        }
        if s == e {
            break;
        }
        names.push(&hay[s..e]);
        b = e;
    }
    if names.len() < 2 {
        return false;
    }
    let common = names[1..].iter().fold(names[0].len(), |k, n| {
        k.min(
            n.iter()
                .zip(names[0])
                .take_while(|(x, y)| x.eq_ignore_ascii_case(y))
                .count(),
        )
    });
    let Some(dash) = names[0][..common].iter().rposition(|&c| c == b'-') else {
        return false;
    };
    let prefix = &names[0][..=dash];
    if prefix.len() < 3 || !prefix[0].is_ascii_alphabetic() || is_region_prefix(prefix) {
        return false;
    }
    let short_end = |n: &&[u8]| {
        let tail = &n[prefix.len()..];
        !tail.is_empty()
            && (tail.len() == 1 || (tail.len() <= 4 && tail.iter().any(u8::is_ascii_digit)))
            && tail.iter().all(u8::is_ascii_alphanumeric)
    };
    let mut distinct: Vec<Vec<u8>> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() == names.len() && names.iter().all(short_end)
}

/// `eu-west-`, `us-gov-east-`, `ap-southeast-`: the start of a cloud region.
fn is_region_prefix(prefix: &[u8]) -> bool {
    let parts: Vec<&[u8]> = prefix[..prefix.len() - 1].split(|&c| c == b'-').collect();
    let geo = [
        &b"us"[..],
        b"eu",
        b"ap",
        b"sa",
        b"ca",
        b"me",
        b"af",
        b"il",
        b"cn",
        b"mx",
        b"gov",
    ];
    let dir = [
        "east",
        "west",
        "north",
        "south",
        "central",
        "northeast",
        "southeast",
        "northwest",
        "southwest",
    ];
    parts.len() >= 2
        && geo.iter().any(|g| g.eq_ignore_ascii_case(parts[0]))
        && dir
            .iter()
            .any(|d| d.as_bytes().eq_ignore_ascii_case(parts[parts.len() - 1]))
}

/// An element of a list of hosts (`nodes: [bb-node-01, bbnode02:7800]`,
/// `hay[start..end]`): a name [`is_host_in_position`] accepts that reads as
/// a machine name, not a word or a file: a dotted name must be a host name
/// ([`is_host`]: `Driver.java` is none); a single label holds a digit, `-`
/// or `_`, or is no ordinary English or log word (`hosts: [all]`,
/// `nodes = active, passive` stay).
pub fn list_host(hay: &[u8], start: usize, end: usize) -> bool {
    let name = &hay[start..end];
    if !is_host_in_position(name) {
        return false;
    }
    if name.contains(&b'.') {
        return is_host(hay, start, end);
    }
    if name
        .iter()
        .any(|c| c.is_ascii_digit() || matches!(c, b'-' | b'_'))
    {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    !(crate::rules::dictionary::is_english_word(&lower)
        || crate::rules::dictionary::is_log_word(&lower))
}

/// True when the name at `hay[start..]` follows an in-JVM transport scheme
/// (`vm://bamboo`, ActiveMQ's and Camel's `vm://`, Camel's `direct://`,
/// `direct-vm://` and `seda://`): a broker or endpoint name, not a host.
pub fn is_in_jvm_transport(hay: &[u8], start: usize) -> bool {
    let before = &hay[start.saturating_sub(16)..start];
    let Some(scheme) = before.strip_suffix(b"://") else {
        return false;
    };
    let from = scheme
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')))
        .map_or(0, |i| i + 1);
    let scheme = &scheme[from..];
    [&b"vm"[..], b"direct", b"direct-vm", b"seda"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
}

/// True when `label` (lower case) starts Java packages and bundle ids
/// (`com`, `org`, `java`, ...).
pub fn is_code_root(label: &[u8]) -> bool {
    CODE_ROOTS.contains(&label)
}

/// True when `name` (lower case) ends in a public or private host suffix,
/// with a label in front of it.
pub fn has_host_suffix(name: &[u8]) -> bool {
    is_private_suffix(name) || has_public_suffix(name)
}

/// Names reserved for documentation and testing (RFC 2606/6761), which are
/// never anyone's data.
pub fn is_reserved(name: &[u8]) -> bool {
    let name = name.strip_suffix(b".").unwrap_or(name);
    for base in [&b"example.com"[..], b"example.org", b"example.net"] {
        if name == base || (name.ends_with(base) && name[name.len() - base.len() - 1] == b'.') {
            return true;
        }
    }
    let tld = last_label(name);
    matches!(tld, b"example" | b"test" | b"invalid" | b"localhost")
}

/// SSH extension names such as `curve25519-sha256@libssh.org` and
/// `chacha20-poly1305@openssh.com` are protocol identifiers, not hosts.
fn is_protocol_namespace(hay: &[u8], start: usize, name: &[u8]) -> bool {
    start > 0 && hay[start - 1] == b'@' && matches!(name, b"libssh.org" | b"openssh.com")
}

/// How many trailing bytes of the (lower-case) host name `name` a
/// structure-keeping token shows: a private suffix (`internal`,
/// `home.arpa`), else the public suffix (`com`, `co.uk`, `atlassian.net`)
/// when it has at most [`crate::token::MAX_SUFFIX_LABELS`] labels and
/// [`crate::token::MAX_SUFFIX_LEN`] bytes, else its last label; never all of
/// the name, and nothing when the name has no known suffix.
pub fn kept_suffix_len(name: &[u8]) -> Option<usize> {
    let tld = last_label(name);
    if tld.len() >= name.len() {
        return None;
    }
    if name.ends_with(b".home.arpa") {
        return Some(b"home.arpa".len());
    }
    if PRIVATE_TLDS.contains(&tld) {
        return Some(tld.len());
    }
    let s = psl::suffix(name).filter(|s| s.is_known())?.as_bytes();
    let labels = s.iter().filter(|&&c| c == b'.').count() + 1;
    let fits = labels <= crate::token::MAX_SUFFIX_LABELS && s.len() <= crate::token::MAX_SUFFIX_LEN;
    match (s.len() < name.len(), fits) {
        (true, true) => Some(s.len()),
        _ if tld.len() <= crate::token::MAX_SUFFIX_LEN => Some(tld.len()),
        _ => None,
    }
}

/// True when `suffix` is what [`kept_suffix_len`] keeps of a name ending in
/// it.
pub fn is_kept_suffix(suffix: &[u8]) -> bool {
    let mut name = Vec::with_capacity(suffix.len() + 2);
    name.extend_from_slice(b"x.");
    name.extend_from_slice(suffix);
    kept_suffix_len(&name) == Some(suffix.len())
}

fn has_public_suffix(name: &[u8]) -> bool {
    match psl::suffix(name) {
        Some(s) if s.is_known() => s.as_bytes().len() < name.len(),
        _ => false,
    }
}

fn is_private_suffix(name: &[u8]) -> bool {
    let tld = last_label(name);
    PRIVATE_TLDS.contains(&tld) || name.ends_with(b".home.arpa")
}

fn last_label(name: &[u8]) -> &[u8] {
    match memchr::memrchr(b'.', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// `Thread`, `fooBar`: a label of letters and digits in both cases is a
/// Java identifier. Host labels are one case, or hyphenated
/// (`dsl-Chn-static-059`).
fn is_mixed_case(label: &[u8]) -> bool {
    let upper = label.iter().any(u8::is_ascii_uppercase);
    let lower = label.iter().any(u8::is_ascii_lowercase);
    upper && lower && !label.contains(&b'-')
}

/// The position says "host": after a URL scheme, `@`, a UNC `\\`, or a key
/// such as `host=`.
fn host_context(hay: &[u8], start: usize) -> bool {
    let from = start.saturating_sub(24);
    let mut before = &hay[from..start];
    if let Some(nl) = memchr::memrchr(b'\n', before) {
        before = &before[nl + 1..];
    }
    if before.ends_with(b"//") || before.ends_with(b"@") || before.ends_with(b"\\\\") {
        return true;
    }
    let mut buf = [0u8; 32];
    let Some(lower) = lowercase_into(before, &mut buf) else {
        return false;
    };
    let lower = lower.trim_ascii_end();
    let lower = lower
        .strip_suffix(b"=")
        .or_else(|| lower.strip_suffix(b":"))
        .unwrap_or(lower)
        .trim_ascii_end();
    let lower = lower.strip_suffix(b"\"").unwrap_or(lower);
    HOST_KEYS.iter().any(|k| {
        lower.ends_with(k)
            && (lower.len() == k.len() || !lower[lower.len() - k.len() - 1].is_ascii_alphanumeric())
    })
}

const HOST_KEYS: &[&[u8]] = &[
    b"host",
    b"hostname",
    b"server",
    b"servername",
    b"server_name",
    b"domain",
    b"fqdn",
    b"node",
    b"proxy",
    b"proxyhost",
    b"remote",
    b"smtp",
    // Phrases that name a peer: `connecting to jira.acme.app`, `resolved
    // wiki.acme.tools`, `UnknownHostException: build.acme.systems`.
    b"to",
    b"from",
    b"via",
    b"resolve",
    b"resolved",
    b"resolving",
    b"lookup",
    b"unknownhostexception",
];

/// Suffixes not on the public list that name hosts all the same.
const PRIVATE_TLDS: &[&[u8]] = &[
    b"local",
    b"internal",
    b"corp",
    b"lan",
    b"localdomain",
    b"intranet",
    b"localnet",
    b"private",
    b"intra",
    b"loc",
    b"priv",
    b"lab",
    b"dmz",
    b"prd",
    b"prod",
    b"k8s",
];

/// First labels of Java/Kotlin packages: `com.atlassian...`, `java.io`.
const CODE_ROOTS: &[&[u8]] = &[
    b"com",
    b"org",
    b"net",
    b"java",
    b"javax",
    b"jakarta",
    b"sun",
    b"jdk",
    b"io",
    b"android",
    b"androidx",
    b"kotlin",
    b"kotlinx",
    b"scala",
    b"groovy",
    b"edu",
    b"gov",
];

/// File extensions that are also generic TLDs: never a host in bare text.
const FILE_EXTENSIONS_NEW_GTLD: &[&[u8]] = &[
    b"java",
    b"zip",
    b"mov",
    b"properties",
    b"new",
    b"app",
    b"run",
    b"rest",
    b"jar",
    b"bat",
    b"lock",
];

/// File extensions that are also country codes: `setenv.sh`, `README.md`,
/// `libjli.so`, `Makefile.in`. With three labels or more (`jira.acme.sh`)
/// they are taken as hosts.
const FILE_EXTENSIONS_CC: &[&[u8]] = &[
    b"sh", b"py", b"md", b"so", b"rs", b"pl", b"cc", b"mk", b"am", b"ac", b"in", b"ps", b"do",
];

/// Country codes that mostly appear as the last word of a config key
/// (`mapreduce.job.id`): they need a host position like the word TLDs.
const WORD_CC_TLDS: &[&[u8]] = &[b"id"];

/// Generic TLDs in long use for hosts; the other generic TLDs read like
/// English words in code and need a host position.
const CLASSIC_GTLDS: &[&[u8]] = &[
    b"com", b"net", b"org", b"edu", b"gov", b"mil", b"int", b"info", b"biz", b"arpa", b"mobi",
    b"aero", b"coop", b"museum", b"travel", b"jobs", b"cat", b"asia", b"tel", b"post", b"pro",
    b"dev", b"cloud", b"tech", b"online", b"site", b"xyz", b"eus", b"scot", b"wales", b"swiss",
    b"berlin", b"london", b"paris", b"tokyo", b"nyc",
];

/// The domain of `local@domain` has a known suffix, and the address is not a
/// protocol identifier such as `curve25519-sha256@libssh.org`.
pub fn email_domain(value: &[u8]) -> bool {
    let Some(at) = memchr::memrchr(b'@', value) else {
        // URL-encoded form: jane%40corp.com
        return match memchr::memmem::find(value, b"%40") {
            Some(i) => email_domain_part(&value[i + 3..]),
            None => false,
        };
    };
    email_domain_part(&value[at + 1..])
}

fn email_domain_part(domain: &[u8]) -> bool {
    let mut buf = [0u8; 256];
    let Some(lower) = lowercase_into(domain, &mut buf) else {
        return false;
    };
    let lower = lower.strip_suffix(b".").unwrap_or(lower);
    if matches!(lower, b"libssh.org" | b"openssh.com") {
        return false;
    }
    has_host_suffix(lower) && !is_reserved(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_share_a_prefix_and_differ_at_the_end() {
        let sib = |line: &str, name: &str| {
            let start = line.find(name).unwrap();
            sibling_host(line.as_bytes(), start, start + name.len())
        };
        assert!(sib("peers conf-node-a,conf-node-b (x)", "conf-node-b"));
        assert!(sib("for osrch-a1, osrch-a2, osrch-a3", "osrch-a1"));
        assert!(sib("db-1,db-2", "db-2"));
        // Alone; a long or wordy end; a region; a repeated name; no dash.
        assert!(!sib("on conf-node-a only", "conf-node-a"));
        assert!(!sib("jira-software,jira-core", "jira-core"));
        assert!(!sib("eu-west-1,eu-west-2", "eu-west-1"));
        assert!(!sib("pool-1,pool-1", "pool-1"));
        assert!(!sib("nodeA,nodeB", "nodeA"));
        assert!(!sib("en-US,en-GB", "en-US"));
    }

    #[test]
    fn interface_names_are_no_hosts() {
        for n in [
            "en0", "eth1", "ens192", "enp0s3", "wlp2s0", "bond0", "docker0", "utun3",
        ] {
            assert!(!is_host_in_position(n.as_bytes()), "{n}");
        }
        for n in [
            "fw01",
            "jira-node-2",
            "eth-gw01",
            "bridgeport01.acme.lan",
            "enterprise7",
        ] {
            assert!(is_host_in_position(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn list_hosts_read_as_machines() {
        let list_host = |s: &str| super::list_host(s.as_bytes(), 0, s.len());
        for h in [
            "bbnode01",
            "bb-node-03",
            "kafka_a",
            "Zorander",
            "db07.prod.northwind.com",
        ] {
            assert!(list_host(h), "{h}");
        }
        for h in [
            "active",
            "passive",
            "all",
            "Driver.java",
            "localhost",
            "10.0.0.5",
            "42",
        ] {
            assert!(!list_host(h), "{h}");
        }
    }

    fn host(s: &str) -> bool {
        is_host(s.as_bytes(), 0, s.len())
    }

    fn host_in(line: &str, name: &str) -> bool {
        let start = line.find(name).unwrap();
        is_host(line.as_bytes(), start, start + name.len())
    }

    #[test]
    fn hosts() {
        for h in [
            "jira.acme.com",
            "db01.prod.acme.de",
            "fecru-prod-32.litware.lan",
            "build.acme.internal",
            "printer.home.arpa",
            "DB01.ACME.COM",
            "smtp.graphicdesign.jp",
            "bitbucket.acme-corp.co.uk",
            "jira.acme.sh",
            "ci.acme.dev",
        ] {
            assert!(host(h), "{h}");
        }
    }

    #[test]
    fn not_hosts() {
        for h in [
            "java.lang.Thread.run",
            "com.atlassian.jira.rest",
            "c.a.b.i.hook.repository.DefaultRepositoryHookService",
            "setenv.sh",
            "hook.py",
            "README.md",
            "libjli.so",
            "backup.zip",
            "catalina.out",
            "atlassian-jira.log",
            "os.name",
            "user.name",
            "java.vm.info",
            "sun.io",
            "mapred.task.id",
            "admin.service.export.backup.as.zip",
            "Foo.java",
            "example.com",
            "jira.example.com",
            "foo.test",
            "co.uk",
            "nova.compute.claims",
            "hadoop-metrics2.properties",
            "server.xml",
            "Chrome.app",
            "a.b",
        ] {
            assert!(!host(h), "{h}");
        }
    }

    #[test]
    fn names_in_host_positions() {
        for h in ["jira-prod-01", "msra-sa-41", "LabSZ", "db01.acme.local"] {
            assert!(is_host_in_position(h.as_bytes()), "{h}");
        }
        for h in [
            "localhost",
            "LOCALHOST",
            "example.com",
            "10.1.2.3",
            "8080",
            "a/b",
            "eb9bfad8",
        ] {
            assert!(!is_host_in_position(h.as_bytes()), "{h}");
        }
    }

    /// The `net.hostname` rule spells out the TLDs it scans for; every TLD
    /// this module accepts in bare text must be among them.
    #[test]
    fn hostname_rule_scans_for_every_accepted_tld() {
        let set = crate::rules::RuleSet::embedded().unwrap();
        let rule = set.rules().iter().find(|r| r.id == "net.hostname").unwrap();
        let crate::rules::Matcher::Regex { pattern, .. } = &rule.matcher else {
            panic!("net.hostname is a regex rule");
        };
        let words: Vec<&str> = pattern
            .split(|c: char| !c.is_ascii_alphanumeric())
            .collect();
        for tld in CLASSIC_GTLDS.iter().chain(PRIVATE_TLDS) {
            let tld = std::str::from_utf8(tld).unwrap();
            assert!(words.contains(&tld), "{tld} missing from net.hostname");
        }
    }

    #[test]
    fn in_jvm_transports_name_no_host() {
        let at =
            |line: &str, name: &str| is_in_jvm_transport(line.as_bytes(), line.find(name).unwrap());
        assert!(at(
            "Connecting to broker vm://bamboo?create=false",
            "bamboo"
        ));
        assert!(at("from(\"seda://orders\")", "orders"));
        assert!(!at("tcp://bamboo:61616", "bamboo"));
        assert!(!at("https://vm-builder/x", "vm-builder"));
        assert!(!at("xvm://bamboo", "bamboo"));
    }

    #[test]
    fn method_calls_are_not_hosts() {
        assert!(!host_in(
            "at acme.service.go(Unknown Source)",
            "acme.service.go"
        ));
    }

    #[test]
    fn word_tlds_need_a_host_position() {
        assert!(!host_in("loaded team.tools", "team.tools"));
        assert!(host_in("GET https://wiki.acme.tools/x", "wiki.acme.tools"));
        assert!(host_in("host=wiki.acme.tools", "wiki.acme.tools"));
        assert!(host_in("mail jo@acme.tools", "acme.tools"));
        assert!(host_in(
            "connecting to jira.acme.team:443",
            "jira.acme.team"
        ));
        assert!(host_in(
            "java.net.UnknownHostException: build.acme.systems",
            "build.acme.systems"
        ));
        assert!(!host_in("loaded plugin team.tools", "team.tools"));
    }

    #[test]
    fn email_domains() {
        assert!(email_domain(b"jane@corp.com"));
        assert!(email_domain(b"jane%40corp.com"));
        assert!(email_domain(b"ops@build.acme.internal"));
        assert!(!email_domain(b"curve25519-sha256@libssh.org"));
        assert!(!email_domain(b"icon@2x.png"));
        assert!(!email_domain(b"test@example.com"));
    }
}
