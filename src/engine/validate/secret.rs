//! Secret values: what is a mask or a placeholder, and where a
//! properties value ends.

use super::trim_quotes;

/// A shell or environment variable name as people write them: a letter or
/// `_` first, then letters, digits and `_`, in upper case (`DB_PASSWORD`,
/// `PASS`), or in lower case when it names a credential (`$password`,
/// `$db_pass`). A password that merely starts with `$` is mixed-case, starts
/// with a digit or names nothing (`$VRhuMz62HSX6`, `$988QE8P2EN`,
/// `$uperman1`) and is no placeholder.
fn shell_variable(name: &[u8]) -> bool {
    let word = name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let starts = name
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
    let upper = name.iter().any(u8::is_ascii_uppercase);
    let lower = name.iter().any(u8::is_ascii_lowercase);
    word && starts && (!lower || (!upper && names_credential(name)))
}

/// True when `name` (lower case) holds a word that names a credential.
fn names_credential(name: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[b"pass", b"pwd", b"secret", b"token", b"cred"];
    WORDS
        .iter()
        .any(|w| name.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w)))
}

/// What a bracketed placeholder may say: a mask word, or the name of the
/// thing that belongs there (`<password>`, `[TOKEN]`).
const BRACKET_WORDS: &[&[u8]] = &[
    b"redacted",
    b"masked",
    b"hidden",
    b"protected",
    b"removed",
    b"omitted",
    b"filtered",
    b"sanitized",
    b"secure",
    b"sensitive",
    b"not shown",
    b"password",
    b"passwd",
    b"pass",
    b"pwd",
    b"secret",
    b"token",
    b"key",
    b"apikey",
    b"api-key",
    b"api_key",
    b"credentials",
    b"value",
];

/// A bracketed value that only stands for one: `[PROTECTED]`, `<redacted>`,
/// `(hidden)`, `<password>`, `[****]`, or a description in words
/// (`[Shared Access key goes here]`, `<your password here>`). A bracketed
/// value that could be typed as a password stays one: `<Hunter2PLANTED>`,
/// `[...]`, `(...)`.
fn bracket_placeholder(v: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (v.first(), v.last()) else {
        return false;
    };
    if v.len() < 2
        || !matches!(
            (first, last),
            (b'[', b']') | (b'<', b'>') | (b'(', b')') | (b'{', b'}')
        )
    {
        return false;
    }
    // `{0}`, `{3}`: a format string's argument.
    let inner = &v[1..v.len() - 1];
    if first == b'{' {
        return !inner.is_empty() && inner.iter().all(u8::is_ascii_digit);
    }
    let inner = trim_quotes(&v[1..v.len() - 1]);
    // `<YOUR_ACCOUNT_KEY>`, `[DB_PASSWORD]`: a name in capitals.
    let name = inner.contains(&b'_') && inner.iter().all(|&c| c.is_ascii_uppercase() || c == b'_');
    let words = inner.contains(&b' ')
        && inner
            .iter()
            .all(|&c| c.is_ascii_alphabetic() || matches!(c, b' ' | b'\'' | b'-' | b'_'));
    words
        || name
        || (!inner.is_empty() && inner.iter().all(|&c| c == b'*'))
        || BRACKET_WORDS.iter().any(|w| inner.eq_ignore_ascii_case(w))
}

/// A reference to a value kept elsewhere, written in a configuration
/// language or code: `var.db_password` (Terraform), `env.X`,
/// `process.env.X`, `secrets.X`; a method call (`Buffer.from(`,
/// `System.getenv(`, `getMasterUserPassword()`); `$(cmd)`.
fn reference(v: &[u8]) -> bool {
    let ident = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$');
    const ROOTS: &[&[u8]] = &[
        b"var.",
        b"env.",
        b"local.",
        b"process.env.",
        b"secrets.",
        b"vars.",
    ];
    if let Some(root) = ROOTS.iter().find(|r| v.starts_with(r)) {
        let rest = &v[root.len()..];
        return !rest.is_empty() && rest.iter().all(|c| ident(c) || *c == b'.');
    }
    // `$(cmd)`, `$(dirname $0)/../bin/get`: command substitution; `#{x}`:
    // Ruby interpolation; `arn:aws:...`: an AWS resource name.
    if v.starts_with(b"$(") || v.starts_with(b"#{") || v.starts_with(b"arn:aws") {
        return true;
    }
    // `+ getPassword() +`: code that builds a string.
    if v.len() > 2 && (v.starts_with(b"+ ") || v.starts_with(b"+new ")) {
        return true;
    }
    // `/run/secrets/db_password`: a file path, two or more segments in lower
    // case (base64 such as `/FZQw.../BYFU...` is no path).
    if v.first() == Some(&b'/')
        && v[1..].contains(&b'/')
        && v.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'/' | b'.' | b'_' | b'-')
        })
    {
        return true;
    }
    // `a.b(`..., or `name()` alone: code, not a value.
    let Some(paren) = memchr::memchr(b'(', v) else {
        return false;
    };
    let callee = &v[..paren];
    let starts = callee
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'$'));
    let dotted = callee.contains(&b'.')
        && !callee.ends_with(b".")
        && callee.iter().all(|c| ident(c) || *c == b'.');
    let no_args = &v[paren..] == b"()" && callee.iter().all(ident);
    starts && (dotted || no_args)
}

/// A value `hay[start..end]` that runs to the end of its line belongs to a
/// properties, ini or YAML line, unless key and separator read as a shell
/// assignment (`PGPASSWORD=x psql -h db`: an upper-case name right before
/// `=`), where a space ends the value. A value without white space passes.
pub fn properties_value(hay: &[u8], start: usize, end: usize) -> bool {
    if !hay[start..end].iter().any(u8::is_ascii_whitespace) {
        return true;
    }
    // `Password: [PROTECTED] (set)`: a mask followed by words is the mask
    // and a comment, which the key's own rule judges.
    let first = hay[start..end]
        .split(u8::is_ascii_whitespace)
        .next()
        .unwrap_or_default();
    if is_placeholder(first) {
        return false;
    }
    let before = &hay[..start];
    let line = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let head = &before[line..];
    let Some(sep) = head.iter().rposition(|&c| c == b'=' || c == b':') else {
        return true;
    };
    if head[sep] == b':' || head[sep + 1..].iter().any(u8::is_ascii_whitespace) {
        return true;
    }
    let key = &head[..sep];
    let key = key.strip_suffix(b":").unwrap_or(key);
    if key.last().is_none_or(u8::is_ascii_whitespace) {
        return true;
    }
    let name_start = key
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')))
        .map_or(0, |i| i + 1);
    let name = &key[name_start..];
    name.iter().any(|c| c.is_ascii_lowercase() || *c == b'.')
}

/// Placeholders and already-masked values, which stay as they are.
pub fn is_placeholder(value: &[u8]) -> bool {
    let v = trim_quotes(value);
    // Empty, or one or two punctuation characters repeated (`|` after an
    // empty `key= `, the `/` of a cookie's `Path=/`): no secret. Punctuation
    // of more kinds can be typed as a password (`!@#$%^&*()_+`).
    if !v.iter().any(u8::is_ascii_alphanumeric) {
        let mut kinds = [false; 256];
        v.iter().for_each(|&c| kinds[usize::from(c)] = true);
        if kinds.iter().filter(|&&k| k).count() <= 2 {
            return true;
        }
    }
    // Masks: ****, xxxx, ...., ----, ####
    if v.iter()
        .all(|&c| matches!(c, b'*' | b'x' | b'X' | b'.' | b'-' | b'#' | b'?'))
    {
        return true;
    }
    // `android.os.BinderProxy@2bd79ce`: a Java object's identity, no secret.
    let v = v.strip_suffix(b":").unwrap_or(v);
    if let Some(at) = memchr::memrchr(b'@', v) {
        let (name, hash) = (&v[..at], &v[at + 1..]);
        if identity_hash(hash)
            && !name.is_empty()
            && name
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'$' | b'_'))
        {
            return true;
        }
    }
    // `Token{a64f992`: the start of an object's `toString()`.
    if let Some(brace) = memchr::memchr(b'{', v) {
        let (name, hash) = (&v[..brace], &v[brace + 1..]);
        if identity_hash(hash)
            && name.first().is_some_and(u8::is_ascii_alphabetic)
            && name.iter().all(u8::is_ascii_alphanumeric)
        {
            return true;
        }
    }
    // `id:263466287238`: a numeric id, no secret.
    if let Some(digits) = v.strip_prefix(b"id:").or_else(|| v.strip_prefix(b"id=")) {
        if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
            return true;
        }
    }
    let first = v[0];
    if bracket_placeholder(v)
        || reference(v)
        || v.starts_with(b"${")
        || v.starts_with(b"{{")
        || v.starts_with(b"%(")
        || v == b"%s"
        || (first == b'$'
            && shell_variable(v[1..].split(|&c| c == b'/').next().unwrap_or_default()))
        || your_placeholder(v)
    {
        return true;
    }
    const WORDS: &[&[u8]] = &[
        b"null",
        b"none",
        b"nil",
        b"undefined",
        b"true",
        b"false",
        b"empty",
        b"redacted",
        b"masked",
        b"hidden",
        b"protected",
        b"sanitized",
        // Atlassian's support zip puts this in place of every password.
        b"sanitized by support utility",
        b"removed",
        b"omitted",
        b"n/a",
        b"na",
        b"required",
        b"optional",
        b"string",
        b"no-check",
        b"nocheck",
        // HTTP authentication scheme names, never the credential itself.
        b"basic",
        b"bearer",
        b"digest",
        b"negotiate",
        b"ntlm",
        b"token",
        b"jwt",
        b"apikey",
        b"sso-key",
        b"ssws",
    ];
    WORDS.iter().any(|w| v.eq_ignore_ascii_case(w))
}

/// 4 to 8 lower-case hex digits: `Object.hashCode()` as `toString()` shows it.
fn identity_hash(hash: &[u8]) -> bool {
    (4..=8).contains(&hash.len())
        && hash
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

/// `YOUR_API_KEY`, `your-token-here`: an instruction, not a value.
fn your_placeholder(v: &[u8]) -> bool {
    let prefix = v.get(..5).unwrap_or_default();
    let words = v
        .iter()
        .all(|&c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-'));
    let shouted = !v.iter().any(u8::is_ascii_lowercase);
    let here = v.len() > 4 && v[v.len() - 4..].eq_ignore_ascii_case(b"here");
    v.len() > 5
        && (prefix.eq_ignore_ascii_case(b"your_") || prefix.eq_ignore_ascii_case(b"your-"))
        && words
        && (shouted || here)
}

/// True when the value `hay[start..end]` repeats the name of the key it is
/// assigned to (`access_token=ACCESS_TOKEN`, `"password": "password"`):
/// a template's placeholder. `db.password=password` is no such repeat and
/// stays a password.
pub fn repeats_own_key(hay: &[u8], start: usize, end: usize) -> bool {
    let mut value = trim_quotes(&hay[start..end]);
    // `$accountKey`, `%PASSWORD%`, `{{apiKey}}`, `:token`: the key's name as
    // a variable.
    while let [b'$' | b'%' | b'@' | b':' | b'{' | b'<', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b'%' | b'}' | b'>'] = value {
        value = rest;
    }
    let mut i = start;
    let skip = |i: &mut usize, set: &[u8]| {
        while *i > 0 && set.contains(&hay[*i - 1]) {
            *i -= 1;
        }
    };
    skip(&mut i, b"\"' \t\\");
    if i == 0 || !matches!(hay[i - 1], b'=' | b':') {
        return false;
    }
    i -= 1;
    skip(&mut i, b"=:>");
    skip(&mut i, b"\"' \t\\");
    let key_end = i;
    while i > 0 && (hay[i - 1].is_ascii_alphanumeric() || matches!(hay[i - 1], b'_' | b'.' | b'-'))
    {
        i -= 1;
    }
    let key = &hay[i..key_end];
    let norm = |c: &u8| match c {
        b'-' | b'.' => b'_',
        c => c.to_ascii_lowercase(),
    };
    !key.is_empty() && key.len() == value.len() && key.iter().map(norm).eq(value.iter().map(norm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "",
            "****",
            "[PROTECTED]",
            "<redacted>",
            "${DB_PASSWORD}",
            "{{ secret }}",
            "%s",
            "null",
            "\"\"",
            "$PASS",
            "$DB_PASSWORD_2",
            "$password",
            "android.os.BinderProxy@2bd79ce",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for s in [
            "hunter2",
            "S3cr3t!",
            "[abc",
            "x1y2",
            "$VRhuMz62HSX6SQCjGydS",
            "$988QE8P2EN",
            "$r7TSmZI4O_",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }

    /// a default or odd-looking password is still one; only
    /// unmistakable masks, references and descriptions stay.

    #[test]
    fn placeholders_that_are_passwords() {
        for s in [
            "$uperman1",
            "<Hunter2PLANTED>",
            "[...]",
            "(...)",
            "!@#$%^&*()_+",
            "changeme",
            "secret",
            "password",
            "Summer(2024)",
            "$monkey",
            "your_dog",
            "/FZQwfvNltw4sZnayvYnmDpeWc/BYFUGtsCLwSZ5gVdP",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
        for p in [
            "****",
            "[PROTECTED]",
            "${VAR}",
            "$(cat /run/secrets/db)",
            "Sanitized by Support Utility",
            "[Shared Access key goes here]",
            "<your password here>",
            "<password>",
            "(hidden)",
            "var.db_password",
            "env.PERKEEP_TEST_PASSWORD",
            "process.env.REACT_APP_PASSWORD",
            "Buffer.from(",
            "getMasterUserPassword()",
            "Token{a64f992",
            "id:263466287238",
            "YOUR_API_KEY",
            "/run/secrets/db_password",
            "/",
            "|",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn value_repeating_its_key() {
        let at = |line: &str, value: &str| {
            let start = line.find(value).unwrap();
            repeats_own_key(line.as_bytes(), start, start + value.len())
        };
        assert!(at("access_token=ACCESS_TOKEN", "ACCESS_TOKEN"));
        assert!(at("{\"api-key\": \"API_KEY\"}", "API_KEY"));
        assert!(!at("db.password=password", "password"));
        assert!(!at("access_token=ACCESS_TOKEN2", "ACCESS_TOKEN2"));
    }

    #[test]
    fn properties_values() {
        let at = |line: &str, value: &str| {
            let start = line.find(value).unwrap();
            properties_value(line.as_bytes(), start, start + value.len())
        };
        assert!(at("ldap.password = pass word", "pass word"));
        assert!(at("jdbc.password=pass word", "pass word"));
        assert!(at("password: pass word", "pass word"));
        assert!(at("x\npassword=pass word", "pass word"));
        assert!(at("PGPASSWORD=nospace", "nospace"));
        assert!(!at("PGPASSWORD=Pg!pw42 psql -h db", "Pg!pw42 psql -h db"));
        assert!(!at("Password: [PROTECTED] (set)", "[PROTECTED] (set)"));
    }
}
