//! A deterministic generator of realistic support logs with planted
//! sensitive values and benign look-alikes, and the ground truth for both.
//!
//! The output is a pure function of the seed and the size: the accuracy test
//! (`tests/accuracy.rs`), the end-to-end benchmark (`benches/e2e.sh`, through
//! `examples/gen-corpus.rs`) and the criterion benches all use it, so they
//! run on a plain checkout. The shapes follow real Bitbucket, Jira, Tomcat,
//! sshd and JSON application logs; every value is made up.

#![allow(dead_code)] // each user of this module needs a different part

use std::io::{self, Write};

/// One planted value: must vanish (secret) or must stay (canary).
#[derive(Debug, Clone)]
pub struct Planted {
    /// 0-based line number.
    pub line: usize,
    /// What kind of value it is.
    pub kind: &'static str,
    /// The exact text that must be gone (secret) or still there (canary).
    pub value: String,
    /// True for secrets, false for canaries.
    pub secret: bool,
}

/// How often sensitive events occur.
#[derive(Debug, Clone, Copy)]
pub enum Density {
    /// A sensitive event every 5 to 20 lines (busy application logs).
    Dense,
    /// A sensitive event every 300 to 700 lines (long stack traces, debug
    /// noise).
    Sparse,
}

/// splitmix64: small, fast, good enough for test data, and stable.
pub struct Rng(u64);

impl Rng {
    /// A generator with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }

    /// `n` characters from `alphabet`.
    pub fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| *self.pick(alphabet) as char).collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const FIRST: &[&str] = &[
    "anna", "wei", "jessica", "michael", "gregory", "piotr", "karen", "raymond", "donna", "matteo",
    "kimberly", "douglas", "fatima", "olu", "sven", "priya", "tomasz", "lucia",
];
const LAST: &[&str] = &[
    "kowalski",
    "wilson",
    "ito",
    "stevens",
    "stone",
    "jimenez",
    "alvarez",
    "guzman",
    "adeyemi",
    "munoz",
    "hamilton",
    "thompson",
    "nakamura",
    "berg",
    "ramos",
    "novak",
    "okafor",
    "lindqvist",
];
const COMPANIES: &[&str] = &[
    "northwind",
    "contoso",
    "fabrikam",
    "wingtip",
    "litware",
    "tailspin",
    "adatum",
    "proseware",
    "woodgrove",
    "lucerne",
    "cyberdyne",
    "initech",
    "umbrella",
    "stratton",
    "vandelay",
];
const TLDS: &[&str] = &[
    "com", "net", "org", "de", "co.uk", "fr", "io", "nl", "ch", "internal", "local", "lan", "corp",
];
const HOST_ROLES: &[&str] = &[
    "jira",
    "bitbucket",
    "confluence",
    "db",
    "pg",
    "build",
    "ci",
    "smtp",
    "ldap",
    "proxy",
    "nas",
    "git",
];
const CLASSES: &[&str] = &[
    "com.atlassian.bitbucket.internal.scm.git.GitCommandExitHandler",
    "com.atlassian.jira.issue.index.DefaultIndexManager",
    "org.apache.catalina.core.StandardWrapperValve",
    "com.atlassian.confluence.pages.DefaultPageManager",
    "org.hibernate.engine.jdbc.spi.SqlExceptionHelper",
    "com.zaxxer.hikari.pool.HikariPool",
    "org.springframework.web.servlet.DispatcherServlet",
    "com.atlassian.plugin.manager.DefaultPluginManager",
];
const SHORT_LOGGERS: &[&str] = &[
    "c.a.b.i.scm.git.GitCommandExitHandler",
    "c.a.s.i.r.DefaultRepositorySizeCache",
    "c.a.j.issue.search.DefaultSearchProvider",
    "c.a.b.i.hook.repository.DefaultRepositoryHookService",
];
const THREADS: &[&str] = &[
    "http-nio-7990-exec-",
    "Caesium-1-",
    "ssh-scm-request-handler-",
    "AtlassianEvent::thread-",
    "scheduler-worker-",
    "pool-12-thread-",
    "hz.bitbucket.cached.thread-",
];
const FILES: &[&str] = &[
    "setenv.sh",
    "catalina.out",
    "atlassian-jira.log",
    "server.xml",
    "dbconfig.xml",
    "hook.py",
    "README.md",
    "backup.zip",
    "libjli.so",
    "bitbucket.properties",
    "package.json",
];
const PATHS: &[&str] = &[
    "/rest/api/latest/projects",
    "/scm/pay/checkout.git/info/refs",
    "/browse/PROJ-",
    "/secure/Dashboard.jspa",
    "/rest/build-status/1.0/commits",
    "/plugins/servlet/applinks/whoami",
    "/display/ENG/Runbook",
];
const AGENTS: &[&str] = &[
    "git/2.39.2",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/105.0.0.0 Safari/537.36",
    "curl/7.88.1",
    "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "JGit/6.7.0",
];

struct Writer<'a, W: Write> {
    out: &'a mut W,
    truth: Option<&'a mut Vec<Planted>>,
    line: usize,
    bytes: usize,
}

impl<W: Write> Writer<'_, W> {
    fn line(&mut self, text: &str, planted: &[(&'static str, &str, bool)]) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        if let Some(t) = self.truth.as_deref_mut() {
            for &(kind, value, secret) in planted {
                debug_assert!(text.contains(value), "{value} not in {text}");
                t.push(Planted {
                    line: self.line,
                    kind,
                    value: value.to_owned(),
                    secret,
                });
            }
        }
        self.line += 1;
        self.bytes += text.len() + 1;
        Ok(())
    }
}

fn ts(r: &mut Rng, n: usize) -> String {
    let s = n as u64 / 3;
    format!(
        "2024-04-26 {:02}:{:02}:{:02},{:03}",
        (4 + s / 3600) % 24,
        (s / 60) % 60,
        s % 60,
        r.range(0, 1000)
    )
}

fn thread(r: &mut Rng) -> String {
    format!("{}{}", r.pick(THREADS), r.range(1, 200))
}

const LEVELS: &[&str] = &["INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"];

fn level(r: &mut Rng) -> &'static str {
    LEVELS[r.range(0, LEVELS.len() as u64) as usize]
}

fn person(r: &mut Rng) -> (String, String) {
    (r.pick(FIRST).to_string(), r.pick(LAST).to_string())
}

fn domain(r: &mut Rng) -> String {
    format!("{}.{}", r.pick(COMPANIES), r.pick(TLDS))
}

fn fqdn(r: &mut Rng) -> String {
    format!("{}-{:02}.{}", r.pick(HOST_ROLES), r.range(1, 40), domain(r))
}

fn ipv4(r: &mut Rng) -> String {
    match r.range(0, 3) {
        0 => format!(
            "10.{}.{}.{}",
            r.range(0, 256),
            r.range(0, 256),
            r.range(1, 255)
        ),
        1 => format!(
            "172.{}.{}.{}",
            r.range(16, 32),
            r.range(0, 256),
            r.range(1, 255)
        ),
        // Public addresses; 127/8 is loopback, which stays by design.
        _ => format!(
            "{}.{}.{}.{}",
            r.range(128, 223),
            r.range(0, 256),
            r.range(0, 256),
            r.range(1, 255)
        ),
    }
}

fn luhn_card(r: &mut Rng) -> String {
    let prefix = *r.pick(&["4", "51", "52", "53", "54", "55"]);
    let mut digits: Vec<u32> = prefix.chars().map(|c| c.to_digit(10).unwrap()).collect();
    while digits.len() < 15 {
        digits.push(r.range(0, 10) as u32);
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

fn iban(r: &mut Rng) -> String {
    // A German IBAN: DE, check digits, 18 digits.
    let bban: String = (0..18)
        .map(|_| char::from_digit(r.range(0, 10) as u32, 10).unwrap())
        .collect();
    let numeric = format!("{bban}131400"); // "DE" = 13 14, then "00"
    let rem = numeric
        .bytes()
        .fold(0u64, |a, c| (a * 10 + u64::from(c - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - rem)
}

fn github_token(r: &mut Rng) -> String {
    let random = r.chars(ALNUM, 30);
    let mut crc = crc32(random.as_bytes());
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot =
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[(crc % 62) as usize];
        crc /= 62;
    }
    format!("ghp_{random}{}", std::str::from_utf8(&enc).unwrap())
}

fn atlassian_token(r: &mut Rng) -> String {
    let body = format!("ATATT3xFfGF0{}=", r.chars(B64URL, 170));
    format!("{body}{:08X}", crc32(body.as_bytes()))
}

/// CRC-32 (IEEE), bitwise: the generator needs no crate beyond the tests'.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Writes about `bytes` bytes of log to `out`; collects the truth when asked.
pub fn write(
    out: &mut impl Write,
    bytes: usize,
    seed: u64,
    density: Density,
    truth: Option<&mut Vec<Planted>>,
) -> io::Result<usize> {
    let mut r = Rng::new(seed);
    let mut w = Writer {
        out,
        truth,
        line: 0,
        bytes: 0,
    };
    let (lo, hi) = match density {
        Density::Dense => (5, 21),
        Density::Sparse => (300, 701),
    };
    let mut next_event = r.range(lo, hi) as usize;
    while w.bytes < bytes {
        if w.line >= next_event {
            sensitive(&mut r, &mut w)?;
            next_event = w.line + r.range(lo, hi) as usize;
        } else {
            benign(&mut r, &mut w, density)?;
        }
    }
    Ok(w.line)
}

/// A whole corpus in memory, with its truth.
pub fn generate(bytes: usize, seed: u64, density: Density) -> (Vec<u8>, Vec<Planted>) {
    let mut out = Vec::with_capacity(bytes + 4096);
    let mut truth = Vec::new();
    write(&mut out, bytes, seed, density, Some(&mut truth)).expect("writing to memory");
    (out, truth)
}

fn benign<W: Write>(r: &mut Rng, w: &mut Writer<'_, W>, density: Density) -> io::Result<()> {
    let n = w.line;
    let stack_share = match density {
        Density::Dense => 3,
        Density::Sparse => 6,
    };
    let k = r.range(0, 10);
    if k < stack_share {
        let class = *r.pick(CLASSES);
        let method = *r.pick(&["run", "invoke", "doFilter", "execute", "call", "handle"]);
        let file = class.rsplit('.').next().unwrap();
        let line = format!("\tat {class}.{method}({file}.java:{})", r.range(20, 900));
        let canary = format!("({file}.java:");
        return w.line(&line, &[("java_frame", &canary, false)]);
    }
    match r.range(0, 7) {
        0 => {
            let sha: String = r.chars(HEX, 40);
            let line = format!(
                "{} {} [{}]  {} Indexed commit {sha} in {} ms",
                ts(r, n),
                level(r),
                thread(r),
                r.pick(SHORT_LOGGERS),
                r.range(1, 900)
            );
            w.line(&line, &[("git_sha", &sha, false)])
        }
        1 => {
            let path = format!("{}{}", r.pick(PATHS), r.range(1, 99999));
            let agent = *r.pick(AGENTS);
            let line = format!(
                "127.0.0.1 - - [26/Apr/2024:04:{:02}:{:02} +0000] \"GET {path} HTTP/1.1\" 200 {} \"-\" \"{agent}\"",
                r.range(0, 60),
                r.range(0, 60),
                r.range(100, 90000)
            );
            w.line(&line, &[("user_agent", agent, false)])
        }
        2 => {
            let uuid = format!(
                "{}-{}-4{}-8{}-{}",
                r.chars(HEX, 8),
                r.chars(HEX, 4),
                r.chars(HEX, 3),
                r.chars(HEX, 3),
                r.chars(HEX, 12)
            );
            let line = format!(
                "{{\"@timestamp\":\"2024-04-26T04:21:55.259Z\",\"message\":\"Cluster node {uuid} joined\",\"logger_name\":\"{}\",\"thread_name\":\"{}\",\"level\":\"INFO\"}}",
                r.pick(CLASSES),
                thread(r)
            );
            w.line(&line, &[("uuid", &uuid, false)])
        }
        3 => {
            let file = *r.pick(FILES);
            let line = format!(
                "{} {} [{}]  {} Rotating log file {file}; listening on 0.0.0.0:7990 and localhost:8006",
                ts(r, n),
                level(r),
                thread(r),
                r.pick(CLASSES)
            );
            w.line(
                &line,
                &[
                    ("file_name", file, false),
                    ("localhost", "localhost", false),
                ],
            )
        }
        4 => {
            let v = format!(
                "{}.{}.{}.{}",
                r.range(1, 12),
                r.range(0, 30),
                r.range(0, 20),
                r.range(0, 300)
            );
            let line = format!(
                "{} {} [{}]  com.atlassian.plugin.manager.DefaultPluginManager Plugin com.atlassian.bitbucket.server.bitbucket-git version {v} enabled",
                ts(r, n),
                level(r),
                thread(r)
            );
            w.line(&line, &[("version", &v, false)])
        }
        5 => {
            let t = ts(r, n);
            let line = format!(
                "{t} {} [{}] c.a.b.i.boot.BootstrapLogger Base URL is https://bitbucket.example.com/ (Server number: 9.0.12.0)",
                level(r),
                thread(r)
            );
            w.line(
                &line,
                &[
                    ("timestamp", &t, false),
                    ("example_domain", "bitbucket.example.com", false),
                ],
            )
        }
        _ => {
            let th = thread(r);
            let line = format!(
                "{} {} [{th}] {} Scheduled job completed in {} ms for PROJ-{}",
                ts(r, n),
                level(r),
                r.pick(SHORT_LOGGERS),
                r.range(1, 90000),
                r.range(1, 9999)
            );
            w.line(&line, &[("thread_name", &th, false)])
        }
    }
}

fn sensitive<W: Write>(r: &mut Rng, w: &mut Writer<'_, W>) -> io::Result<()> {
    let n = w.line;
    let t = ts(r, n);
    match r.range(0, 24) {
        0 => {
            let (f, l) = person(r);
            let email = format!("{f}.{l}@{}", domain(r));
            let line = format!(
                "{t} INFO  [{}] c.a.b.i.mail.DefaultMailService Notification sent to {email}",
                thread(r)
            );
            w.line(&line, &[("email", &email, true)])
        }
        1 => {
            let ip = ipv4(r);
            let line = format!(
                "{ip} | https | i@1BX4Q2Lx{}x{}x0 | - | {t} | \"GET {} HTTP/1.1\" | \"\" \"git/2.39.2\" | 200 | 0 | 512 | - | 12 | - |",
                r.range(1, 999),
                r.range(1, 99999),
                r.pick(PATHS)
            );
            w.line(&line, &[("ipv4", &ip, true)])
        }
        2 => {
            let ip = format!(
                "2001:db8:{:x}:{:x}::{:x}",
                r.range(1, 0xffff),
                r.range(1, 0xffff),
                r.range(1, 0xffff)
            );
            let line = format!(
                "{t} INFO  [{}] c.a.b.i.ssh.SshSessionListener Connection from [{ip}]:{} closed",
                thread(r),
                r.range(1024, 65000)
            );
            w.line(&line, &[("ipv6", &ip, true)])
        }
        3 => {
            let mac = (0..6)
                .map(|_| r.chars(HEX, 2))
                .collect::<Vec<_>>()
                .join(":");
            let line = format!(
                "Apr 26 04:22:34 localhost dhcpd[38303]: DHCPACK on eth0 to {mac} via eth0"
            );
            w.line(&line, &[("mac", &mac, true)])
        }
        4 => {
            let host = fqdn(r);
            let line = format!(
                "{t} INFO  [{}] c.a.b.i.mirroring.MirrorService Mirror {host} is now available",
                thread(r)
            );
            w.line(&line, &[("hostname", &host, true)])
        }
        5 => {
            let (f, l) = person(r);
            let user = format!("{f}.{l}");
            let line = format!(
                "{t} WARN  [{}] c.a.b.i.scm.git.GitRepositoryService Reading /home/{user}/repos/app/.git/config",
                thread(r)
            );
            w.line(&line, &[("home_user", &user, true)])
        }
        6 => {
            let (f, l) = person(r);
            let user = format!("{f}{l}");
            let line = format!(
                "java.nio.file.AccessDeniedException: C:\\Users\\{user}\\AppData\\Local\\Temp\\support-zip.zip"
            );
            w.line(&line, &[("windows_user", &user, true)])
        }
        7 => {
            let pw = format!("{}!{}", r.chars(ALNUM, 8), r.range(10, 99));
            let line = format!(
                "{t} INFO  [{}] c.a.s.i.plugin.PluginSettingsDao Effective setting ldap.bind.password: {pw}",
                thread(r)
            );
            w.line(&line, &[("password_kv", &pw, true)])
        }
        8 => {
            let pw = r.chars(ALNUM, 14);
            let host = fqdn(r);
            let line = format!("$ git clone https://jenkins:{pw}@{host}/scm/proj/app.git");
            w.line(
                &line,
                &[("url_password", &pw, true), ("hostname", &host, true)],
            )
        }
        9 => {
            let pw = r.chars(ALNUM, 12);
            let line = format!(
                "java.sql.SQLException: Cannot create PoolableConnectionFactory (jdbc:mysql://confluence:{pw}@db01:3306/confluence)"
            );
            w.line(&line, &[("jdbc_password", &pw, true)])
        }
        10 => {
            let cred = format!("{}==", r.chars(B64, 26));
            let line = format!(
                "{t} DEBUG [{}] org.apache.http.headers http-outgoing-5 >> Authorization: Basic {cred}",
                thread(r)
            );
            w.line(&line, &[("basic_auth", &cred, true)])
        }
        11 => {
            let jwt = format!(
                "eyJhbGciOiJIUzI1NiJ9.eyJ{}.{}",
                r.chars(B64URL, 40),
                r.chars(B64URL, 43)
            );
            let line = format!(
                "127.0.0.1 - - [26/Apr/2024:04:22:07 +0000] \"POST /plugins/servlet/oauth/callback?jwt={jwt} HTTP/1.1\" 200 12"
            );
            w.line(&line, &[("jwt", &jwt, true)])
        }
        12 => {
            let key = format!("AKIA{}", r.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
            let secret = r.chars(B64, 40);
            w.line(
                &format!("aws_access_key_id = {key}"),
                &[("aws_access_key", &key, true)],
            )?;
            w.line(
                &format!("aws_secret_access_key = {secret}"),
                &[("aws_secret_key", &secret, true)],
            )
        }
        13 => {
            let tok = github_token(r);
            let line = format!(
                "Apr 26 04:22:02 localhost java[38303]: Integration configured with token {tok}"
            );
            w.line(&line, &[("github_token", &tok, true)])
        }
        14 => {
            let tok = atlassian_token(r);
            let line = format!(
                "{t} INFO  [{}] c.a.j.cluster.DefaultClusterManager Authenticating to Jira Cloud with API token {tok}",
                thread(r)
            );
            w.line(&line, &[("atlassian_token", &tok, true)])
        }
        15 => {
            let tok = format!(
                "xoxb-{}-{}-{}",
                r.range(10u64.pow(11), 10u64.pow(12)),
                r.range(10u64.pow(12), 10u64.pow(13)),
                r.chars(ALNUM, 24)
            );
            let line = format!(
                "{t} INFO  [{}] o.s.web.servlet.DispatcherServlet Posting build status to Slack with token {tok}",
                thread(r)
            );
            w.line(&line, &[("slack_token", &tok, true)])
        }
        16 => {
            let card = luhn_card(r);
            let line = format!(
                "{t} WARN  [{}] com.acme.payments.GatewayService Payment declined for card {card} (code 05)",
                thread(r)
            );
            w.line(&line, &[("credit_card", &card, true)])
        }
        17 => {
            let iban = iban(r);
            let line = format!(
                "{{\"@timestamp\":\"2024-04-26T04:22:56.307Z\",\"message\":\"Refund issued\",\"iban\":\"{iban}\"}}"
            );
            w.line(&line, &[("iban", &iban, true)])
        }
        18 => {
            let phone = format!(
                "+1 ({}) {}-{}",
                r.range(200, 999),
                r.range(200, 999),
                r.range(1000, 9999)
            );
            let line = format!(
                "{t} DEBUG [{}] c.a.j.user.UserProfileService User profile updated: mobile={phone}",
                thread(r)
            );
            w.line(&line, &[("phone", &phone, true)])
        }
        19 => {
            let user = format!("{}{}", r.pick(FIRST), r.range(1, 99));
            let ip = ipv4(r);
            let line = format!(
                "Apr 26 04:22:34 localhost sshd[38303]: Failed password for invalid user {user} from {ip} port {} ssh2",
                r.range(1024, 65000)
            );
            w.line(&line, &[("ssh_user", &user, true), ("ipv4", &ip, true)])
        }
        20 => {
            let host = format!("{}-prod-{:02}", r.pick(HOST_ROLES), r.range(1, 40));
            let line = format!(
                "{t} INFO  [{}] c.a.b.i.boot.BootstrapLogger Base URL is http://{host}:7990/bitbucket",
                thread(r)
            );
            w.line(&line, &[("short_host", &host, true)])
        }
        21 => {
            let (f, l) = person(r);
            let user = format!("{}{l}", &f[..1]);
            let line = format!(
                "{t} INFO  [{}] {user} @1BX4Q2Lx552x181x0 127.0.0.1 \"GET /projects/PAY HTTP/1.1\" c.a.b.i.auth.LoginHandler Login succeeded",
                thread(r)
            );
            w.line(&line, &[("app_user", &user, true)])
        }
        22 => {
            let tok = format!("glpat-{}", r.chars(ALNUM, 20));
            w.line(
                &format!("CI variable GITLAB_TOKEN={tok}"),
                &[("gitlab_token", &tok, true)],
            )
        }
        _ => {
            w.line(
                &format!(
                    "{t} DEBUG [{}] c.a.b.i.ssl.KeyLoader Loaded client key",
                    thread(r)
                ),
                &[],
            )?;
            w.line("-----BEGIN PRIVATE KEY-----", &[])?;
            for _ in 0..r.range(2, 6) {
                let body = r.chars(B64, 64);
                w.line(&body, &[("pem_private_key", &body, true)])?;
            }
            w.line("-----END PRIVATE KEY-----", &[])
        }
    }
}
