//! Titan uploads: every check before the body is read (`admit`), then storing the body.

use crate::app::App;
use crate::error::AppError;
use crate::gemini::{Request, Response};
use crate::wiki::PageName;

/// Decides whether to read the announced body; `Err` carries the refusal and how many body
/// bytes to drain first.
pub fn admit(_request: &Request, _app: &App) -> Result<u64, (Response, u64)> {
    Err((Response::bad_request("Uploads are not available yet"), 0))
}

pub fn store(_app: &App, _request: &Request, _name: &PageName) -> Result<Response, AppError> {
    Err(AppError::BadRequest("Uploads are not available yet".into()))
}
