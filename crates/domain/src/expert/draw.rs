//! The random draw (专家随机抽取, 招标投标法实施条例 第四十六条): selecting experts from the screened
//! pool for each requested specialty, members first, then reserves, then replacements, all from
//! one stream of random `u64` values. The algorithm is specified in `docs/draw.md`; this module is
//! its reference implementation and [`verify_draw`] is how anyone re-checks a published draw.
//!
//! The stream is an input (`&mut impl Iterator<Item = u64>`): the domain crate draws no randomness
//! and does not know how the stream is made (`ggzy_crypto::draw_seed` makes it from a committed
//! secret and a public value). Everything here is a pure function of the pool, the request and the
//! stream's values, so the same inputs always select the same experts.

use std::collections::BTreeSet;
use std::fmt;

use super::record::{Expert, ExpertId};
use super::specialty::SpecialtyCode;
use crate::RegionCode;

/// Most slots in one request.
pub const SLOTS_MAX: usize = 32;

/// Most experts (members and reserves, all slots) one request may ask for.
pub const EXPERTS_MAX: usize = 200;

/// Most experts in a pool.
pub const POOL_MAX: usize = 200_000;

/// Most rejected values in a row before the stream is declared broken. A working stream rejects a
/// value with probability below n / 2^64, so 64 rejections in a row mean a broken stream, not bad
/// luck; the bound keeps the loop finite.
pub const REJECTIONS_MAX: u32 = 64;

/// Where experts for a slot may come from. An expert qualifies if their region lies within one
/// of `include` (or `include` is empty: anywhere) and within none of `exclude`.
///
/// Local draw: `include = [the project's province]`. Remote cross-region draw (远程异地评标) for a
/// sub-venue: `include = [the sub-venue's region]`; experts from anywhere but home:
/// `exclude = [the project's region]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RegionScope {
    /// Regions to draw from; empty means anywhere.
    pub include: Vec<RegionCode>,
    /// Regions never to draw from.
    pub exclude: Vec<RegionCode>,
}

impl RegionScope {
    /// Anywhere.
    pub fn anywhere() -> RegionScope {
        RegionScope::default()
    }

    /// Only within these regions.
    pub fn within(regions: Vec<RegionCode>) -> RegionScope {
        RegionScope { include: regions, exclude: Vec::new() }
    }

    /// Anywhere outside these regions (异地).
    pub fn outside(regions: Vec<RegionCode>) -> RegionScope {
        RegionScope { include: Vec::new(), exclude: regions }
    }

    /// Whether an expert of `region` may be drawn.
    pub fn admits(&self, region: &RegionCode) -> bool {
        (self.include.is_empty() || self.include.iter().any(|scope| scope.contains(region)))
            && !self.exclude.iter().any(|scope| scope.contains(region))
    }
}

/// How many experts of one specialty, from where.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DrawSlot {
    /// The specialty; experts registered under it or under a specialty below it qualify.
    pub specialty: SpecialtyCode,
    /// Where they may come from.
    pub regions: RegionScope,
    /// Committee members to draw (at least 1).
    pub count: u16,
    /// Reserves (候补专家) to draw after every slot's members, in rank order.
    pub reserves: u16,
}

/// What to draw for one lot. The evaluation time, parties and exclusions are inputs of the
/// avoidance screen, which made the pool; the draw itself needs only the slots.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DrawRequest {
    /// The slots, in the order the request lists them (picks refer to them by this index).
    pub slots: Vec<DrawSlot>,
}

impl DrawRequest {
    /// Checks the request's shape.
    ///
    /// # Errors
    /// [`DrawError::RequestEmpty`], [`DrawError::SlotCountZero`] or [`DrawError::RequestTooLarge`].
    pub fn check(&self) -> Result<(), DrawError> {
        if self.slots.is_empty() {
            return Err(DrawError::RequestEmpty);
        }
        if let Some((slot, line)) = self.slots.iter().enumerate().find(|(_, line)| line.count == 0) {
            return Err(DrawError::SlotCountZero { slot, specialty: line.specialty.clone() });
        }
        let experts: usize = self.slots.iter().map(|s| usize::from(s.count) + usize::from(s.reserves)).sum();
        if self.slots.len() > SLOTS_MAX || experts > EXPERTS_MAX {
            return Err(DrawError::RequestTooLarge { slots: self.slots.len(), experts });
        }
        Ok(())
    }

    /// Slot indices in draw order: ascending specialty code; slots of the same specialty keep their
    /// order in the request. Sorting makes the common case (one slot per specialty) independent of
    /// how the request happened to list them.
    pub fn slot_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.slots.len()).collect();
        order.sort_by(|&a, &b| self.slots[a].specialty.cmp(&self.slots[b].specialty));
        order
    }
}

/// What the draw knows of an expert: what a published draw record shows (names stay sealed).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PoolEntry {
    /// The expert.
    pub id: ExpertId,
    /// Their region.
    pub region: RegionCode,
    /// Their specialties.
    pub specialties: Vec<SpecialtyCode>,
}

impl PoolEntry {
    fn fits(&self, slot: &DrawSlot) -> bool {
        slot.regions.admits(&self.region) && self.specialties.iter().any(|own| own.is_within(&slot.specialty))
    }
}

/// The screened pool in canonical order: sorted by expert id (byte order), no id twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawPool {
    entries: Vec<PoolEntry>,
}

impl DrawPool {
    /// The pool from its entries, in any order.
    ///
    /// # Errors
    /// [`DrawError::DuplicateExpert`] or [`DrawError::PoolTooLarge`].
    pub fn new(mut entries: Vec<PoolEntry>) -> Result<DrawPool, DrawError> {
        if entries.len() > POOL_MAX {
            return Err(DrawError::PoolTooLarge { size: entries.len() });
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(pair) = entries.windows(2).find(|pair| pair[0].id == pair[1].id) {
            return Err(DrawError::DuplicateExpert { expert: pair[0].id.clone() });
        }
        Ok(DrawPool { entries })
    }

    /// The pool of the experts the avoidance screen left eligible.
    ///
    /// # Errors
    /// As [`DrawPool::new`].
    pub fn from_experts<'a>(experts: impl IntoIterator<Item = &'a Expert>) -> Result<DrawPool, DrawError> {
        DrawPool::new(
            experts
                .into_iter()
                .map(|expert| PoolEntry {
                    id: expert.id.clone(),
                    region: expert.region,
                    specialties: expert.specialties.clone(),
                })
                .collect(),
        )
    }

    /// The entries in canonical order.
    pub fn entries(&self) -> &[PoolEntry] {
        &self.entries
    }

    /// The entries that fit `slot` and are not in `drawn`, in canonical order.
    fn candidates<'a>(&'a self, slot: &DrawSlot, drawn: &BTreeSet<ExpertId>) -> Vec<&'a PoolEntry> {
        self.entries.iter().filter(|entry| entry.fits(slot) && !drawn.contains(&entry.id)).collect()
    }
}

/// Why a pick was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PickRole {
    /// A committee member.
    Member,
    /// A reserve, used in rank order when a member drops out.
    Reserve,
    /// Drawn later to replace a member who declined or did not answer (条例 第四十六条第二款: a
    /// replacement is chosen the same way).
    Replacement,
}

impl PickRole {
    /// Identifier shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PickRole::Member => "member",
            PickRole::Reserve => "reserve",
            PickRole::Replacement => "replacement",
        }
    }
}

/// One expert drawn, with what is needed to re-check it by hand.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pick {
    /// Index of the slot in the request.
    pub slot: usize,
    /// Member, reserve or replacement.
    pub role: PickRole,
    /// The expert.
    pub expert: ExpertId,
    /// How many candidates there were (`n`).
    pub candidates: u64,
    /// The index chosen among them, in canonical order.
    pub index: u64,
    /// Stream values consumed before this pick (the value it started from).
    pub stream_position: u64,
}

/// The experts drawn for a lot so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draw {
    /// Every pick, in the order made.
    pub picks: Vec<Pick>,
    /// Stream values consumed so far: a replacement continues the stream from here.
    pub values_used: u64,
}

impl Draw {
    /// Everyone drawn in any role; none of them is drawn again.
    pub fn drawn(&self) -> BTreeSet<ExpertId> {
        self.picks.iter().map(|pick| pick.expert.clone()).collect()
    }

    /// The picks of one role, in the order made.
    pub fn with_role(&self, role: PickRole) -> impl Iterator<Item = &Pick> {
        self.picks.iter().filter(move |pick| pick.role == role)
    }

    /// Draws a replacement for `slot` from the same stream: the caller passes the stream positioned
    /// at [`Draw::values_used`] (e.g. `DrawStream::at(seed, draw.values_used)`). Nobody drawn before,
    /// in any role, is drawn again, including the expert being replaced.
    ///
    /// # Errors
    /// [`DrawError::SlotUnknown`], [`DrawError::PoolTooSmall`] (no candidate left) or a stream error.
    pub fn replace(
        &mut self,
        pool: &DrawPool,
        request: &DrawRequest,
        slot: usize,
        stream: &mut impl Iterator<Item = u64>,
    ) -> Result<Pick, DrawError> {
        let line = request.slots.get(slot).ok_or(DrawError::SlotUnknown { slot })?;
        let mut drawn = self.drawn();
        let mut counted = Counted { inner: stream, used: 0 };
        let pick = pick_one(pool, line, slot, PickRole::Replacement, &mut drawn, &mut counted, self.values_used)?;
        self.values_used = self.values_used.saturating_add(counted.used);
        self.picks.push(pick.clone());
        Ok(pick)
    }
}

/// Counts the values taken from the stream, so the draw can publish where it stopped.
struct Counted<'a, I> {
    inner: &'a mut I,
    used: u64,
}

impl<I: Iterator<Item = u64>> Iterator for Counted<'_, I> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let value = self.inner.next()?;
        self.used = self.used.saturating_add(1);
        Some(value)
    }
}

/// An index in `0..n`, every index equally likely when the stream's values are uniform on u64.
///
/// Rejection sampling: with `r = 2^64 mod n`, a value `v ≥ 2^64 − r` is skipped and the next one
/// taken; otherwise the index is `v mod n`. The accepted values `0 .. 2^64 − r` are a whole number
/// of copies of `0..n`, so no index is favoured. (Plain `v mod n` would favour the first `r`
/// indices.)
///
/// # Errors
/// [`DrawError::EmptyRange`] for `n = 0`, [`DrawError::StreamExhausted`] when the stream ends,
/// [`DrawError::StreamDegenerate`] after [`REJECTIONS_MAX`] rejections in a row.
pub fn uniform_index(n: u64, stream: &mut impl Iterator<Item = u64>) -> Result<u64, DrawError> {
    if n == 0 {
        return Err(DrawError::EmptyRange);
    }
    // 2^64 mod n, computed without 128-bit arithmetic: (2^64 − 1) mod n, plus one, mod n.
    let r = (u64::MAX % n + 1) % n;
    // Largest accepted value: 2^64 − r − 1 (all values when r = 0).
    let accept_max = u64::MAX - r;
    for _ in 0..REJECTIONS_MAX {
        let value = stream.next().ok_or(DrawError::StreamExhausted)?;
        if r == 0 || value <= accept_max {
            return Ok(value % n);
        }
    }
    Err(DrawError::StreamDegenerate)
}

fn pick_one<I: Iterator<Item = u64>>(
    pool: &DrawPool,
    line: &DrawSlot,
    slot: usize,
    role: PickRole,
    drawn: &mut BTreeSet<ExpertId>,
    stream: &mut Counted<'_, I>,
    position_base: u64,
) -> Result<Pick, DrawError> {
    let candidates = pool.candidates(line, drawn);
    if candidates.is_empty() {
        return Err(DrawError::PoolTooSmall { slot, specialty: line.specialty.clone(), needed: 1, eligible: 0 });
    }
    let stream_position = position_base.saturating_add(stream.used);
    let n = u64::try_from(candidates.len()).map_err(|_| DrawError::PoolTooLarge { size: candidates.len() })?;
    let index = uniform_index(n, stream)?;
    let chosen = usize::try_from(index).ok().and_then(|i| candidates.get(i)).ok_or(DrawError::EmptyRange)?;
    let expert = chosen.id.clone();
    drawn.insert(expert.clone());
    Ok(Pick { slot, role, expert, candidates: n, index, stream_position })
}

/// Draws the members and reserves of a request from the pool, consuming values of `stream`.
///
/// Order (`docs/draw.md`): slots in [`DrawRequest::slot_order`]; first every slot's members, then
/// every slot's reserves. Each pick takes the slot's candidates (pool entries that fit the slot's
/// specialty and regions and were not drawn yet) in canonical order and chooses
/// `uniform_index(n)` among them.
///
/// Before drawing, each slot's candidate count is compared with what it asks for, so a pool that
/// cannot fill a slot is reported before any value is used.
///
/// # Errors
/// A malformed request, [`DrawError::PoolTooSmall`] naming the slot, its specialty, how many it
/// needs and how many are eligible, or a stream error.
pub fn draw(pool: &DrawPool, request: &DrawRequest, stream: &mut impl Iterator<Item = u64>) -> Result<Draw, DrawError> {
    request.check()?;
    let none = BTreeSet::new();
    for (slot, line) in request.slots.iter().enumerate() {
        let needed = usize::from(line.count) + usize::from(line.reserves);
        let eligible = pool.candidates(line, &none).len();
        if eligible < needed {
            return Err(DrawError::PoolTooSmall { slot, specialty: line.specialty.clone(), needed, eligible });
        }
    }

    let order = request.slot_order();
    let mut drawn = BTreeSet::new();
    let mut counted = Counted { inner: stream, used: 0 };
    let mut picks = Vec::new();
    for role in [PickRole::Member, PickRole::Reserve] {
        for &slot in &order {
            let line = &request.slots[slot];
            let wanted = if role == PickRole::Member { line.count } else { line.reserves };
            for taken in 0..wanted {
                let pick = pick_one(pool, line, slot, role, &mut drawn, &mut counted, 0).map_err(|err| match err {
                    // Slots that share experts can run dry although each alone was large enough.
                    DrawError::PoolTooSmall { slot, specialty, eligible, .. } => {
                        DrawError::PoolTooSmall { slot, specialty, needed: usize::from(wanted - taken), eligible }
                    }
                    other => other,
                })?;
                picks.push(pick);
            }
        }
    }
    Ok(Draw { picks, values_used: counted.used })
}

/// Recomputes a published draw and compares it pick by pick: `replacements` lists the slot of each
/// replacement in the order they were drawn, and `stream` is the stream from its start (value 0).
///
/// # Errors
/// [`DrawVerifyError::Draw`] when the published inputs cannot be drawn at all,
/// [`DrawVerifyError::Mismatch`] at the first pick that differs (or is missing on either side).
pub fn verify_draw(
    pool: &DrawPool,
    request: &DrawRequest,
    replacements: &[usize],
    stream: &mut impl Iterator<Item = u64>,
    published: &[Pick],
) -> Result<Draw, DrawVerifyError> {
    let mut recomputed = draw(pool, request, stream)?;
    for &slot in replacements {
        recomputed.replace(pool, request, slot, stream)?;
    }
    let length = recomputed.picks.len().max(published.len());
    for position in 0..length {
        let ours = recomputed.picks.get(position);
        let theirs = published.get(position);
        if ours != theirs {
            return Err(DrawVerifyError::Mismatch {
                position,
                recomputed: ours.map(|pick| pick.expert.clone()),
                published: theirs.map(|pick| pick.expert.clone()),
            });
        }
    }
    Ok(recomputed)
}

/// Why a draw cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// No slot.
    #[error("抽取申请中没有专业：请至少填写一个专业及抽取人数")]
    RequestEmpty,
    /// A slot asking for no member.
    #[error("第{}个抽取专业（{specialty}）的抽取人数为0：每个专业至少抽取1人", slot + 1)]
    SlotCountZero {
        /// The slot index.
        slot: usize,
        /// Its specialty.
        specialty: SpecialtyCode,
    },
    /// Too many slots or experts.
    #[error("抽取申请过大（{slots}个专业，共{experts}人）：最多{SLOTS_MAX}个专业、共{EXPERTS_MAX}人")]
    RequestTooLarge {
        /// Slots asked.
        slots: usize,
        /// Members and reserves asked.
        experts: usize,
    },
    /// The same expert twice in the pool.
    #[error("专家库抽取范围中专家 {expert} 出现了两次，请检查抽取范围数据")]
    DuplicateExpert {
        /// The expert.
        expert: ExpertId,
    },
    /// More experts than a pool may hold.
    #[error("抽取范围有{size}名专家，超过上限{POOL_MAX}名")]
    PoolTooLarge {
        /// The size.
        size: usize,
    },
    /// Not enough eligible experts for a slot.
    #[error(
        "专业 {specialty}（第{}个抽取专业）还需抽取{needed}人，但符合条件且未被抽中的专家只有{eligible}人：请扩大抽取地域范围或调整专业后重新申请（招标投标法实施条例 第四十六条）",
        slot + 1
    )]
    PoolTooSmall {
        /// The slot index.
        slot: usize,
        /// Its specialty.
        specialty: SpecialtyCode,
        /// Experts still needed.
        needed: usize,
        /// Eligible experts not yet drawn.
        eligible: usize,
    },
    /// A replacement for a slot the request does not have.
    #[error("抽取申请中没有第{}个专业，无法补抽", slot + 1)]
    SlotUnknown {
        /// The slot index.
        slot: usize,
    },
    /// An index asked from an empty range (a bug in the caller).
    #[error("从0名候选专家中抽取：抽取范围为空")]
    EmptyRange,
    /// The stream ended.
    #[error("随机数序列已用尽，无法继续抽取")]
    StreamExhausted,
    /// The stream gave only rejected values.
    #[error("随机数序列连续{REJECTIONS_MAX}个值被拒绝，随机数来源异常，请停止抽取并检查")]
    StreamDegenerate,
}

impl DrawError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            DrawError::RequestEmpty => "draw_request_empty",
            DrawError::SlotCountZero { .. } => "draw_slot_count_zero",
            DrawError::RequestTooLarge { .. } => "draw_request_too_large",
            DrawError::DuplicateExpert { .. } => "draw_pool_duplicate_expert",
            DrawError::PoolTooLarge { .. } => "draw_pool_too_large",
            DrawError::PoolTooSmall { .. } => "draw_pool_too_small",
            DrawError::SlotUnknown { .. } => "draw_slot_unknown",
            DrawError::EmptyRange => "draw_empty_range",
            DrawError::StreamExhausted => "draw_stream_exhausted",
            DrawError::StreamDegenerate => "draw_stream_degenerate",
        }
    }
}

/// Why a published draw does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawVerifyError {
    /// The published inputs cannot be drawn.
    #[error("按公开数据无法重算抽取结果：{0}")]
    Draw(#[from] DrawError),
    /// A pick differs.
    #[error("{}", MismatchMessage { position: *position, recomputed, published })]
    Mismatch {
        /// 0-based position of the first differing pick.
        position: usize,
        /// The expert recomputed there, if any.
        recomputed: Option<ExpertId>,
        /// The expert published there, if any.
        published: Option<ExpertId>,
    },
}

impl DrawVerifyError {
    /// Stable error code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            DrawVerifyError::Draw(inner) => inner.code(),
            DrawVerifyError::Mismatch { .. } => "draw_verify_mismatch",
        }
    }
}

struct MismatchMessage<'a> {
    position: usize,
    recomputed: &'a Option<ExpertId>,
    published: &'a Option<ExpertId>,
}

impl fmt::Display for MismatchMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |id: &Option<ExpertId>| id.as_ref().map_or_else(|| "（无）".to_owned(), ExpertId::to_string);
        write!(
            f,
            "第{}次抽取与按公开数据重算的结果不一致：重算为 {}，公布为 {}",
            self.position + 1,
            name(self.recomputed),
            name(self.published)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_skips_exactly_the_top_remainder() {
        // 2^64 mod 3 = 1: only u64::MAX is rejected.
        let mut values = [u64::MAX, 5].into_iter();
        assert_eq!(uniform_index(3, &mut values), Ok(2));
        assert_eq!(values.next(), None);
        let mut values = [u64::MAX - 1].into_iter();
        assert_eq!(uniform_index(3, &mut values), Ok((u64::MAX - 1) % 3));
        // Powers of two divide 2^64: nothing is rejected.
        assert_eq!(uniform_index(8, &mut [u64::MAX].into_iter()), Ok(7));
        assert_eq!(uniform_index(1, &mut [u64::MAX].into_iter()), Ok(0));
        assert_eq!(uniform_index(0, &mut [1].into_iter()), Err(DrawError::EmptyRange));
        assert_eq!(uniform_index(3, &mut std::iter::empty()), Err(DrawError::StreamExhausted));
        assert_eq!(uniform_index(3, &mut std::iter::repeat(u64::MAX)), Err(DrawError::StreamDegenerate));
        // n = 2^63 + 1: r = 2^64 − n = 2^63 − 1, the largest accepted value is u64::MAX − r, and
        // the one above it is rejected (the next value, 0, is used instead).
        let n = (1u64 << 63) + 1;
        let r = (1u64 << 63) - 1;
        assert_eq!(uniform_index(n, &mut [u64::MAX - r, 0].into_iter()), Ok((u64::MAX - r) % n));
        assert_eq!(uniform_index(n, &mut [u64::MAX - r + 1, 0].into_iter()), Ok(0));
    }

    #[test]
    fn region_scopes() {
        let code = |s: &str| RegionCode::parse(s).expect("valid");
        let hangzhou = code("330100");
        let xihu = code("330106");
        let ningbo = code("330200");
        assert!(RegionScope::anywhere().admits(&xihu));
        assert!(RegionScope::within(vec![hangzhou]).admits(&xihu));
        assert!(!RegionScope::within(vec![hangzhou]).admits(&ningbo));
        assert!(!RegionScope::outside(vec![hangzhou]).admits(&xihu));
        assert!(RegionScope::outside(vec![hangzhou]).admits(&ningbo));
        let same_province_elsewhere = RegionScope { include: vec![code("330000")], exclude: vec![hangzhou] };
        assert!(same_province_elsewhere.admits(&ningbo));
        assert!(!same_province_elsewhere.admits(&xihu));
        assert!(!same_province_elsewhere.admits(&code("310101")));
    }
}
