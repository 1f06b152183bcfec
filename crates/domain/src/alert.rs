//! A supervision alert's workflow (预警处置): raised by a screen with its evidence, then confirmed or
//! dismissed by the regulator with a reason, and a confirmed one referred on (移送) for handling. The
//! regulator acts under its supervisory powers (招标投标法 第七条; 实施条例 第六十二条 for the
//! investigation itself); one line of [`ALERT_TRANSITIONS`] per move.

use std::fmt;

/// Where an alert stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertState {
    /// Raised by a screen, not yet looked at.
    New,
    /// The regulator found it founded.
    Confirmed,
    /// The regulator found it unfounded, with the reason.
    Dismissed,
    /// Confirmed and referred for investigation or penalty.
    Referred,
}

impl AlertState {
    /// Every state.
    pub const ALL: [AlertState; 4] =
        [AlertState::New, AlertState::Confirmed, AlertState::Dismissed, AlertState::Referred];

    /// Identifier used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::New => "new",
            AlertState::Confirmed => "confirmed",
            AlertState::Dismissed => "dismissed",
            AlertState::Referred => "referred",
        }
    }

    /// Parses an identifier.
    pub fn parse(text: &str) -> Option<AlertState> {
        AlertState::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            AlertState::New => "待核查",
            AlertState::Confirmed => "已确认",
            AlertState::Dismissed => "已排除",
            AlertState::Referred => "已移送",
        }
    }
}

/// What the regulator does with an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertCommand {
    /// Confirm it.
    Confirm,
    /// Dismiss it.
    Dismiss,
    /// Refer it on.
    Refer,
}

impl AlertCommand {
    /// The Chinese name shown in errors.
    pub fn label(self) -> &'static str {
        match self {
            AlertCommand::Confirm => "确认预警",
            AlertCommand::Dismiss => "排除预警",
            AlertCommand::Refer => "移送处理",
        }
    }
}

/// One legal move of an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlertTransition {
    /// State before.
    pub from: AlertState,
    /// The command.
    pub command: AlertCommand,
    /// State after.
    pub to: AlertState,
    /// The basis.
    pub source: &'static str,
}

use AlertCommand as C;
use AlertState as S;

/// The handling of an alert, one move per line.
pub const ALERT_TRANSITIONS: &[AlertTransition] = &[
    AlertTransition { from: S::New, command: C::Confirm, to: S::Confirmed, source: "招标投标法 第七条" },
    AlertTransition { from: S::New, command: C::Dismiss, to: S::Dismissed, source: "招标投标法 第七条" },
    AlertTransition {
        from: S::Confirmed, command: C::Refer, to: S::Referred, source: "招标投标法实施条例 第六十二条"
    },
];

/// A command the alert's state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidAlertTransition {
    /// The state.
    pub state: AlertState,
    /// The command.
    pub command: AlertCommand,
}

impl fmt::Display for InvalidAlertTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "该预警当前为“{}”，不能{}", self.state.label(), self.command.label())
    }
}

/// The move a command makes from a state, if the table allows it.
pub fn alert_transition(
    state: AlertState,
    command: AlertCommand,
) -> Result<&'static AlertTransition, InvalidAlertTransition> {
    ALERT_TRANSITIONS
        .iter()
        .find(|line| line.from == state && line.command == command)
        .ok_or(InvalidAlertTransition { state, command })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_is_confirmed_or_dismissed_once_and_only_a_confirmed_one_is_referred() {
        assert_eq!(alert_transition(S::New, C::Confirm).map(|l| l.to), Ok(S::Confirmed));
        assert_eq!(alert_transition(S::New, C::Dismiss).map(|l| l.to), Ok(S::Dismissed));
        assert_eq!(alert_transition(S::Confirmed, C::Refer).map(|l| l.to), Ok(S::Referred));
        for state in [S::Dismissed, S::Referred] {
            for command in [C::Confirm, C::Dismiss, C::Refer] {
                assert!(alert_transition(state, command).is_err(), "{state:?} {command:?}");
            }
        }
        assert!(alert_transition(S::New, C::Refer).is_err(), "only a confirmed alert is referred");
        for state in S::ALL {
            assert_eq!(AlertState::parse(state.as_str()), Some(state));
        }
    }
}
