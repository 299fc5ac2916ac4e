//! Page chrome: the gemtext templates in `templates/` (embedded in the binary) rendered with
//! minijinja, each of which an operator can override by placing a file of the same name in
//! `<data-dir>/templates/`. Overrides are read once at start, never per request.

use std::path::Path;

use minijinja::Environment;
use serde::Serialize;

/// Every template, by file name, with its built-in text.
const BUILT_IN: &[(&str, &str)] = &[
    ("home.gmi", include_str!("../../templates/home.gmi")),
    ("page.gmi", include_str!("../../templates/page.gmi")),
    ("history.gmi", include_str!("../../templates/history.gmi")),
    ("diff.gmi", include_str!("../../templates/diff.gmi")),
    ("index.gmi", include_str!("../../templates/index.gmi")),
    ("changes.gmi", include_str!("../../templates/changes.gmi")),
    ("search.gmi", include_str!("../../templates/search.gmi")),
    ("edit.gmi", include_str!("../../templates/edit.gmi")),
    ("account.gmi", include_str!("../../templates/account.gmi")),
    ("admin.gmi", include_str!("../../templates/admin.gmi")),
    (
        "admin_page.gmi",
        include_str!("../../templates/admin_page.gmi"),
    ),
    ("draft.gmi", include_str!("../../templates/draft.gmi")),
];

/// What a context puts where [`Templates::render_with_body`] splices in text that tidying
/// must not touch. Control characters never occur in a template, so it cannot clash.
pub const BODY: &str = "\u{1}gemwiki:body\u{1}";

/// Why templates could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template override {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("template {name}: {source}")]
    Render {
        name: String,
        source: minijinja::Error,
    },
}

/// The loaded templates, shared read-only by all handlers.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Built-in templates, with any overrides found in `<data_dir>/templates/`.
    ///
    /// # Errors
    /// An override exists but cannot be read, or a template does not compile.
    pub fn load(data_dir: &Path) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // URLs in templates come from the one builder (`page_url(…)`, `urls.home`, …).
        super::urls::register(&mut env);
        let dir = data_dir.join("templates");
        for (name, text) in BUILT_IN {
            let path = dir.join(name);
            let source = if path.is_file() {
                tracing::info!(template = name, "using template override");
                std::fs::read_to_string(&path).map_err(|source| TemplateError::Read {
                    path: path.display().to_string(),
                    source,
                })?
            } else {
                (*text).to_string()
            };
            env.add_template_owned(*name, source)
                .map_err(|source| TemplateError::Render {
                    name: (*name).to_string(),
                    source,
                })?;
        }
        Ok(Self { env })
    }

    /// Renders template `name` with `context`.
    ///
    /// # Errors
    /// The template is unknown or refers to a value the context lacks.
    pub fn render<S: Serialize>(&self, name: &str, context: S) -> Result<String, TemplateError> {
        let render_err = |source| TemplateError::Render {
            name: name.to_string(),
            source,
        };
        let template = self.env.get_template(name).map_err(render_err)?;
        let out = template.render(context).map_err(render_err)?;
        Ok(tidy(&out))
    }

    /// Renders template `name`, whose context puts [`BODY`] where `body` goes, tidies the
    /// chrome and then splices `body` in exactly as given: a page's text and a diff keep their
    /// blank lines and trailing spaces (SPEC §5, "what a reader sees is what was stored").
    ///
    /// # Errors
    /// As [`Templates::render`].
    pub fn render_with_body<S: Serialize>(
        &self,
        name: &str,
        context: S,
        body: &str,
    ) -> Result<String, TemplateError> {
        let chrome = self.render(name, context)?;
        Ok(chrome.replacen(BODY, body.trim_end_matches('\n'), 1))
    }
}

/// Collapses runs of blank lines and ends the document with exactly one LF.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    let trimmed = out.trim_matches('\n');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_collapses_blank_runs_and_ends_with_one_lf() {
        assert_eq!(tidy("\n\na\n\n\n\nb  \n\n"), "a\n\nb\n");
    }

    /// With `trim_blocks`, a block tag at the end of a content line eats that line's newline
    /// (issue 12: `/do/changes` ran a day's entries into one line). Matches what the regex
    /// `[^[:space:]].*\{%[^%]*[^+]%\}\s*$` finds on lines not starting with `{%`.
    fn eats_its_newline(line: &str) -> bool {
        let line = line.trim_end();
        !line.trim_start().starts_with("{%")
            && line.ends_with("%}")
            && !line.ends_with("+%}")
            && line.contains("{%")
    }

    #[test]
    fn no_content_line_of_a_built_in_template_ends_in_a_block_tag() {
        for (name, text) in BUILT_IN {
            for (number, line) in text.lines().enumerate() {
                assert!(!eats_its_newline(line), "{name}:{}: {line}", number + 1);
            }
        }
        assert!(eats_its_newline("=> /x {{ a }}{% endif %}"));
        assert!(!eats_its_newline("{% endif %}"));
        assert!(!eats_its_newline("=> x {% endif +%}"));
    }

    #[test]
    fn the_body_is_spliced_in_untidied() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/diff.gmi"),
            "a  \n\n\n{{ b }}\nz\n",
        )
        .unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        let body = "```\nx  \n\n\n\ny\n```\n";
        let out = templates
            .render_with_body("diff.gmi", minijinja::context! { b => BODY }, body)
            .unwrap();
        assert_eq!(out, format!("a\n\n{body}z\n"));
    }

    #[test]
    fn every_built_in_template_compiles() {
        let dir = tempfile::tempdir().unwrap();
        Templates::load(dir.path()).unwrap();
    }

    #[test]
    fn override_in_data_dir_replaces_built_in() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/diff.gmi"),
            "custom {{ title }}\n",
        )
        .unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        let out = templates
            .render("diff.gmi", minijinja::context! { title => "x" })
            .unwrap();
        assert_eq!(out, "custom x\n");
    }
}
