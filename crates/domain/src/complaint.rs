//! A complaint to the regulator about a tender (投诉, 招标投标法实施条例 第六十条至第六十二条): filed within
//! 10 days of knowing, accepted or not within 3 working days, decided within 30 working days of
//! acceptance. One line of [`COMPLAINT_TRANSITIONS`] per legal move, citing its article.

use std::fmt;

/// Where a complaint stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComplaintState {
    /// Filed, waiting for the regulator's acceptance decision.
    Filed,
    /// Accepted for handling (受理).
    Accepted,
    /// Not accepted (不予受理), with the reason.
    NotAccepted,
    /// Decided in writing (处理决定).
    Decided,
}

impl ComplaintState {
    /// Every state.
    pub const ALL: [ComplaintState; 4] =
        [ComplaintState::Filed, ComplaintState::Accepted, ComplaintState::NotAccepted, ComplaintState::Decided];

    /// Identifier shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintState::Filed => "filed",
            ComplaintState::Accepted => "accepted",
            ComplaintState::NotAccepted => "not_accepted",
            ComplaintState::Decided => "decided",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            ComplaintState::Filed => "已提交",
            ComplaintState::Accepted => "已受理",
            ComplaintState::NotAccepted => "不予受理",
            ComplaintState::Decided => "已作出处理决定",
        }
    }
}

/// What the regulator does with a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComplaintCommand {
    /// Accept it for handling.
    Accept,
    /// Decline to accept it.
    Refuse,
    /// Decide it in writing.
    Decide,
}

impl ComplaintCommand {
    /// The Chinese name shown in errors.
    pub fn label(self) -> &'static str {
        match self {
            ComplaintCommand::Accept => "受理投诉",
            ComplaintCommand::Refuse => "决定不予受理",
            ComplaintCommand::Decide => "作出处理决定",
        }
    }
}

/// One legal move of a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComplaintTransition {
    /// State before.
    pub from: ComplaintState,
    /// The command.
    pub command: ComplaintCommand,
    /// State after.
    pub to: ComplaintState,
    /// The article that allows it.
    pub source: &'static str,
}

use ComplaintCommand as C;
use ComplaintState as S;

/// The handling of a complaint, one legal move per line.
pub const COMPLAINT_TRANSITIONS: &[ComplaintTransition] = &[
    ComplaintTransition {
        from: S::Filed,
        command: C::Accept,
        to: S::Accepted,
        source: "招标投标法实施条例 第六十一条",
    },
    ComplaintTransition {
        from: S::Filed,
        command: C::Refuse,
        to: S::NotAccepted,
        source: "招标投标法实施条例 第六十一条",
    },
    ComplaintTransition {
        from: S::Accepted,
        command: C::Decide,
        to: S::Decided,
        source: "招标投标法实施条例 第六十一条",
    },
];

/// A command the complaint's state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidComplaintTransition {
    /// The state.
    pub state: ComplaintState,
    /// The command refused.
    pub command: ComplaintCommand,
}

impl fmt::Display for InvalidComplaintTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "该投诉当前为“{}”，不能{}", self.state.label(), self.command.label())
    }
}

/// The move a command makes from a state, if the table allows it.
pub fn complaint_transition(
    state: ComplaintState,
    command: ComplaintCommand,
) -> Result<&'static ComplaintTransition, InvalidComplaintTransition> {
    COMPLAINT_TRANSITIONS
        .iter()
        .find(|line| line.from == state && line.command == command)
        .ok_or(InvalidComplaintTransition { state, command })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complaint_is_accepted_or_refused_once_and_decided_once() {
        assert_eq!(complaint_transition(S::Filed, C::Accept).map(|l| l.to), Ok(S::Accepted));
        assert_eq!(complaint_transition(S::Filed, C::Refuse).map(|l| l.to), Ok(S::NotAccepted));
        assert_eq!(complaint_transition(S::Accepted, C::Decide).map(|l| l.to), Ok(S::Decided));
        for state in [S::NotAccepted, S::Decided] {
            for command in [C::Accept, C::Refuse, C::Decide] {
                assert!(complaint_transition(state, command).is_err(), "{state:?} {command:?}");
            }
        }
        assert_eq!(
            complaint_transition(S::Filed, C::Decide).map_err(|e| e.to_string()),
            Err("该投诉当前为“已提交”，不能作出处理决定".to_owned())
        );
    }
}
