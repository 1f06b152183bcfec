//! Atom 1.0 feeds (RFC 4287) of notices and results, per region and trading category:
//! `/feeds/notices.atom?region=…` (new and updated tender notices, 工程建设),
//! `…&category=procurement` (government procurements, 政府采购) and `…&category=land_property` (land,
//! mining-rights and state-property sales, 土地与产权), and `/feeds/results.atom?region=…` (candidate
//! publicity, award and contract). They carry what the pages show and nothing more.
//!
//! Ids are built from record ids only (never from the host name or the time of the request), so a
//! reader sees the same entry under the same id on every fetch. A result's id names its kind:
//! the award of a lot is a new announcement, not an edit of its candidate publicity. Links are
//! absolute paths, resolved against the feed's own URL (RFC 4287 §4.2.7, RFC 3986 §5), since the
//! platform does not know the name it is reached under. The XML is written here with every text
//! escaped and characters XML 1.0 forbids dropped, rather than through an HTML template.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ggzy_app::portal::{NoticeFilter, ResultFilter};
use ggzy_domain::RegionCode;
use serde::Deserialize;

use super::PageError;
use super::format::{datetime, machine_datetime};
use super::listing::region_filter;
use crate::WebState;

/// Entries per feed.
const FEED_SIZE: usize = 50;

/// Notices read to pick the newest changes from (the list's largest page).
const NOTICES_READ: usize = ggzy_app::portal::MAX_PAGE;

/// The feed's query string.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FeedQuery {
    #[serde(default)]
    region: Option<String>,
    /// `construction` (the default), `procurement` or `land_property`.
    #[serde(default)]
    category: Option<String>,
}

/// A trading category of the notices feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    /// 工程建设: tender notices.
    Construction,
    /// 政府采购.
    Procurement,
    /// 土地与产权: land, mining-rights and state-property sales.
    LandProperty,
}

impl Category {
    fn parse(value: Option<&str>) -> Result<Category, PageError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None | Some("construction") => Ok(Category::Construction),
            Some("procurement") => Ok(Category::Procurement),
            Some("land_property") => Ok(Category::LandProperty),
            Some(_) => Err(PageError::bad_query(
                "交易类别须为 construction（工程建设）、procurement（政府采购）或 land_property（土地与产权）",
            )),
        }
    }
}

/// One entry.
struct Entry {
    id: String,
    title: String,
    updated_ms: i64,
    published_ms: Option<i64>,
    href: String,
    summary: String,
}

/// A whole feed.
struct Feed {
    id: String,
    title: String,
    self_href: String,
    alternate_href: String,
    entries: Vec<Entry>,
}

/// Escapes text for XML content and attribute values, dropping the characters XML 1.0 does not
/// allow at all (control characters other than tab, line feed and carriage return).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

impl Feed {
    fn render(&self) -> String {
        // A feed without entries has not changed since the epoch: a fixed value keeps it stable.
        let updated = self.entries.iter().map(|e| e.updated_ms).max().unwrap_or(0);
        let mut xml = String::with_capacity(1024 + self.entries.len() * 512);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
        xml.push_str(&format!("<id>{}</id>\n<title>{}</title>\n", escape(&self.id), escape(&self.title)));
        xml.push_str(&format!("<updated>{}</updated>\n", machine_datetime(updated)));
        xml.push_str(&format!(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&self.self_href),
            escape(&self.alternate_href)
        ));
        xml.push_str("<author><name>公共资源交易平台</name></author>\n<generator>ggzy</generator>\n");
        for e in &self.entries {
            xml.push_str("<entry>\n");
            xml.push_str(&format!("<id>{}</id>\n<title>{}</title>\n", escape(&e.id), escape(&e.title)));
            xml.push_str(&format!("<updated>{}</updated>\n", machine_datetime(e.updated_ms)));
            if let Some(ms) = e.published_ms {
                xml.push_str(&format!("<published>{}</published>\n", machine_datetime(ms)));
            }
            xml.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", escape(&e.href)));
            xml.push_str(&format!("<summary>{}</summary>\n</entry>\n", escape(&e.summary)));
        }
        xml.push_str("</feed>\n");
        xml
    }

    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], self.render()).into_response()
    }
}

/// The region asked for, checked; `None` for the whole platform.
fn region(state: &WebState, query: Result<Query<FeedQuery>, QueryRejection>) -> Result<Option<RegionCode>, PageError> {
    Ok(region_and_category(state, query)?.0)
}

/// The region and the trading category asked for, checked.
fn region_and_category(
    state: &WebState,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Result<(Option<RegionCode>, Category), PageError> {
    let Query(query) = query.map_err(|_| PageError::bad_query("查询参数格式错误"))?;
    Ok((region_filter(state, &query.region)?, Category::parse(query.category.as_deref())?))
}

/// Whether a stored region code lies in the asked region (everywhere when none was asked).
fn within(region: Option<&RegionCode>, code: &str) -> bool {
    region.is_none_or(|region| RegionCode::parse(code).is_ok_and(|code| region.contains(&code)))
}

/// `?region=330100`, or nothing; and the region's name for the title.
fn scope(state: &WebState, region: Option<&RegionCode>) -> (String, String, String) {
    match region {
        Some(r) => (format!("?region={}", r.as_str()), r.as_str().to_owned(), state.app.region_name(r.as_str())),
        None => (String::new(), "all".to_owned(), "全部地区".to_owned()),
    }
}

pub(crate) async fn notices(
    State(state): State<WebState>,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let (region, category) = region_and_category(&state, query)?;
    match category {
        Category::Construction => {}
        Category::Procurement => return procurement_notices(&state, region.as_ref()).await,
        Category::LandProperty => return sale_notices(&state, region.as_ref()).await,
    }
    let filter = NoticeFilter { region, limit: NOTICES_READ, ..NoticeFilter::default() };
    let mut notices = state.app.public_notices(&filter).await?.notices;
    // New and updated: the latest change first.
    notices.sort_by(|a, b| b.updated_at_ms.cmp(&a.updated_at_ms).then_with(|| a.tender_id.cmp(&b.tender_id)));
    notices.truncate(FEED_SIZE);
    let (suffix, key, name) = scope(&state, region.as_ref());
    let entries = notices
        .into_iter()
        .map(|n| {
            let mut summary = format!("{}；招标人：{}；状态：{}", n.region_name, n.principal_name, n.state.label());
            if let Some(ms) = n.bid_deadline_ms {
                summary.push_str(&format!("；投标截止：{}", datetime(ms)));
            }
            Entry {
                id: format!("urn:ggzy:notice:{}", n.tender_id),
                href: format!("/notices/{}", n.tender_id),
                title: n.title,
                updated_ms: n.updated_at_ms,
                published_ms: n.documents_issued_ms,
                summary,
            }
        })
        .collect();
    Ok(Feed {
        id: format!("urn:ggzy:feed:notices:{key}"),
        title: format!("交易公告（{name}）- 公共资源交易平台"),
        self_href: format!("/feeds/notices.atom{suffix}"),
        alternate_href: format!("/notices{suffix}"),
        entries,
    }
    .into_response())
}

/// The government procurements of the region, newest first (政府采购).
async fn procurement_notices(state: &WebState, region: Option<&RegionCode>) -> Result<Response, PageError> {
    let views = state.app.procurements(NOTICES_READ as i64).await?;
    let (suffix, key, name) = scope(state, region);
    let entries = views
        .into_iter()
        .filter(|view| within(region, &view.plan.region_code))
        .take(FEED_SIZE)
        .map(|view| {
            let planned_ms = view.history.first().map_or(view.server_now_ms, |step| step.at_ms);
            let updated_ms = view.history.last().map_or(planned_ms, |step| step.at_ms);
            let request = &view.plan.request;
            let method = ggzy_domain::procurement::ProcurementMethod::parse(&request.method)
                .map_or("", ggzy_domain::procurement::ProcurementMethod::label);
            Entry {
                id: format!("urn:ggzy:procurement:{}", view.plan.procurement_id),
                href: format!("/procurements/{}", view.plan.procurement_id),
                title: request.title.clone(),
                updated_ms,
                published_ms: Some(planned_ms),
                summary: format!(
                    "{}；{}；预算 {}；状态：{}",
                    state.app.region_name(&view.plan.region_code),
                    method,
                    super::format::yuan(request.budget_fen),
                    view.state.label()
                ),
            }
        })
        .collect();
    let and = if suffix.is_empty() { "?" } else { "&" };
    Ok(Feed {
        id: format!("urn:ggzy:feed:notices:procurement:{key}"),
        title: format!("政府采购（{name}）- 公共资源交易平台"),
        self_href: format!("/feeds/notices.atom{suffix}{and}category=procurement"),
        alternate_href: "/procurements".to_owned(),
        entries,
    }
    .into_response())
}

/// The land, mining-rights and state-property sales of the region, newest first (土地与产权).
async fn sale_notices(state: &WebState, region: Option<&RegionCode>) -> Result<Response, PageError> {
    let views = state.app.sales(NOTICES_READ as i64).await?;
    let (suffix, key, name) = scope(state, region);
    let entries = views
        .into_iter()
        .filter(|view| within(region, &view.announcement.region_code))
        .take(FEED_SIZE)
        .map(|view| {
            let notice = &view.announcement.notice;
            Entry {
                id: format!("urn:ggzy:sale:{}", view.announcement.sale_id),
                href: format!("/sales/{}", view.announcement.sale_id),
                title: notice.title.clone(),
                updated_ms: view.bids.last().map_or(notice.starts_at_ms, |bid| bid.at_ms).max(notice.starts_at_ms),
                published_ms: None,
                summary: format!(
                    "{}；起始价 {}；竞价 {} 至 {}；{}",
                    state.app.region_name(&view.announcement.region_code),
                    super::format::yuan(notice.start_price_fen),
                    datetime(notice.starts_at_ms),
                    datetime(view.ends_at_ms),
                    view.phase.label()
                ),
            }
        })
        .collect();
    let and = if suffix.is_empty() { "?" } else { "&" };
    Ok(Feed {
        id: format!("urn:ggzy:feed:notices:land_property:{key}"),
        title: format!("土地与产权交易（{name}）- 公共资源交易平台"),
        self_href: format!("/feeds/notices.atom{suffix}{and}category=land_property"),
        alternate_href: "/sales".to_owned(),
        entries,
    }
    .into_response())
}

pub(crate) async fn results(
    State(state): State<WebState>,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let region = region(&state, query)?;
    let filter = ResultFilter { region, limit: FEED_SIZE, ..ResultFilter::default() };
    let results = state.app.public_results(&filter).await?.results;
    let (suffix, key, name) = scope(&state, region.as_ref());
    let entries = results
        .into_iter()
        .map(|r| {
            let mut summary = format!("{}；标段{} {}", r.region_name, r.lot_id, r.lot_name);
            let price = |fen: Option<i64>| fen.map(super::format::yuan).unwrap_or_else(|| "—".to_owned());
            if let Some(w) = &r.winner {
                summary.push_str(&format!("；中标人：{}；中标价：{}", w.name, price(w.price_fen)));
            } else {
                for c in &r.candidates {
                    summary.push_str(&format!("；第{}中标候选人：{}（{}）", c.rank, c.name, price(c.price_fen)));
                }
            }
            if let Some(c) = &r.contract {
                summary.push_str(&format!(
                    "；合同金额：{}；签订日期：{}",
                    super::format::yuan(c.amount_fen),
                    c.signed_day
                ));
            }
            Entry {
                id: format!("urn:ggzy:result:{}:{}:{}", r.tender_id, r.lot_id, r.kind.as_str()),
                title: format!("{}：{}（标段{}）", r.kind.label(), r.title, r.lot_id),
                href: format!("/notices/{}#results-heading", r.tender_id),
                updated_ms: r.at_ms,
                published_ms: Some(r.at_ms),
                summary,
            }
        })
        .collect();
    Ok(Feed {
        id: format!("urn:ggzy:feed:results:{key}"),
        title: format!("交易结果（{name}）- 公共资源交易平台"),
        self_href: format!("/feeds/results.atom{suffix}"),
        alternate_href: format!("/results{suffix}"),
        entries,
    }
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_are_dropped() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("工程\u{0}\u{8}\t\n"), "工程\t\n");
    }

    #[test]
    fn an_empty_feed_is_complete_and_dated_at_the_epoch() {
        let feed = Feed {
            id: "urn:ggzy:feed:notices:all".to_owned(),
            title: "交易公告 <全部>".to_owned(),
            self_href: "/feeds/notices.atom".to_owned(),
            alternate_href: "/notices".to_owned(),
            entries: Vec::new(),
        };
        let xml = feed.render();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(xml.contains("<title>交易公告 &lt;全部&gt;</title>"));
        assert!(xml.contains("<updated>1970-01-01T08:00:00+08:00</updated>"));
        assert!(xml.trim_end().ends_with("</feed>"));
    }
}
