//! Phoebe's URLs after a move from Phoebe (SPEC §9): the ones whose meaning differs here
//! answer `31` with where that meaning lives now; the rest are routed as themselves.

use crate::capsule::error::AppError;
use crate::capsule::router::{Moved, Route};
use crate::capsule::urls;
use crate::capsule::Capsule;
use crate::gemini::{Request, Response};

/// `31` to the route that answers `moved` here, keeping the typed query where it is input.
pub fn redirect(app: &Capsule, request: &Request, moved: &Moved) -> Result<Response, AppError> {
    let target = match moved {
        Moved::Rss | Moved::AllAtom => urls::ATOM.to_string(),
        Moved::AllChanges => urls::CHANGES.to_string(),
        Moved::Match => with_query(urls::SEARCH, request),
        Moved::DiffLatest { name } => match app.store().page(name)? {
            Some(page) => urls::path(&Route::Diff {
                name: name.clone(),
                rev: page.current.number,
            }),
            None => {
                return Err(AppError::NotFound(format!(
                    "No page “{name}”, so no changes to show; see {}",
                    urls::INDEX
                )))
            }
        },
        Moved::Space { space, rest } => {
            if !app.config().phoebe_spaces.iter().any(|s| s == space) {
                return Err(AppError::NotFound(format!(
                    "Nothing here; try the index at {} or search at {}",
                    urls::INDEX,
                    urls::SEARCH
                )));
            }
            with_query(&urls::path(rest), request)
        }
    };
    Ok(Response::moved(target))
}

/// `path?query` with the request's decoded query encoded again, or `path`.
fn with_query(path: &str, request: &Request) -> String {
    match request.query.as_deref() {
        Some(query) if !path.contains('?') => format!("{path}?{}", urls::segment(query)),
        _ => path.to_string(),
    }
}
