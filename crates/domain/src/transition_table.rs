//! The one transition-table machinery every procedure shares: a flat list of legal moves, one per
//! line, each citing its legal basis (DESIGN §3, STYLE §2.2), and the lookup over it.
//!
//! Why generic: a procedure is data (its states, its commands and a table), not an engine. The
//! tender procedure ([`crate::tender`]) and the government-procurement methods
//! ([`crate::procurement`]) differ only in their enums and their lines; the lookup, the "resume to
//! the state it was suspended from" rule and the table checks live here once.

/// One legal move: from a state, a command leads to a state, on a legal basis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition<S, C> {
    /// State before.
    pub from: S,
    /// The command.
    pub command: C,
    /// State after.
    pub to: S,
    /// The article that allows it, e.g. `政府采购法 第三十六条`.
    pub source: &'static str,
}

impl<S, C> Transition<S, C> {
    /// A line of a table (a `const fn` so that tables are `const` data).
    pub const fn new(from: S, command: C, to: S, source: &'static str) -> Transition<S, C> {
        Transition { from, command, to, source }
    }
}

/// The first line of `table` leaving `state` on `command`, if any.
pub fn find<S: PartialEq, C: PartialEq>(
    table: &'static [Transition<S, C>],
    state: &S,
    command: &C,
) -> Option<&'static Transition<S, C>> {
    table.iter().find(|line| line.from == *state && line.command == *command)
}

/// The line of `table` leaving `state` on `command` towards `to`: for commands with one line per
/// target (a resumption goes back to the state the suspension came from, so the caller names it).
pub fn find_to<S: PartialEq, C: PartialEq>(
    table: &'static [Transition<S, C>],
    state: &S,
    command: &C,
    to: &S,
) -> Option<&'static Transition<S, C>> {
    table.iter().find(|line| line.from == *state && line.command == *command && line.to == *to)
}

/// Two lines of one table that collide.
pub type Collision<S, C> = (&'static Transition<S, C>, &'static Transition<S, C>);

/// Pairs of lines that leave the same state on the same command, except for the commands
/// `multi_target` allows to have one line per target (those must differ in their target).
/// An empty result means [`find`] is unambiguous on the table.
pub fn collisions<S: PartialEq, C: PartialEq>(
    table: &'static [Transition<S, C>],
    multi_target: impl Fn(&C) -> bool,
) -> Vec<Collision<S, C>> {
    let mut found = Vec::new();
    for (i, a) in table.iter().enumerate() {
        for b in &table[i + 1..] {
            if a.from == b.from && a.command == b.command && (!multi_target(&a.command) || a.to == b.to) {
                found.push((a, b));
            }
        }
    }
    found
}

/// Whether a source names an article (`第…条`), the least a line must cite.
pub fn cites_article(source: &str) -> bool {
    source.find('第').is_some_and(|at| source[at..].contains('条'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum S {
        A,
        B,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum C {
        Go,
        Back,
    }

    const TABLE: &[Transition<S, C>] = &[
        Transition::new(S::A, C::Go, S::B, "某法 第一条"),
        Transition::new(S::B, C::Back, S::A, "某法 第二条"),
        Transition::new(S::B, C::Back, S::B, "某法 第二条"),
    ];

    #[test]
    fn lookups_and_checks() {
        assert_eq!(find(TABLE, &S::A, &C::Go).map(|line| line.to), Some(S::B));
        assert!(find(TABLE, &S::A, &C::Back).is_none());
        assert_eq!(find_to(TABLE, &S::B, &C::Back, &S::B).map(|line| line.to), Some(S::B));
        assert!(collisions(TABLE, |command| *command == C::Back).is_empty());
        assert_eq!(collisions(TABLE, |_| false).len(), 1);
        assert!(cites_article("政府采购法 第三十六条"));
        assert!(!cites_article("条 第"));
        assert!(!cites_article(""));
    }
}
