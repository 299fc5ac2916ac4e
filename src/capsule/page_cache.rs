//! Whole answers to `/page/<name>` (the current revision), kept until the database next
//! changes: a hit does no SQL, no template and no rendering, only a copy. Each answer is
//! stored with the store's change stamp taken before it was built, and is served only while
//! the stamp is unchanged (see [`crate::store::Store::change_stamp`]: at once after this
//! server's own writes, within a fifth of a second after the CLI's). The answer depends on
//! nothing but the database, the templates and the host and port the request named (its
//! Titan link); never on the visitor's certificate, so one entry serves everyone.

use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::gemini::{Request, Response};
use crate::wiki::PageName;

/// Most bytes of answers kept (bodies plus overhead).
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Bytes an entry is charged on top of its body and META.
const ENTRY_OVERHEAD: u64 = 160;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    name: PageName,
    host: String,
    port: u16,
}

struct Entry {
    stamp: u64,
    response: Response,
}

#[derive(Debug, Clone, Copy)]
struct Weight;

impl Weighter<Key, Arc<Entry>> for Weight {
    fn weight(&self, key: &Key, entry: &Arc<Entry>) -> u64 {
        (entry.response.body.len()
            + entry.response.meta.len()
            + key.name.as_str().len()
            + key.host.len()) as u64
            + ENTRY_OVERHEAD
    }
}

/// Current-revision page answers by page and origin, bounded by [`MAX_BYTES`].
pub struct PageCache {
    cache: Cache<Key, Arc<Entry>, Weight>,
}

impl PageCache {
    pub fn new(max_bytes: u64) -> Self {
        let estimated = usize::try_from(max_bytes / 4096).unwrap_or(1024).max(16);
        Self {
            cache: Cache::with_weighter(estimated, max_bytes, Weight),
        }
    }

    /// The answer for page `name` as `request` names the capsule, if one was built while
    /// the database was as `stamp` says.
    pub fn get(&self, request: &Request, name: &PageName, stamp: u64) -> Option<Response> {
        let entry = self.cache.get(&key(request, name))?;
        (entry.stamp == stamp).then(|| entry.response.clone())
    }

    /// Keeps `response`, built from the database as it was at `stamp`.
    pub fn insert(&self, request: &Request, name: &PageName, stamp: u64, response: &Response) {
        let entry = Entry {
            stamp,
            response: response.clone(),
        };
        self.cache.insert(key(request, name), Arc::new(entry));
    }
}

impl Default for PageCache {
    fn default() -> Self {
        Self::new(MAX_BYTES)
    }
}

fn key(request: &Request, name: &PageName) -> Key {
    Key {
        name: name.clone(),
        host: request.host.clone(),
        port: request.port,
    }
}
