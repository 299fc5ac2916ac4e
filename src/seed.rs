//! The starter pages every new wiki begins with (welcome, how to register, how to edit).
//! They live in `wiki-data/pages/` and are embedded in the binary, so an installed binary
//! starts a ready wiki in any data directory.

use crate::wiki::{PageFormat, PageName};

const STARTER: &[(&str, &str)] = &[
    ("Welcome", include_str!("../wiki-data/pages/Welcome.gmi")),
    (
        "How to register",
        include_str!("../wiki-data/pages/How to register.gmi"),
    ),
    (
        "How to edit",
        include_str!("../wiki-data/pages/How to edit.gmi"),
    ),
];

/// The starter pages as (name, text, format), ready for `Store::import_if_empty`.
pub fn starter_pages() -> Vec<(PageName, String, PageFormat)> {
    STARTER
        .iter()
        .filter_map(|(name, text)| {
            PageName::new(name)
                .ok()
                .map(|name| (name, (*text).to_string(), PageFormat::Gemtext))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_page_has_a_valid_name_and_text() {
        let pages = starter_pages();
        assert_eq!(pages.len(), STARTER.len());
        assert!(pages.iter().all(|(_, text, _)| text.starts_with("# ")));
    }
}
