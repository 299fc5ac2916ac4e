//! Issue 11 measurements on a temporary database, bounded in size and time:
//!
//! - `paging [REVISIONS]`: a deep `/do/changes` and `/history` page over REVISIONS (default
//!   20,000) revisions of 30 KiB, without and with migration 0003's covering indexes;
//! - `search [PAGES]`: queries over PAGES (default 3,000) pages of 30 KiB plus one 100 KiB
//!   page made of the 16 words searched for.
//!
//! `cargo run --release --example bounds_probe -- paging`; prints one line per measurement.

use std::time::Instant;

use gemwiki::store::Store;
use gemwiki::wiki::{PageFormat, PageName};
use rusqlite::Connection;

const INIT: &str = include_str!("../migrations/0001_init.sql");
const PAGING: &str = include_str!("../migrations/0003_paging_index.sql");

/// ~30 KiB of ordinary words, varied by `seed`.
fn text(seed: usize) -> String {
    const WORDS: [&str; 12] = [
        "tide",
        "harbour",
        "lighthouse",
        "keeper",
        "stone",
        "north",
        "wind",
        "boat",
        "net",
        "salt",
        "gull",
        "rope",
    ];
    let mut out = String::with_capacity(31 * 1024);
    let mut i = seed;
    while out.len() < 30 * 1024 {
        i = i
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push_str(WORDS[(i >> 33) % WORDS.len()]);
        out.push(if (i >> 20) % 11 == 0 { '\n' } else { ' ' });
    }
    out
}

/// Milliseconds `query` takes, best of three (the first warms the cache).
fn time_ms(conn: &Connection, sql: &str) -> f64 {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |_| Ok(())).unwrap().count();
            assert!(rows > 0);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::MAX, f64::min)
}

fn paging(revisions: usize) {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join("probe.sqlite")).unwrap();
    conn.execute_batch(INIT).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    let pages: usize = 200;
    for page in 0..pages {
        conn.execute(
            "INSERT INTO pages (id, name, sort_key, current) VALUES (?1, ?2, ?2, ?3)",
            rusqlite::params![
                (page + 1) as i64,
                format!("page {page}"),
                (revisions / pages) as i64
            ],
        )
        .unwrap();
    }
    let body = text(1);
    for i in 0..revisions {
        conn.execute(
            "INSERT INTO revisions (page_id, number, text, mime, author_label, created, size) \
             VALUES (?1, ?2, ?3, 'text/gemini', 'anonymous', ?4, ?5)",
            rusqlite::params![
                (i % pages + 1) as i64,
                (i / pages + 1) as i64,
                body,
                i as i64,
                body.len() as i64
            ],
        )
        .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
    let select = "SELECT p.name, r.number, r.created, r.author_label, \
         r.size - COALESCE(prev.size, 0), r.deleted, r.comment, r.size \
         FROM revisions r JOIN pages p ON p.id = r.page_id \
         LEFT JOIN revisions prev ON prev.page_id = r.page_id AND prev.number = r.number - 1 ";
    let changes = format!("{select} ORDER BY r.created DESC, r.id DESC LIMIT 20 OFFSET 2000");
    let history =
        format!("{select} WHERE p.name = 'page 7' ORDER BY r.number DESC LIMIT 20 OFFSET 60");
    let report = |label: &str| {
        for (what, sql) in [("changes?page=101", &changes), ("history?page=4", &history)] {
            println!(
                "paging revisions={revisions} {label} {what} ms={:.2}",
                time_ms(&conn, sql)
            );
        }
    };
    report("before");
    conn.execute_batch(PAGING).unwrap();
    let history_covered = history.replace(
        "LEFT JOIN revisions prev ",
        "LEFT JOIN revisions prev INDEXED BY revisions_history ",
    );
    let changes_covered = changes.replace(
        "LEFT JOIN revisions prev ",
        "LEFT JOIN revisions prev INDEXED BY revisions_history ",
    );
    for (what, sql) in [
        ("changes?page=101", &changes_covered),
        ("history?page=4", &history_covered),
    ] {
        println!(
            "paging revisions={revisions} after {what} ms={:.2}",
            time_ms(&conn, sql)
        );
    }
}

fn search(pages: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("probe.sqlite")).unwrap();
    let adversarial: Vec<String> = (0..16).map(|i| format!("word{i}")).collect();
    let mut seed: Vec<(PageName, String, PageFormat)> = (0..pages)
        .map(|i| {
            let name = PageName::new(&format!("Page {i}")).unwrap();
            (name, text(i), PageFormat::Gemtext)
        })
        .collect();
    let made_of_words = format!("{} ", adversarial.join(" ")).repeat(100 * 1024 / 100);
    seed.push((
        PageName::new("Adversarial").unwrap(),
        made_of_words,
        PageFormat::Gemtext,
    ));
    store.import_if_empty(&seed, 1).unwrap();
    let common = "tide harbour lighthouse keeper stone north wind boat net salt gull rope \
                  tide harbour lighthouse keeper";
    for (what, query) in [
        ("one-word", "tide".to_owned()),
        ("16-common-words", common.to_owned()),
        ("16-adversarial-words", adversarial.join(" ")),
    ] {
        let best = (0..3)
            .map(|_| {
                let started = Instant::now();
                store.search(&query, 50).unwrap();
                started.elapsed().as_secs_f64() * 1000.0
            })
            .fold(f64::MAX, f64::min);
        println!("search pages={pages} query={what} ms={best:.1}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = |default: usize| args.get(1).and_then(|n| n.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("paging") => paging(count(20_000).min(50_000)),
        Some("search") => search(count(3_000).min(20_000)),
        _ => eprintln!("usage: bounds_probe paging|search [COUNT]"),
    }
}
