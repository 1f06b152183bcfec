//! Recomputing a recorded draw from its events alone (docs/draw.md step 5): the commitment opens
//! with the revealed secret, the public value is a signed tree head taken after the commitment and
//! at or after the draw minute, and the seed's stream over the published pool and request gives
//! exactly the published picks, replacements included. No private row is read: what passes here,
//! anyone holding the events can check.

use ggzy_crypto::draw_seed::{DrawSeed, DrawSeedError, SeedInputs};
use ggzy_crypto::sm2::PublicKey;
use ggzy_crypto::tree_head::TreeHead;
use ggzy_domain::RegionCode;
use ggzy_domain::expert::{
    DrawPool, DrawRequest, DrawSlot, DrawVerifyError, ExpertId, Pick, PickRole, PoolEntry, RegionScope, SpecialtyCode,
    verify_draw,
};

use crate::events::{DrawSlotDetails, Event, PickDetails, PoolEntryDetails};

/// What a verified draw amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDraw {
    /// The draw.
    pub draw_id: String,
    /// Picks recomputed (members, reserves, replacements).
    pub picks: usize,
    /// Of which replacements.
    pub replacements: usize,
    /// Experts in the published pool.
    pub pool: usize,
    /// Size of the tree head used as the public value.
    pub tree_size: i64,
    /// Whether the head's platform signature was checked.
    pub signature_checked: bool,
}

/// Why a recorded draw does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawRecordError {
    /// A needed event is missing.
    #[error("抽取记录缺少{0}事件")]
    Missing(&'static str),
    /// A recorded field cannot be read.
    #[error("抽取记录中的{what}无法解析：{detail}")]
    Malformed {
        /// Which field.
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// The public value is not a head taken after the commitment and at or after the draw minute.
    #[error("公开随机值不符合规则：{0}")]
    PublicValue(String),
    /// The revealed secret does not open the commitment (or another seed input is wrong).
    #[error("种子无法由公开数据导出：{0}")]
    Seed(DrawSeedError),
    /// The recomputed picks differ.
    #[error("{0}")]
    Picks(DrawVerifyError),
}

fn malformed(what: &'static str) -> impl Fn(String) -> DrawRecordError {
    move |detail| DrawRecordError::Malformed { what, detail }
}

/// The domain's request of recorded slots.
pub(crate) fn request_of(slots: &[DrawSlotDetails]) -> Result<DrawRequest, DrawRecordError> {
    let regions = |codes: &[String]| {
        codes
            .iter()
            .map(|code| RegionCode::parse(code).map_err(|e| format!("{code}: {e}")))
            .collect::<Result<Vec<_>, _>>()
            .map_err(malformed("抽取地域"))
    };
    let slots = slots
        .iter()
        .map(|slot| {
            Ok(DrawSlot {
                specialty: SpecialtyCode::parse(&slot.specialty).map_err(|e| malformed("专业")(e.to_string()))?,
                regions: RegionScope { include: regions(&slot.include)?, exclude: regions(&slot.exclude)? },
                count: slot.count,
                reserves: slot.reserves,
            })
        })
        .collect::<Result<_, DrawRecordError>>()?;
    Ok(DrawRequest { slots })
}

/// The domain's pool of recorded entries (canonical order is re-established, duplicates refused).
pub(crate) fn pool_of(entries: &[PoolEntryDetails]) -> Result<DrawPool, DrawRecordError> {
    let entries = entries
        .iter()
        .map(|entry| {
            Ok(PoolEntry {
                id: ExpertId::parse(&entry.expert_id).map_err(|e| malformed("专家编号")(e.to_string()))?,
                region: RegionCode::parse(&entry.region_code).map_err(|e| malformed("专家地区")(e.to_string()))?,
                specialties: entry
                    .specialties
                    .iter()
                    .map(|code| SpecialtyCode::parse(code).map_err(|e| malformed("专家专业")(e.to_string())))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect::<Result<Vec<_>, DrawRecordError>>()?;
    DrawPool::new(entries).map_err(|e| malformed("抽取范围")(e.to_string()))
}

/// A pick as recorded.
pub(crate) fn pick_details(pick: &Pick) -> PickDetails {
    PickDetails {
        slot: pick.slot,
        role: pick.role.as_str().to_owned(),
        expert_id: pick.expert.as_str().to_owned(),
        candidates: pick.candidates,
        index: pick.index,
        stream_position: pick.stream_position,
    }
}

/// A recorded pick as the domain's.
pub(crate) fn domain_pick(pick: &PickDetails) -> Result<Pick, DrawRecordError> {
    let role = match pick.role.as_str() {
        "member" => PickRole::Member,
        "reserve" => PickRole::Reserve,
        "replacement" => PickRole::Replacement,
        other => return Err(malformed("抽取角色")(other.to_owned())),
    };
    Ok(Pick {
        slot: pick.slot,
        role,
        expert: ExpertId::parse(&pick.expert_id).map_err(|e| malformed("专家编号")(e.to_string()))?,
        candidates: pick.candidates,
        index: pick.index,
        stream_position: pick.stream_position,
    })
}

fn unhex(what: &'static str, text: &str) -> Result<Vec<u8>, DrawRecordError> {
    hex::decode(text).map_err(|e| malformed(what)(e.to_string()))
}

/// Recomputes a draw from its stream's events `(log position, event)` in order. With the
/// platform's key, the tree head's signature is checked too.
///
/// # Errors
/// The first check that fails.
pub fn verify_recorded_draw(
    events: &[(i64, Event)],
    platform_key: Option<&PublicKey>,
) -> Result<VerifiedDraw, DrawRecordError> {
    let (position, schedule) = events
        .iter()
        .find_map(|(position, event)| match event {
            Event::DrawScheduled(schedule) => Some((*position, schedule)),
            _ => None,
        })
        .ok_or(DrawRecordError::Missing("DrawScheduled"))?;
    let performed = events
        .iter()
        .find_map(|(_, event)| match event {
            Event::DrawPerformed(details) => Some(details),
            _ => None,
        })
        .ok_or(DrawRecordError::Missing("DrawPerformed"))?;
    let replaced: Vec<(&PickDetails, u64)> = events
        .iter()
        .filter_map(|(_, event)| match event {
            Event::ExpertReplaced { pick, values_used, .. } => Some((pick, *values_used)),
            _ => None,
        })
        .collect();

    // The public value: a head larger than the commitment's position, signed at or after the draw
    // minute, encoded exactly as the first public value.
    let head = &performed.tree_head;
    if performed.commitment_position != position {
        return Err(DrawRecordError::PublicValue(format!(
            "记录的承诺位置 {} 与承诺事件的位置 {position} 不一致",
            performed.commitment_position
        )));
    }
    if head.tree_size <= position {
        return Err(DrawRecordError::PublicValue(format!(
            "树头规模 {} 不大于承诺事件的位置 {position}：该树头在承诺前已可预知",
            head.tree_size
        )));
    }
    if head.timestamp_ms < schedule.draw_at_ms {
        return Err(DrawRecordError::PublicValue("树头签署时间早于抽取时间".to_owned()));
    }
    let tree_head = TreeHead {
        tree_size: head.tree_size,
        timestamp_ms: head.timestamp_ms,
        root_hash: unhex("树根", &head.root_hash_hex)?,
    };
    let encoded = tree_head.encode();
    if performed.public_values_hex.first().map(String::as_str) != Some(hex::encode(&encoded).as_str()) {
        return Err(DrawRecordError::PublicValue("第一个公开值不是所记录树头的编码".to_owned()));
    }
    if let Some(key) = platform_key {
        tree_head
            .verify(key, &unhex("树头签名", &head.signature_hex)?)
            .map_err(|e| DrawRecordError::PublicValue(format!("树头签名无效：{e}")))?;
    }

    let secret = unhex("密钥", &performed.secret_hex)?;
    let public =
        performed.public_values_hex.iter().map(|value| unhex("公开值", value)).collect::<Result<Vec<_>, _>>()?;
    let public: Vec<&[u8]> = public.iter().map(Vec::as_slice).collect();
    let inputs = SeedInputs {
        tender_id: &schedule.tender_id,
        lot_id: &schedule.lot_id,
        secret: &secret,
        public_values: &public,
    };
    let seed = DrawSeed::derive(&inputs, &unhex("承诺", &schedule.commitment_hex)?).map_err(DrawRecordError::Seed)?;

    let pool = pool_of(&performed.pool)?;
    let request = request_of(&schedule.slots)?;
    let mut published = performed.picks.iter().map(domain_pick).collect::<Result<Vec<_>, _>>()?;
    for (pick, _) in &replaced {
        published.push(domain_pick(pick)?);
    }
    let slots: Vec<usize> = replaced.iter().map(|(pick, _)| pick.slot).collect();
    let recomputed =
        verify_draw(&pool, &request, &slots, &mut seed.stream(), &published).map_err(DrawRecordError::Picks)?;
    let recorded_used = replaced.last().map_or(performed.values_used, |(_, used)| *used);
    if recomputed.values_used != recorded_used {
        return Err(DrawRecordError::PublicValue(format!(
            "记录的随机数用量 {recorded_used} 与重算的 {} 不一致",
            recomputed.values_used
        )));
    }
    Ok(VerifiedDraw {
        draw_id: schedule.draw_id.clone(),
        picks: published.len(),
        replacements: slots.len(),
        pool: pool.entries().len(),
        tree_size: head.tree_size,
        signature_checked: platform_key.is_some(),
    })
}
