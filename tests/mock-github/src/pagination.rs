//! GitHub's page-based pagination: `page` (1-based) and `per_page` (default 30, at most 100),
//! with an RFC 8288 `Link` header pointing at the `next`, `last`, `first` and `prev` pages.

/// Percent-encodes one path segment (RFC 3986: everything but unreserved characters), so that a
/// decoded path parameter (which may hold `/`, spaces or control characters) can go back into
/// a URL, and from there into a `Link` header, safely.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// GitHub's default page size.
pub const DEFAULT_PER_PAGE: i64 = 30;
/// GitHub serves at most this many items per page, whatever `per_page` asks for.
pub const MAX_PER_PAGE: i64 = 100;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub page: usize,
    /// Page size actually used.
    pub per_page: usize,
    /// Number of pages (at least 1, so an empty list has one empty page).
    pub last: usize,
}

impl Page {
    /// The page GitHub would serve for these parameters over `total` items: `per_page` is
    /// clamped to 1..=100, `page` to at least 1 (a page past the end is empty).
    pub fn new(page: i64, per_page: i64, total: usize) -> Self {
        let per_page = per_page.clamp(1, MAX_PER_PAGE) as usize;
        let page = page.max(1) as usize;
        let last = total.div_ceil(per_page).max(1);
        Self { page, per_page, last }
    }

    /// The index range of this page's items in the full list.
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = (self.page - 1).saturating_mul(self.per_page).min(total);
        let end = start.saturating_add(self.per_page).min(total);
        start..end
    }

    /// The `Link` header for this page of `base_url` (path without query), or `None` when the
    /// whole list fits on this one page.
    pub fn link_header(&self, base_url: &str) -> Option<String> {
        if self.last == 1 && self.page == 1 {
            return None;
        }
        let url = |page: usize| format!("<{base_url}?per_page={}&page={page}>", self.per_page);
        let mut links = Vec::new();
        if self.page > 1 {
            links.push(format!("{}; rel=\"prev\"", url((self.page - 1).min(self.last))));
        }
        if self.page < self.last {
            links.push(format!("{}; rel=\"next\"", url(self.page + 1)));
            links.push(format!("{}; rel=\"last\"", url(self.last)));
        }
        if self.page > 1 {
            links.push(format!("{}; rel=\"first\"", url(1)));
        }
        Some(links.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("octo-org"), "octo-org");
        assert_eq!(encode_segment("a/b c\u{0}ü"), "a%2Fb%20c%00%C3%BC");
    }

    #[test]
    fn per_page_is_clamped_like_github() {
        assert_eq!(Page::new(1, 500, 250).per_page, 100);
        assert_eq!(Page::new(1, 0, 250).per_page, 1);
        assert_eq!(Page::new(0, 30, 250).page, 1);
    }

    #[test]
    fn ranges_cover_the_list_exactly_once() {
        let total = 250;
        let first = Page::new(1, 100, total);
        assert_eq!(first.last, 3);
        assert_eq!(first.range(total), 0..100);
        assert_eq!(Page::new(3, 100, total).range(total), 200..250);
        assert_eq!(Page::new(4, 100, total).range(total), 250..250);
    }

    #[test]
    fn link_headers_follow_rfc_8288() {
        let base = "http://127.0.0.1:8080/orgs/o/dependabot/secrets";
        assert_eq!(Page::new(1, 30, 10).link_header(base), None);
        assert_eq!(
            Page::new(1, 100, 250).link_header(base).unwrap(),
            format!("<{base}?per_page=100&page=2>; rel=\"next\", <{base}?per_page=100&page=3>; rel=\"last\"")
        );
        assert_eq!(
            Page::new(3, 100, 250).link_header(base).unwrap(),
            format!("<{base}?per_page=100&page=2>; rel=\"prev\", <{base}?per_page=100&page=1>; rel=\"first\"")
        );
    }
}
