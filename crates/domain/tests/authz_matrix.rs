//! Walks the whole authorization matrix: every role x every action x every kind of target region.
//!
//! The matrix is snapshotted, so any change to the policy shows up in review as a table diff, and a
//! few invariants are asserted on top so that a careless snapshot update cannot hide a leak.

use ggzy_domain::RegionCode;
use ggzy_domain::authz::{Action, Decision, decide};
use ggzy_domain::role::{Role, RoleGrant};

fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).expect("test region codes are valid")
}

/// Targets relative to a grant held for Hangzhou (330100).
fn targets() -> [(&'static str, RegionCode); 5] {
    [
        ("same", region("330100")),
        ("child", region("330106")),
        ("parent", region("330000")),
        ("sibling", region("330200")),
        ("other_province", region("110000")),
    ]
}

fn matrix() -> Vec<(Role, Action, &'static str, Decision)> {
    let grant_region = region("330100");
    let mut rows = Vec::new();
    for role in Role::ALL {
        let grants = [RoleGrant { role, region: grant_region }];
        for action in Action::ALL {
            for (name, target) in targets() {
                rows.push((role, action, name, decide(&grants, action, &target)));
            }
        }
    }
    rows
}

#[test]
fn whole_matrix_matches_snapshot() {
    let mut text = String::new();
    for (role, action, target, decision) in matrix() {
        let decision = match decision {
            Decision::Allow => "allow",
            Decision::AllowIfOwnEntity => "own_entity",
            Decision::Deny => "deny",
        };
        text.push_str(&format!("{:<13}{:<22}{:<16}{decision}\n", role.as_str(), action.as_str(), target));
    }
    insta::assert_snapshot!(text);
}

#[test]
fn public_and_experts_only_read() {
    for (role, action, _, decision) in matrix() {
        // An expert reads their own record and answers their own draws (`OwnEntity`: the app checks
        // that the record is linked to the user); nothing else.
        let own_expert_data = role == Role::Expert && matches!(action, Action::ReadExpertPersonal | Action::AnswerDraw);
        if own_expert_data {
            assert_eq!(decision, Decision::AllowIfOwnEntity, "{role} {}", action.as_str());
        } else if matches!(role, Role::Public | Role::Expert) && action != Action::ReadPublic {
            assert_eq!(decision, Decision::Deny, "{role} must not {}", action.as_str());
        }
    }
}

#[test]
fn experts_personal_data_never_reaches_the_parties_or_the_public() {
    // 招标投标法 第三十七条第五款: the committee's names stay secret until the result; the parties
    // and the public never see the pool's personal data, and only the centre keeps the pool.
    for (role, action, target, decision) in matrix() {
        let parties = matches!(role, Role::Public | Role::Bidder | Role::Principal | Role::Agency);
        if parties && matches!(action, Action::ReadExpertPersonal | Action::ManageExperts | Action::AnswerDraw) {
            assert_eq!(decision, Decision::Deny, "{role} {} on {target}", action.as_str());
        }
        if action == Action::ManageExperts {
            let keeper = matches!(role, Role::CenterStaff | Role::Admin) && matches!(target, "same" | "child");
            let expected = if keeper { Decision::Allow } else { Decision::Deny };
            assert_eq!(decision, expected, "{role} manage_experts on {target}");
        }
    }
}

#[test]
fn region_scoped_roles_never_act_outside_their_region() {
    for (role, action, target, decision) in matrix() {
        let outside = matches!(target, "parent" | "sibling" | "other_province");
        let scoped = matches!(role, Role::CenterStaff | Role::Regulator | Role::Admin);
        if outside && scoped && action != Action::ReadPublic && action != Action::IssueApiToken {
            assert_eq!(decision, Decision::Deny, "{role} {} on {target}", action.as_str());
        }
    }
}

#[test]
fn only_admins_manage_users_and_regulators_never_edit_entities() {
    for (role, action, _, decision) in matrix() {
        if action == Action::ManageUsers && role != Role::Admin {
            assert_eq!(decision, Decision::Deny);
        }
        if role == Role::Regulator && action == Action::UpdateEntity {
            assert_eq!(decision, Decision::Deny, "supervision may not run the trade (条例 5)");
        }
    }
}

#[test]
fn anonymous_visitor_is_public() {
    for action in Action::ALL {
        let expected = if action == Action::ReadPublic { Decision::Allow } else { Decision::Deny };
        assert_eq!(decide(&[], action, &region("330100")), expected);
    }
}

#[test]
fn several_grants_take_the_most_permissive() {
    let grants = [
        RoleGrant { role: Role::Bidder, region: region("330100") },
        RoleGrant { role: Role::Admin, region: region("110000") },
    ];
    assert_eq!(decide(&grants, Action::UpdateEntity, &region("110105")), Decision::Allow);
    assert_eq!(decide(&grants, Action::UpdateEntity, &region("330100")), Decision::AllowIfOwnEntity);
    assert_eq!(decide(&grants, Action::ManageUsers, &region("330100")), Decision::Deny);
}

#[test]
fn no_role_sees_bids_or_bidders_before_the_opening() {
    use ggzy_domain::authz::{BidVisibility, bid_visibility};
    use ggzy_domain::tender::TenderState;
    for role in Role::ALL {
        for state in TenderState::ALL {
            let expected = match state {
                // A suspension may come from bidding: it shows nothing until it is lifted.
                TenderState::Draft
                | TenderState::Prequalifying
                | TenderState::Prequalified
                | TenderState::Proposing
                | TenderState::ProposalsClosed
                | TenderState::Bidding
                | TenderState::Suspended => BidVisibility::Nothing,
                _ => BidVisibility::OpeningRecord,
            };
            assert_eq!(bid_visibility(role, state), expected, "{role} in {}", state.as_str());
        }
    }
}
