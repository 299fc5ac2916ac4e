//! Dispatch: one `match` from [`Route`] to the handler that answers it, plus the small
//! helpers handlers share (dates, paging). Handlers are synchronous functions of a parsed
//! request and the app; they return a [`Response`] value and never touch sockets or SQL.

pub mod account;
pub mod admin;
pub mod draft;
pub mod edit;
pub mod files;
pub mod guard;
pub mod history;
pub mod intent;
pub mod link;
pub mod lists;
pub mod moved;
pub mod page;
pub mod search;
pub mod upload;

use time::OffsetDateTime;

use crate::capsule::error::AppError;
use crate::capsule::router::{Route, RouteError};
use crate::capsule::Capsule;
use crate::gemini::{Request, Response};

/// Items per page of a paged list (index, changes, history).
pub const PAGE_SIZE: u32 = 50;

/// Answers a routed request (the app routes first, to choose the thread); errors become
/// responses here via [`AppError::to_response`].
pub fn answer(route: Result<Route, RouteError>, request: &Request, app: &Capsule) -> Response {
    route
        .map_err(AppError::from)
        .and_then(|route| handle(route, request, app))
        .unwrap_or_else(|err| err.to_response())
}

/// Like [`answer`] on a runtime thread: `None` when the handler found it must do slow work
/// ([`AppError::OffReactor`]), so the caller runs it again on the blocking pool.
pub fn answer_quick(
    route: Result<Route, RouteError>,
    request: &Request,
    app: &Capsule,
) -> Option<Response> {
    match route
        .map_err(AppError::from)
        .and_then(|route| handle(route, request, app))
    {
        Ok(response) => Some(response),
        Err(AppError::OffReactor) => None,
        Err(err) => Some(err.to_response()),
    }
}

fn handle(route: Route, request: &Request, app: &Capsule) -> Result<Response, AppError> {
    match route {
        Route::Home => page::home(app),
        Route::Robots => Ok(page::robots()),
        Route::Page { name, rev } => page::show(app, request, &name, rev),
        Route::Raw { name, rev } => page::raw(app, &name, rev),
        Route::File { name, version } => page::file(app, &name, version),
        Route::History { name, page } => history::list(app, &name, page),
        Route::Diff { name, rev } => history::diff(app, &name, rev),
        Route::Index { page } => lists::index(app, page),
        Route::Files { page } => files::list(app, page),
        Route::Changes { page } => lists::changes(app, page),
        Route::Atom => lists::atom(app, request),
        Route::Search => search::search(app, request),
        Route::New => search::new_page(request),
        Route::Register { token } => account::register(app, request, token.as_deref()),
        Route::Account => account::show(app, request),
        Route::AccountLink => link::show(app, request),
        Route::AccountClaim { token } => link::claim(app, request, token.as_deref()),
        Route::AccountRevoke { prefix, token } => {
            account::revoke(app, request, &prefix, token.as_deref())
        }
        Route::Edit { name } => edit::menu(app, request, &name),
        Route::EditAction {
            name,
            action,
            token,
        } => edit::act(app, request, &name, action, token.as_deref()),
        Route::Admin { action, token } => admin::admin(app, request, action, token.as_deref()),
        Route::Upload { name, base } => upload::store(app, request, &name, base),
        Route::MisdirectedUpload { name } => Err(AppError::BadRequest(format!(
            "Titan uploads go to /raw/{}",
            name.encoded()
        ))),
        Route::Draft { id, raw } => draft::show(app, request, &id, raw),
        Route::Moved(moved) => moved::redirect(app, request, &moved),
        Route::NotFound => Err(AppError::NotFound(
            "Nothing here; try the index at /do/index or search at /do/search".into(),
        )),
    }
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn format_time(unix: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(unix) else {
        return "?".into();
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `YYYY-MM-DD` (UTC).
pub fn format_day(unix: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(unix) else {
        return "?".into();
    };
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Offset of a 1-based list page.
pub fn offset(page: u32) -> u32 {
    page.saturating_sub(1).saturating_mul(PAGE_SIZE)
}

/// Links to the previous and next list pages, given whether more items exist.
pub fn paging(base: &str, page: u32, has_more: bool) -> (Option<String>, Option<String>) {
    let prev = match page {
        0 | 1 => None,
        2 => Some(base.to_string()),
        n => Some(format!("{base}?page={}", n - 1)),
    };
    let next = has_more.then(|| format!("{base}?page={}", page + 1));
    (prev, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_and_zero_padded() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_day(1_700_000_000), "2023-11-14");
    }

    #[test]
    fn paging_links_skip_missing_sides() {
        assert_eq!(paging("/do/index", 1, false), (None, None));
        assert_eq!(
            paging("/do/index", 2, true),
            (Some("/do/index".into()), Some("/do/index?page=3".into()))
        );
        assert_eq!(
            paging("/do/index", 3, false).0,
            Some("/do/index?page=2".into())
        );
    }
}
