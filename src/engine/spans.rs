//! Findings and how overlapping ones are resolved.
//!
//! Policy: overlapping findings are **unioned**, so no byte of any finding
//! survives (a Bearer header around a JWT, a URL password inside a JDBC URL,
//! an e-mail address whose domain is also a host name). The union takes the
//! label and normalisation of its strongest member: higher priority first,
//! then the longer span, then the earlier rule. Findings that only touch
//! (one ends where the next starts) stay separate tokens. The result is
//! sorted by start and does not depend on the order findings were found in.

/// One span of a chunk to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// Start offset in the chunk.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// Index of the rule that found it.
    pub rule: u32,
    /// Index of the label in the engine's label table.
    pub label: u32,
    /// The rule's priority.
    pub priority: i32,
}

impl Finding {
    fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when `self` should name a union it is part of rather than `other`.
    fn beats(&self, other: &Finding) -> bool {
        (self.priority, self.len(), std::cmp::Reverse(self.rule))
            > (other.priority, other.len(), std::cmp::Reverse(other.rule))
    }
}

/// Sorts `findings` and merges overlapping ones in place (see module docs).
pub fn merge(findings: &mut Vec<Finding>) {
    if findings.len() < 2 {
        return;
    }
    findings.sort_unstable_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end), a.rule, a.label).cmp(&(
            b.start,
            std::cmp::Reverse(b.end),
            b.rule,
            b.label,
        ))
    });
    let mut out = 0;
    // The strongest original member of the union being built at `out`.
    let mut win = findings[0];
    for i in 1..findings.len() {
        let f = findings[i];
        let cur = findings[out];
        if f.start < cur.end {
            if f.beats(&win) {
                win = f;
            }
            findings[out] = Finding {
                start: cur.start,
                end: cur.end.max(f.end),
                ..win
            };
        } else {
            out += 1;
            findings[out] = f;
            win = f;
        }
    }
    findings.truncate(out + 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(start: usize, end: usize, rule: u32, priority: i32) -> Finding {
        Finding {
            start,
            end,
            rule,
            label: rule,
            priority,
        }
    }

    #[test]
    fn disjoint_and_touching_stay_separate() {
        let mut v = vec![f(5, 8, 1, 0), f(0, 5, 0, 0)];
        merge(&mut v);
        assert_eq!(v, vec![f(0, 5, 0, 0), f(5, 8, 1, 0)]);
    }

    #[test]
    fn overlaps_are_unioned_and_labelled_by_the_strongest() {
        let mut v = vec![f(0, 10, 0, 0), f(8, 14, 1, 5)];
        merge(&mut v);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].start, v[0].end, v[0].rule), (0, 14, 1));

        // Equal priority: the longer span names the union.
        let mut v = vec![f(3, 6, 1, 0), f(0, 10, 0, 0)];
        merge(&mut v);
        assert_eq!((v[0].start, v[0].end, v[0].rule), (0, 10, 0));
    }

    #[test]
    fn chains_merge_transitively() {
        let mut v = vec![f(0, 4, 0, 0), f(3, 7, 1, 0), f(6, 9, 2, 0), f(20, 22, 3, 0)];
        merge(&mut v);
        assert_eq!(v.len(), 2);
        assert_eq!((v[0].start, v[0].end), (0, 9));
    }

    #[test]
    fn result_does_not_depend_on_input_order() {
        let a = vec![f(0, 4, 0, 1), f(2, 9, 1, 1), f(2, 9, 2, 1), f(12, 15, 3, 0)];
        let mut b = a.clone();
        b.reverse();
        let (mut a, mut b) = (a, b);
        merge(&mut a);
        merge(&mut b);
        assert_eq!(a, b);
    }
}
