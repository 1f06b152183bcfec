//! The demo committee at work on a lot: each drawn expert signs in through their own account (the
//! centre opens one for an expert drawn for the first time), the principal's representative through
//! the principal's; all sign in with a demo certificate, elect the first expert chair, the chair
//! drafts the report and every member signs it (条例 第五十三条).

use std::path::Path;

use anyhow::Context as _;
use ggzy_app::App;
use ggzy_app::actor::Actor;
use ggzy_app::award::{LotAward, ReportInput, ReportSignatureInput, SignInInput};
use ggzy_app::expert::ExpertInput;
use ggzy_app::identity::NewUser;
use ggzy_crypto::evaluation_signing::report_signature_bytes;
use ggzy_crypto::sm2::PrivateKey;
use ggzy_domain::role::{Role, RoleGrant};

use crate::demo::{DEMO_PASSWORD, explain};
use crate::demo_ca::DemoCa;

/// Who acts for a member, and the key they sign with.
struct Seat {
    member: String,
    /// The expert's own account; `None` for a representative (the principal acts, naming them).
    own: Option<Actor>,
    key: PrivateKey,
    cert_pem: String,
}

/// The account of a drawn expert: the linked one, or a new one the centre (`keeper`) opens and links.
async fn expert_account(app: &App, keeper: &Actor, expert_id: &str) -> anyhow::Result<Actor> {
    let view = app.expert(keeper, expert_id).await.map_err(explain).context("reading an expert")?;
    let username = match &view.details.user_id {
        Some(user_id) => app.user_view(user_id).await.map_err(explain)?.username,
        None => {
            let username = format!("expert-{}", expert_id.to_lowercase());
            let region = keeper.region;
            let new = NewUser {
                username: username.clone(),
                display_name: view.details.name.clone(),
                password: DEMO_PASSWORD.to_owned(),
                region,
                grants: vec![RoleGrant { role: Role::Expert, region }],
            };
            let user = app.create_user(keeper, new).await.map_err(explain).context("opening an expert's account")?;
            let details = view.details;
            let input = ExpertInput {
                expert_id: Some(details.expert_id),
                name: details.name,
                resident_id: details.resident_id,
                region_code: details.region_code,
                phone: details.phone,
                user_id: Some(user.user_id),
                employments: details.employments,
                career_start: details.career_start,
                specialties: details.specialties,
                qualifications: details.qualifications,
                availability: details.availability,
                windows: details.windows,
                penalties: details.penalties,
            };
            app.update_expert(keeper, expert_id, view.version, input).await.map_err(explain).context("linking")?;
            username
        }
    };
    Ok(app.login(&username, DEMO_PASSWORD).await.map_err(explain)?.actor)
}

/// Evaluates lot 1 of `tender_id` by its committee with no bid rejected; returns the lot as the
/// last signature left it (the report recorded).
pub async fn evaluate(
    app: &App,
    principal: &Actor,
    keeper: &Actor,
    ca: &DemoCa,
    keys: &Path,
    tender_id: &str,
) -> anyhow::Result<LotAward> {
    let lot = app.lot_award(Some(principal), tender_id, "1").await.map_err(explain)?;
    let committee = lot.committee.context("lot 1 has no committee")?;
    let now_unix = app.now_ms().div_euclid(1000);
    let mut seats = Vec::new();
    for member in &committee.members {
        let id = member.member_id().to_owned();
        let own = match &member.expert_id {
            Some(expert_id) => Some(expert_account(app, keeper, expert_id).await?),
            None => None,
        };
        let (cert, key) =
            ca.issue(&id, "评标委员会", now_unix, &keys.join(format!("member-{tender_id}-{}", seats.len())))?;
        seats.push(Seat { member: id, own, key, cert_pem: cert.to_pem().map_err(|e| anyhow::anyhow!("{e}"))? });
    }
    let acting = |seat: &Seat| {
        (seat.own.clone().unwrap_or_else(|| principal.clone()), seat.own.is_none().then(|| seat.member.clone()))
    };
    for seat in &seats {
        let (actor, member) = acting(seat);
        let input = SignInInput {
            member,
            declaration: "本人承诺与本项目招标人、投标人无利害关系，不存在应当回避的情形".to_owned(),
            no_conflict: true,
            certificate_pem: seat.cert_pem.clone(),
        };
        app.sign_in_to_evaluation(&actor, tender_id, "1", input).await.map_err(explain).context("signing in")?;
    }
    let chair = seats.first().context("an empty committee")?.member.clone();
    for seat in &seats {
        let (actor, member) = acting(seat);
        app.vote_for_chair(&actor, tender_id, "1", member.as_deref(), &chair).await.map_err(explain)?;
    }
    let (chair_actor, chair_member) = acting(&seats[0]);
    let drafted = app
        .draft_report(&chair_actor, tender_id, "1", chair_member.as_deref(), ReportInput::default())
        .await
        .map_err(explain)
        .context("drafting the report")?;
    let report = drafted.workspace.draft.context("no draft")?.report_sm3_hex;
    let mut last = None;
    for seat in &seats {
        let (actor, member) = acting(seat);
        let bytes = report_signature_bytes(tender_id, "1", &seat.member, &report, true, "");
        let input = ReportSignatureInput {
            member,
            report_sm3_hex: report.clone(),
            agree: true,
            dissent: None,
            signature_hex: hex::encode(seat.key.sign(&bytes)),
        };
        last = Some(app.sign_report(&actor, tender_id, "1", input).await.map_err(explain).context("signing")?);
    }
    last.context("nobody signed")
}
