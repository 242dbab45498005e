//! Counting what was redacted. Counts hold numbers only, never a value, a
//! hash of a value, or a line of input.

pub mod findings;
pub mod run;

/// Counts for one chunk, one input, or a whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Replacements per rule, indexed like the engine's rules.
    pub per_rule: Vec<u64>,
    /// Lines read (a final line without newline counts).
    pub lines: u64,
    /// Lines with at least one replacement.
    pub lines_changed: u64,
    /// Bytes read.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
    /// Of the replacements, those of values known from the run's
    /// dictionary (learned values and `--dictionary` files) rather than
    /// found by a rule where they stand, per label (indexed like the
    /// engine's labels).
    pub learned: Vec<u64>,
}

impl Counts {
    /// Zero counts for `rules` rules.
    pub fn new(rules: usize) -> Counts {
        Counts {
            per_rule: vec![0; rules],
            ..Counts::default()
        }
    }

    /// Total replacements.
    pub fn replacements(&self) -> u64 {
        self.per_rule.iter().sum()
    }

    /// Counts a replacement under `label` of a value known from the
    /// dictionary.
    pub fn count_learned(&mut self, label: u32) {
        let i = label as usize;
        if self.learned.len() <= i {
            self.learned.resize(i + 1, 0);
        }
        self.learned[i] += 1;
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &Counts) {
        if self.per_rule.len() < other.per_rule.len() {
            self.per_rule.resize(other.per_rule.len(), 0);
        }
        for (a, b) in self.per_rule.iter_mut().zip(&other.per_rule) {
            *a += b;
        }
        if self.learned.len() < other.learned.len() {
            self.learned.resize(other.learned.len(), 0);
        }
        for (a, b) in self.learned.iter_mut().zip(&other.learned) {
            *a += b;
        }
        self.lines += other.lines;
        self.lines_changed += other.lines_changed;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
    }

    /// Clears all counts, keeping the number of rules.
    pub fn clear(&mut self) {
        self.per_rule.iter_mut().for_each(|c| *c = 0);
        self.learned.iter_mut().for_each(|c| *c = 0);
        self.lines = 0;
        self.lines_changed = 0;
        self.bytes_in = 0;
        self.bytes_out = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_sums_everything() {
        let mut a = Counts::new(2);
        let mut b = Counts::new(2);
        b.per_rule[1] = 3;
        b.lines = 10;
        b.lines_changed = 2;
        b.bytes_in = 100;
        b.bytes_out = 120;
        a.add(&b);
        a.add(&b);
        assert_eq!(a.per_rule, vec![0, 6]);
        assert_eq!(a.replacements(), 6);
        assert_eq!(
            (a.lines, a.lines_changed, a.bytes_in, a.bytes_out),
            (20, 4, 200, 240)
        );
        a.clear();
        assert_eq!(a, Counts::new(2));
    }
}
