//! What the filtered, cursor-paged list pages (`/notices`, `/results`) share: reading a filter
//! field and the region filter, the links to the next and the first page that keep the filters, the Atom feed of the
//! list, and the region choices.

use ggzy_domain::RegionCode;

use crate::WebState;
use crate::pages::error::PageError;
use crate::pages::format::query_value;

/// One option of a filter's select box.
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// A filter field as given, trimmed; `None` when empty.
pub(crate) fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The region a page is narrowed to, checked against the region table; `None` when not given.
pub(crate) fn region_filter(state: &WebState, value: &Option<String>) -> Result<Option<RegionCode>, PageError> {
    non_empty(value)
        .map(|code| {
            state
                .app
                .region_table()
                .validate(code)
                .map_err(|_| PageError::bad_query("行政区域代码有误，请从页面上的行政区域列表或链接中选择"))
        })
        .transpose()
}

/// The links of a list page at `path` filtered by `filters` (name, value as given): to the next
/// page when there is one, and back to the first when this is not it.
pub(crate) fn page_links(
    path: &str,
    filters: &[(&str, &Option<String>)],
    after: &Option<String>,
    next: Option<&str>,
) -> (Option<String>, Option<String>) {
    let kept: Vec<(&str, &str)> =
        filters.iter().filter_map(|(name, value)| non_empty(value).map(|value| (*name, value))).collect();
    let href = |extra: Option<(&str, &str)>| {
        let pairs: Vec<String> =
            kept.iter().copied().chain(extra).map(|(k, v)| format!("{k}={}", query_value(v))).collect();
        if pairs.is_empty() { path.to_owned() } else { format!("{path}?{}", pairs.join("&")) }
    };
    let next_href = next.map(|cursor| href(Some(("after", cursor))));
    let first_href = non_empty(after).map(|_| href(None));
    (next_href, first_href)
}

/// The Atom feed of a list (`notices` or `results`), narrowed to the region filtered on.
pub(crate) fn feed_href(list: &str, region: Option<&RegionCode>) -> String {
    match region {
        Some(region) => format!("/feeds/{list}.atom?region={}", region.as_str()),
        None => format!("/feeds/{list}.atom"),
    }
}

/// The platform regions as choices, the filtered one selected.
pub(crate) async fn region_choices(state: &WebState, selected: Option<&RegionCode>) -> Result<Vec<Choice>, PageError> {
    let selected = selected.map(RegionCode::as_str);
    Ok(state
        .app
        .platform_regions()
        .await?
        .into_iter()
        .map(|r| Choice { selected: selected == Some(r.region_code.as_str()), value: r.region_code, label: r.name })
        .collect())
}
