//! The rendered-page cache: each revision is rendered once, not once per view. It holds the
//! rendered gemtext body of a revision, keyed by what identifies that revision's text, and is
//! bounded by the total bytes it holds. It does not render (the front-end does, and decides
//! on which thread); it only remembers.

use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::wiki::model::Revision;
use crate::wiki::PageFormat;

/// Most bytes of rendered bodies kept: a rendered page is at most max(4 × source, 256 KiB),
/// so this holds at least 160 of the largest pages and thousands of ordinary ones.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Bytes a cached entry is charged on top of its body (key, name, bookkeeping).
const ENTRY_OVERHEAD: u64 = 128;

/// What identifies a revision's rendered text: the page, the revision number, and the facts
/// that would differ were the history ever replaced (an import, a re-created wiki).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RenderKey {
    name: String,
    number: u32,
    created: i64,
    size: u64,
    markdown: bool,
}

impl RenderKey {
    /// The key of `revision` of page `name` (the title the render uses).
    pub fn of(name: &str, revision: &Revision) -> Self {
        Self {
            name: name.to_string(),
            number: revision.number,
            created: revision.created,
            size: revision.size,
            markdown: revision.format == PageFormat::Markdown,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bytes;

impl Weighter<RenderKey, Arc<str>> for Bytes {
    fn weight(&self, key: &RenderKey, body: &Arc<str>) -> u64 {
        (body.len() + key.name.len()) as u64 + ENTRY_OVERHEAD
    }
}

/// Rendered bodies by revision, at most [`MAX_BYTES`] in all; the least useful are evicted.
pub struct RenderCache {
    cache: Cache<RenderKey, Arc<str>, Bytes>,
}

impl RenderCache {
    /// An empty cache holding at most `max_bytes`.
    pub fn new(max_bytes: u64) -> Self {
        // The item estimate only sizes the table up front: ordinary pages render to ~8 KiB.
        let estimated = usize::try_from(max_bytes / 8192).unwrap_or(1024).max(16);
        Self {
            cache: Cache::with_weighter(estimated, max_bytes, Bytes),
        }
    }

    /// The rendered body of `key`, if it is cached.
    pub fn get(&self, key: &RenderKey) -> Option<Arc<str>> {
        self.cache.get(key)
    }

    /// Remembers `body` as the rendering of `key`; returns it shared.
    pub fn insert(&self, key: RenderKey, body: String) -> Arc<str> {
        let body: Arc<str> = Arc::from(body);
        self.cache.insert(key, Arc::clone(&body));
        body
    }

    /// Bytes held now (bodies plus overhead).
    pub fn weight(&self) -> u64 {
        self.cache.weight()
    }
}

impl Default for RenderCache {
    fn default() -> Self {
        Self::new(MAX_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wiki::PageName;

    fn revision(number: u32, size: u64) -> Revision {
        Revision {
            name: PageName::new("A").unwrap(),
            number,
            text: String::new(),
            format: PageFormat::Gemtext,
            author: "system".into(),
            created: 1,
            size,
            deleted: false,
            comment: None,
        }
    }

    #[test]
    fn a_revision_is_found_and_another_is_not() {
        let cache = RenderCache::new(1024 * 1024);
        let one = RenderKey::of("A", &revision(1, 3));
        cache.insert(one.clone(), "# A\n".into());
        assert_eq!(cache.get(&one).as_deref(), Some("# A\n"));
        assert!(cache.get(&RenderKey::of("A", &revision(2, 3))).is_none());
        // Same number, different text (a replaced history): not the same rendering.
        assert!(cache.get(&RenderKey::of("A", &revision(1, 4))).is_none());
    }

    #[test]
    fn the_cache_stays_within_its_byte_bound() {
        // Defends against many large pages viewed once each growing memory without bound.
        let cache = RenderCache::new(4 * 1024 * 1024);
        for n in 1..=200 {
            cache.insert(RenderKey::of("A", &revision(n, 1)), "x".repeat(100 * 1024));
        }
        assert!(cache.weight() <= 4 * 1024 * 1024, "{}", cache.weight());
    }
}
