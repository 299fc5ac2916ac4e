//! The web view's HTML templates (`templates/web/*.html`, embedded) and its stylesheet,
//! each overridable by a file of the same name in `<data-dir>/templates/web/`, read once at
//! start. Templates named `*.html` are auto-escaped by minijinja: every value printed with
//! `{{ … }}` is HTML-escaped unless a template says otherwise.

use std::path::Path;

use minijinja::Environment;
use serde::Serialize;

/// Every template, by file name, with its built-in text.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../templates/web/layout.html"),
    ),
    (
        "gemtext.html",
        include_str!("../../templates/web/gemtext.html"),
    ),
    ("home.html", include_str!("../../templates/web/home.html")),
    ("page.html", include_str!("../../templates/web/page.html")),
    (
        "history.html",
        include_str!("../../templates/web/history.html"),
    ),
    ("diff.html", include_str!("../../templates/web/diff.html")),
    ("index.html", include_str!("../../templates/web/index.html")),
    (
        "changes.html",
        include_str!("../../templates/web/changes.html"),
    ),
    (
        "search.html",
        include_str!("../../templates/web/search.html"),
    ),
    (
        "message.html",
        include_str!("../../templates/web/message.html"),
    ),
];

const STYLE: &str = include_str!("../../templates/web/style.css");

/// Why the web templates could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum WebTemplateError {
    #[error("web template override {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("web template {name}: {source}")]
    Render {
        name: String,
        source: minijinja::Error,
    },
}

/// The loaded templates and stylesheet, shared read-only.
#[derive(Debug)]
pub struct WebTemplates {
    env: Environment<'static>,
    style: String,
}

impl WebTemplates {
    /// Built-in templates, with any overrides found in `<data_dir>/templates/web/`.
    ///
    /// # Errors
    /// An override exists but cannot be read, or a template does not compile.
    pub fn load(data_dir: &Path) -> Result<Self, WebTemplateError> {
        let dir = data_dir.join("templates").join("web");
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, text) in BUILT_IN {
            let source = read_override(&dir, name)?.unwrap_or_else(|| (*text).to_string());
            env.add_template_owned(*name, source)
                .map_err(|source| WebTemplateError::Render {
                    name: (*name).to_string(),
                    source,
                })?;
        }
        let style = read_override(&dir, "style.css")?.unwrap_or_else(|| STYLE.to_string());
        Ok(Self { env, style })
    }

    /// Renders template `name` with `context`.
    ///
    /// # Errors
    /// The template is unknown or refers to a value the context lacks.
    pub fn render<S: Serialize>(&self, name: &str, context: S) -> Result<String, WebTemplateError> {
        let render_err = |source| WebTemplateError::Render {
            name: name.to_string(),
            source,
        };
        self.env
            .get_template(name)
            .map_err(render_err)?
            .render(context)
            .map_err(render_err)
    }

    /// The stylesheet served at `/style.css`.
    pub fn style(&self) -> &str {
        &self.style
    }
}

fn read_override(dir: &Path, name: &str) -> Result<Option<String>, WebTemplateError> {
    let path = dir.join(name);
    if !path.is_file() {
        return Ok(None);
    }
    tracing::info!(template = name, "using web template override");
    std::fs::read_to_string(&path)
        .map(Some)
        .map_err(|source| WebTemplateError::Read {
            path: path.display().to_string(),
            source,
        })
}
