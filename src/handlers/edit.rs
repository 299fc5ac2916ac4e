//! Input-driven edits: the edit menu and the append / replace / delete prompts.

use crate::app::App;
use crate::error::AppError;
use crate::gemini::{Request, Response};
use crate::handlers::guard::{require, Need};
use crate::router::EditAction;
use crate::wiki::PageName;

pub fn menu(app: &App, request: &Request, _name: &PageName) -> Result<Response, AppError> {
    require(request, app, Need::Edit)?;
    Err(AppError::NotFound("Editing is not available yet".into()))
}

pub fn act(
    app: &App,
    request: &Request,
    name: &PageName,
    _action: EditAction,
) -> Result<Response, AppError> {
    menu(app, request, name)
}
