//! The expert pool (专家库) and the expert draw (专家抽取) with avoidance (回避).
//!
//! The steps, in the order the platform takes them, and where each lives:
//!
//! 1. Experts register under specialties of the configured tree ([`SpecialtyTree`]) and are checked
//!    against the pool's rules ([`Expert::validate`], 招标投标法 第三十七条). Their standing moves
//!    through [`EXPERT_TRANSITIONS`]; assessments are appended after each evaluation.
//! 2. For a lot, the avoidance screen ([`screen`]) splits the pool into the eligible experts and
//!    the excluded ones, each exclusion with its reasons and their legal sources.
//! 3. The eligible experts, in canonical order ([`DrawPool`]), are drawn for the request's slots
//!    ([`draw`]) from a stream of random values that is an input. Replacements continue the same
//!    stream ([`Draw::replace`]); anyone can recompute a published draw ([`verify_draw`]).
//!
//! The verifiable stream itself (commitment, seed, SM3 blocks) is `ggzy_crypto::draw_seed`; the
//! two crates do not depend on each other, and `docs/draw.md` specifies both halves.

mod avoidance;
mod draw;
mod record;
mod specialty;
mod status;

pub use avoidance::{
    AvoidanceContext, Exclusion, ExclusionReason, Holder, Link, NamedExclusion, PartyRole, Relation, Screening, screen,
};
pub use draw::{
    Draw, DrawError, DrawPool, DrawRequest, DrawSlot, DrawVerifyError, EXPERTS_MAX, POOL_MAX, Pick, PickRole,
    PoolEntry, REJECTIONS_MAX, RegionScope, SLOTS_MAX, draw, uniform_index, verify_draw,
};
pub use record::{
    Assessment, Availability, Employment, Expert, ExpertError, ExpertId, ExpertRules, Misconduct, PenaltyRecord,
    Qualification, TimeWindow, TitleLevel,
};
pub use specialty::{Specialty, SpecialtyCode, SpecialtyCodeError, SpecialtyTree, SpecialtyTreeError};
pub use status::{
    EXPERT_TRANSITIONS, ExpertCommand, ExpertStatus, ExpertTransition, InvalidExpertTransition, expert_transition,
};
