//! The synthetic market of `ggzy_analytics::market::synthetic`, drawn from `rand`'s seeded `StdRng`
//! (`rand` 0.10 as locked: `StdRng` streams are not portable across `rand` versions). The generator
//! lives in the analytics crate so that `ggzy demo` can show the screens on it; it takes its random
//! numbers through `Draws`, answered by the demo's `RandDraws` with the same calls the generator
//! made on `rand` when it lived here, so a seed gives the same market as before the move.

use ggzy::demo_market::RandDraws;
pub(crate) use ggzy_analytics::market::synthetic::{Params, Shape, SyntheticMarket};
use rand::SeedableRng as _;
use rand::rngs::StdRng;

/// The market of `seed`.
pub(crate) fn generate(params: &Params, seed: u64) -> SyntheticMarket {
    ggzy_analytics::market::synthetic::generate(params, &mut RandDraws(StdRng::seed_from_u64(seed)))
}
