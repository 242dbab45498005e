//! What a file is, by its name: plain text, a gzip file, or an archive.
//!
//! The name decides, as it does for the people who made the bundle: a
//! `.zip` is opened as a zip, a `catalina.out.gz` is decompressed, anything
//! else is a file whose content [`super::sniff`] classifies as text or
//! binary. A `.jar` is a zip inside, but it is code, not logs: it is not
//! opened and its content is binary.

/// The kind of a file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Anything that is not compressed or archived: text or binary.
    Plain,
    /// A gzip file (`.gz`), one or more members.
    Gzip,
    /// A zip archive (`.zip`).
    Zip,
    /// A tar archive (`.tar`).
    Tar,
    /// A gzip-compressed tar archive (`.tar.gz`, `.tgz`).
    TarGz,
}

impl Kind {
    /// The kind a file name says.
    pub fn from_name(name: &[u8]) -> Kind {
        let lower = name.to_ascii_lowercase();
        let ends = |s: &str| lower.ends_with(s.as_bytes()) && lower.len() > s.len();
        if ends(".tar.gz") || ends(".tgz") {
            Kind::TarGz
        } else if ends(".tar") {
            Kind::Tar
        } else if ends(".zip") {
            Kind::Zip
        } else if ends(".gz") {
            Kind::Gzip
        } else {
            Kind::Plain
        }
    }

    /// True for kinds that hold other files.
    pub fn is_archive(self) -> bool {
        matches!(self, Kind::Zip | Kind::Tar | Kind::TarGz)
    }

    /// The name used in reports and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plain => "file",
            Kind::Gzip => "gzip",
            Kind::Zip => "zip",
            Kind::Tar => "tar",
            Kind::TarGz => "tar.gz",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decide() {
        let k = |n: &str| Kind::from_name(n.as_bytes());
        assert_eq!(k("support.ZIP"), Kind::Zip);
        assert_eq!(k("sosreport-db01.tar.xz.tar"), Kind::Tar);
        assert_eq!(k("logs.tar.gz"), Kind::TarGz);
        assert_eq!(k("logs.tgz"), Kind::TarGz);
        assert_eq!(k("catalina.out.gz"), Kind::Gzip);
        assert_eq!(k("app.log"), Kind::Plain);
        assert_eq!(k("plugin.jar"), Kind::Plain);
        assert_eq!(k(".gz"), Kind::Plain, "a bare extension is a hidden file");
        assert!(Kind::TarGz.is_archive() && !Kind::Gzip.is_archive());
    }
}
