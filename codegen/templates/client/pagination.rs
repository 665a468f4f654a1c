//! Following GitHub's pagination: the `Link` response header (RFC 8288) names the `next` page;
//! the generated `..._stream` methods yield every item of every page, one request per page.
//!
//! The first page comes from the operation's own method (so its parameters are encoded as
//! usual); each following page is the `next` link's URL exactly as GitHub sent it (it carries
//! `per_page`, `page` and any other parameter), fetched through the same hooks: headers,
//! timeout, retries. A `next` link to another origin than the client's base URL is not followed
//! (it would receive the token); the stream yields an error instead.
//!
//! The generator copies this file verbatim from `codegen/templates/client/pagination.rs`.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use futures_util::Stream;
use progenitor_client::{ClientHooks, Error, OperationInfo, ResponseValue};
use reqwest::Url;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, LINK};
use serde::de::DeserializeOwned;

use crate::Client;

/// The items of a paginated list, page after page: what the generated `..._stream` methods
/// return. Each item is `Ok`, until a request fails: then the error is the last item.
/// Use it with `futures::StreamExt` or `futures::TryStreamExt` (`next`, `try_collect`...).
pub type ItemStream<'a, T, E = ()> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'a>>;

/// One link of a `Link` header: `<https://api.github.com/...?page=2>; rel="next"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target URI, as written between `<` and `>`.
    pub target: String,
    /// The relation types of the first `rel` parameter, lower-cased (`next`, `last`...).
    pub relations: Vec<String>,
    /// Every parameter, name lower-cased, value unquoted (`("rel", "next")`).
    pub parameters: Vec<(String, String)>,
}

impl Link {
    /// Whether the link has the relation type `relation` (case-insensitive).
    pub fn has_relation(&self, relation: &str) -> bool {
        self.relations.iter().any(|r| r.eq_ignore_ascii_case(relation))
    }
}

/// Parses one `Link` header value (RFC 8288, section 3): comma-separated
/// `<URI>; name=value; name="quoted value"` entries, where a `rel` value may list several
/// relation types separated by spaces. Commas inside `<...>` or quotes do not separate
/// entries; a malformed entry is skipped, never an error.
pub fn parse_link_header(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return links;
        }
        let Some(after_bracket) = rest.strip_prefix('<') else {
            rest = skip_entry(rest);
            continue;
        };
        let Some(end) = after_bracket.find('>') else { return links };
        let target = after_bracket[..end].trim().to_owned();
        rest = &after_bracket[end + 1..];
        let mut parameters = Vec::new();
        let mut well_formed = true;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let Some(after_semicolon) = rest.strip_prefix(';') else { break };
            rest = after_semicolon.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let name_end = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
            let name = rest[..name_end].to_ascii_lowercase();
            rest = rest[name_end..].trim_start_matches(|c: char| c.is_ascii_whitespace());
            if name.is_empty() {
                well_formed = false;
                break;
            }
            let value = match rest.strip_prefix('=') {
                Some(after_equals) => {
                    let after_equals = after_equals.trim_start_matches(|c: char| c.is_ascii_whitespace());
                    let (value, remaining) = match after_equals.strip_prefix('"') {
                        Some(quoted) => quoted_string(quoted),
                        None => {
                            // A token, read leniently: servers send `type=text/html` unquoted.
                            let end = after_equals.find(|c: char| c == ';' || c == ',' || c.is_ascii_whitespace()).unwrap_or(after_equals.len());
                            (after_equals[..end].to_owned(), &after_equals[end..])
                        }
                    };
                    rest = remaining;
                    value
                }
                None => String::new(),
            };
            parameters.push((name, value));
        }
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        if !(rest.is_empty() || rest.starts_with(',')) {
            well_formed = false;
            rest = skip_entry(rest);
        }
        if well_formed {
            // Only the first `rel` counts (RFC 8288, section 3.3).
            let relations = parameters
                .iter()
                .find(|(name, _)| name == "rel")
                .map(|(_, value)| value.split_ascii_whitespace().map(str::to_ascii_lowercase).collect())
                .unwrap_or_default();
            links.push(Link { target, relations, parameters });
        }
    }
}

/// The target of the first link with relation `next` in the response's `Link` headers (there
/// may be several header lines).
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(parse_link_header)
        .find(|link| link.has_relation("next"))
        .map(|link| link.target)
}

/// RFC 9110 `tchar`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// A quoted string's value (backslash escapes undone) and what follows its closing quote;
/// an unterminated string runs to the end.
fn quoted_string(text: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return (value, &text[index + 1..]),
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            other => value.push(other),
        }
    }
    (value, "")
}

/// What follows the next comma that is not inside `<...>` or a quoted string.
fn skip_entry(text: &str) -> &str {
    let (mut in_quotes, mut in_brackets, mut escaped) = (false, false, false);
    for (index, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' if !in_brackets => in_quotes = !in_quotes,
            '<' if !in_quotes => in_brackets = true,
            '>' if !in_quotes => in_brackets = false,
            ',' if !in_quotes && !in_brackets => return &text[index + 1..],
            _ => {}
        }
    }
    ""
}

/// The state of an item stream between pages.
struct Pages<'a, R, T, E, F> {
    client: &'a Client,
    /// The generated method's name, which the hooks see as `OperationInfo::operation_id`.
    method: &'static str,
    /// The spec's operationId, which a body that does not fit names.
    operation_id: &'static str,
    first: Option<Pin<Box<F>>>,
    /// The URL the last page came from (the first's without its query): the base of a
    /// relative `next` link.
    current: Option<Url>,
    next: Option<Url>,
    items: VecDeque<T>,
    take_items: fn(R) -> Vec<T>,
    /// An error to yield once the items already read are out; the stream ends after it.
    error: Option<Error<E>>,
    done: bool,
}

/// The stream of every item of a paginated list: `first_page` is the operation's own call for
/// the first page, whose URL without the query is `first_url`; `take_items` takes a page
/// body's items; `method` is the generated method (the hooks' operation name) and
/// `operation_id` the spec's. Used by the generated methods.
pub(crate) fn paginate<'a, R, T, E, F>(
    client: &'a Client,
    method: &'static str,
    operation_id: &'static str,
    first_url: &str,
    first_page: F,
    take_items: fn(R) -> Vec<T>,
) -> ItemStream<'a, T, E>
where
    F: Future<Output = Result<ResponseValue<R>, Error<E>>> + Send + 'a,
    R: DeserializeOwned + Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    let pages = Pages {
        client,
        method,
        operation_id,
        first: Some(Box::pin(first_page)),
        current: Url::parse(first_url).ok(),
        next: None,
        items: VecDeque::new(),
        take_items,
        error: None,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(pages, |mut pages| async move {
        loop {
            if let Some(item) = pages.items.pop_front() {
                return Some((Ok(item), pages));
            }
            if let Some(error) = pages.error.take() {
                pages.done = true;
                return Some((Err(error), pages));
            }
            if pages.done {
                return None;
            }
            let page = match (pages.first.take(), pages.next.take()) {
                (Some(first), _) => first.await,
                (None, Some(url)) => {
                    pages.current = Some(url.clone());
                    fetch(pages.client, url, pages.method, pages.operation_id).await
                }
                (None, None) => return None,
            };
            match page {
                Err(error) => pages.error = Some(error),
                Ok(page) => {
                    match next_url(pages.client, pages.current.as_ref(), page.headers()) {
                        // A `next` link back to the same page would loop forever.
                        Ok(Some(next)) if Some(&next) != pages.current.as_ref() => pages.next = Some(next),
                        Ok(_) => pages.done = true,
                        Err(reason) => pages.error = Some(Error::Custom(reason)),
                    }
                    pages.items.extend((pages.take_items)(page.into_inner()));
                }
            }
        }
    }))
}

/// The URL of the next page, resolved against the URL of the page just read, if it stays on
/// the base URL's origin; otherwise why it is not followed.
fn next_url(client: &Client, current: Option<&Url>, headers: &HeaderMap) -> Result<Option<Url>, String> {
    let Some(target) = next_link(headers) else { return Ok(None) };
    let base = Url::parse(&format!("{}/", client.baseurl)).map_err(|e| format!("the base URL `{}` is not a URL: {e}", client.baseurl))?;
    let url = current.unwrap_or(&base).join(&target).map_err(|e| format!("the `next` link `{target}` is not a URL: {e}"))?;
    if url.origin() != base.origin() {
        return Err(format!(
            "not following the `next` link to {}: it leaves {}",
            url.origin().ascii_serialization(),
            base.origin().ascii_serialization()
        ));
    }
    Ok(Some(url))
}

/// One following page: a `GET` of `url` through the client's hooks. A status other than `2xx`
/// is an `Error::UnexpectedResponse`, as for the operation's own method when it documents no
/// error status. The body is read as the first page's is (`read_json`: a mismatch names the
/// operation and the JSON path), which also keeps the page types' `Deserialize` compiled once.
async fn fetch<R: DeserializeOwned, E>(client: &Client, url: Url, method: &'static str, operation_id: &'static str) -> Result<ResponseValue<R>, Error<E>> {
    let mut request = client.client.get(url).header(ACCEPT, HeaderValue::from_static("application/json")).build()?;
    let info = OperationInfo { operation_id: method };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    let response = result?;
    if response.status().is_success() {
        crate::runtime::read_json(response, operation_id).await
    } else {
        Err(Error::UnexpectedResponse(response))
    }
}
