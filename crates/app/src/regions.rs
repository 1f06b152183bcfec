//! Regions as tenants: which regions run a (branch) platform of this deployment.

use ggzy_domain::authz::{self, Action};
use ggzy_domain::{RegionCode, RegionLevel};
use ggzy_store::ExpectedVersion;
use ggzy_store::read::RegionRange;

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::{Event, Recorded, stream};

/// A region running a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformRegionView {
    /// Region code.
    pub region_code: String,
    /// Full Chinese name.
    pub name: String,
    /// The platform region above it.
    pub parent_code: Option<String>,
    /// When it was enabled, UTC ms.
    pub enabled_at_ms: i64,
}

/// The codes of a region and everything below it, as an inclusive range.
pub fn region_range(code: &RegionCode) -> RegionRange {
    let text = code.as_str();
    let (low, high) = match code.level() {
        RegionLevel::Province => (text.to_owned(), format!("{}9999", &text[..2])),
        RegionLevel::Prefecture => (text.to_owned(), format!("{}99", &text[..4])),
        RegionLevel::County => (text.to_owned(), text.to_owned()),
    };
    RegionRange { low, high }
}

impl App {
    /// Enables the platform of a region. A county or city joins under the nearest enabled region
    /// above it, which becomes its parent platform.
    pub async fn enable_platform_region(&self, actor: &Actor, code: &RegionCode) -> AppResult<PlatformRegionView> {
        let name = self.regions.full_name(code).ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "region_code",
                "unknown_region",
                format!("行政区划代码 {} 不存在", code.as_str()),
            )])
        })?;
        actor.authorize(Action::ManagePlatform, code)?;
        let enabled = self.store.platform_regions().await?;
        let mut parent = code.parent();
        let parent_code = loop {
            match parent {
                Some(candidate) if enabled.iter().any(|r| r.region_code == candidate.as_str()) => {
                    break Some(candidate.as_str().to_owned());
                }
                Some(candidate) => parent = candidate.parent(),
                None => break None,
            }
        };
        let stream_id = stream::platform_region(code.as_str());
        let event = Recorded {
            stream_id: stream_id.clone(),
            region_code: code.as_str().to_owned(),
            event: Event::PlatformRegionEnabled { region_code: code.as_str().to_owned(), name, parent_code },
        };
        match self.record(actor, vec![(stream_id, ExpectedVersion::NoStream)], vec![event], Vec::new()).await {
            Ok(_) => {}
            Err(AppError::VersionConflict { .. }) => return Err(AppError::AlreadyExists { what: "分平台" }),
            Err(other) => return Err(other),
        }
        self.platform_regions()
            .await?
            .into_iter()
            .find(|r| r.region_code == code.as_str())
            .ok_or(AppError::Internal("enabled region missing from projection".to_owned()))
    }

    /// Regions running a platform, in code order.
    pub async fn platform_regions(&self) -> AppResult<Vec<PlatformRegionView>> {
        Ok(self
            .store
            .platform_regions()
            .await?
            .into_iter()
            .map(|row| PlatformRegionView {
                region_code: row.region_code,
                name: row.name,
                parent_code: row.parent_code,
                enabled_at_ms: row.enabled_at_ms,
            })
            .collect())
    }
}

/// The region ranges the actor's grants allow `action` in (a region and everything below it).
pub(crate) fn ranges_for(actor: &Actor, action: Action) -> Vec<RegionRange> {
    actor
        .grants
        .iter()
        .filter(|grant| authz::authorize(&[**grant], action, &grant.region).is_ok())
        .map(|grant| region_range(&grant.region))
        .collect()
}

/// Whether a stored region code lies in one of the ranges.
pub(crate) fn in_ranges(code: &str, ranges: &[RegionRange]) -> bool {
    ranges.iter().any(|range| range.low.as_str() <= code && code <= range.high.as_str())
}
