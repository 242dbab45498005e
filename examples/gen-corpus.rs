//! Writes a deterministic corpus of realistic support logs for benchmarks,
//! and checks a redacted copy of it against the planted values.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- write 1GB 1 dense corpus.log truth.tsv
//! cargo run --release --example gen-corpus -- verify truth.tsv redacted.log
//! cargo run --release --example gen-corpus -- patterns   # for rg
//! ```
//!
//! `verify` prints `secrets=N leaked=L canaries=C lost=D` and exits 1 when a
//! secret leaked or more than 0.5% of the canaries were lost.

#[path = "../tests/support/corpus.rs"]
mod corpus;

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

fn size(s: &str) -> usize {
    let s = s.trim();
    let (num, mult) = if let Some(n) = s.strip_suffix("GB") {
        (n, 1_000_000_000)
    } else if let Some(n) = s.strip_suffix("MB") {
        (n, 1_000_000)
    } else if let Some(n) = s.strip_suffix("KB") {
        (n, 1_000)
    } else {
        (s, 1)
    };
    num.parse::<usize>().expect("a size such as 1GB or 100MB") * mult
}

fn write(args: &[String]) -> ExitCode {
    let [bytes, seed, density, out, truth] = args else {
        eprintln!("usage: gen-corpus write BYTES SEED dense|sparse OUT TRUTH");
        return ExitCode::from(2);
    };
    let density = match density.as_str() {
        "dense" => corpus::Density::Dense,
        "sparse" => corpus::Density::Sparse,
        _ => {
            eprintln!("density is dense or sparse");
            return ExitCode::from(2);
        }
    };
    let mut planted = Vec::new();
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out).expect("create corpus"));
    let lines = corpus::write(
        &mut w,
        size(bytes),
        seed.parse().expect("seed"),
        density,
        Some(&mut planted),
    )
    .expect("write corpus");
    w.flush().expect("flush corpus");
    let mut t = BufWriter::new(File::create(truth).expect("create truth"));
    for p in &planted {
        writeln!(
            t,
            "{}\t{}\t{}\t{}",
            p.line,
            u8::from(p.secret),
            p.kind,
            p.value
        )
        .expect("write truth");
    }
    t.flush().expect("flush truth");
    let secrets = planted.iter().filter(|p| p.secret).count();
    eprintln!(
        "gen-corpus: {lines} lines, {secrets} secrets, {} canaries",
        planted.len() - secrets
    );
    ExitCode::SUCCESS
}

fn verify(args: &[String]) -> ExitCode {
    let [truth, redacted] = args else {
        eprintln!("usage: gen-corpus verify TRUTH REDACTED");
        return ExitCode::from(2);
    };
    let truth = BufReader::new(File::open(truth).expect("open truth"));
    let mut out =
        BufReader::with_capacity(1 << 20, File::open(redacted).expect("open output")).split(b'\n');
    let (mut at, mut line) = (usize::MAX, Vec::new());
    let (mut secrets, mut leaked, mut canaries, mut lost) = (0u64, 0u64, 0u64, 0u64);
    for rec in truth.lines() {
        let rec = rec.expect("read truth");
        let mut f = rec.splitn(4, '\t');
        let n: usize = f.next().unwrap().parse().unwrap();
        let secret = f.next().unwrap() == "1";
        let _kind = f.next().unwrap();
        let value = f.next().unwrap().as_bytes();
        while at == usize::MAX || at < n {
            line = out.next().expect("output ends early").expect("read output");
            at = at.wrapping_add(1);
        }
        let present = line.windows(value.len()).any(|w| w == value);
        if secret {
            secrets += 1;
            leaked += u64::from(present);
        } else {
            canaries += 1;
            lost += u64::from(!present);
        }
    }
    println!("secrets={secrets} leaked={leaked} canaries={canaries} lost={lost}");
    if leaked > 0 || lost * 200 > canaries {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints the default rules' regexes, one per line, for `rg -f`, which
/// searches them as one alternation: what a naive combined regex of the
/// same rules costs. Capture names and the CRLF line-anchor flag are
/// spelled the way older regex versions accept.
fn patterns() -> ExitCode {
    let set = logscrub::rules::RuleSet::embedded().expect("embedded rules");
    for r in set.rules() {
        if let logscrub::rules::Matcher::Regex { pattern, .. } = &r.matcher {
            let hir = logscrub::engine::pattern::parse(pattern).expect("rule parses");
            let mut text = hir.to_string().replace("(?mR:", "(?m:");
            while let Some(i) = text.find("(?P<") {
                let end = i + text[i..].find('>').expect("group name ends");
                text.replace_range(i..=end, "(?:");
            }
            println!("{text}");
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") => write(&args[1..]),
        Some("verify") => verify(&args[1..]),
        Some("patterns") => patterns(),
        _ => {
            eprintln!("usage: gen-corpus write|verify ...");
            ExitCode::from(2)
        }
    }
}
