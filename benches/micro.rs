//! Micro-benchmarks of the pure functions on gemwiki's hot paths (issue 6): request parsing,
//! page rendering (gemtext and Markdown), template rendering and the line diff of
//! `/diff/<name>/<rev>`. Run with `cargo bench --bench micro`; the load harness is
//! `bench/run.sh`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use similar::TextDiff;

use gemwiki::gemini::{markdown, render_page, Authority, Request};
use gemwiki::wiki::{PageFormat, PageName};

fn authority() -> Authority {
    Authority {
        hosts: vec!["localhost".into(), "127.0.0.1".into()],
        port: 1965,
    }
}

fn request_parse(c: &mut Criterion) {
    let ours = authority();
    let mut group = c.benchmark_group("Request::parse");
    let mut long = String::from("gemini://localhost/page/");
    while long.len() + 13 <= 1024 {
        long.push_str("%C3%A9t%C3%A9");
    }
    let lines = [
        ("page", "gemini://localhost/page/Page-000123".to_string()),
        (
            "encoded+query",
            "gemini://localhost:1965/do/search?lighthouse%20harbour+tide".to_string(),
        ),
        (
            "titan",
            "titan://localhost/raw/Page-000123;mime=text/gemini;size=2048;token=secret".to_string(),
        ),
        ("1KiB-encoded", long),
    ];
    for (label, line) in &lines {
        group.bench_with_input(BenchmarkId::from_parameter(label), line, |b, line| {
            b.iter(|| Request::parse(black_box(line.as_bytes()), &ours))
        });
    }
    group.finish();
}

/// About `target` bytes of Markdown using every construct the converter handles.
fn markdown_document(target: usize) -> String {
    let mut doc = String::from("# A long Markdown page\n\nIntroduction with *emphasis*.\n\n");
    let mut i = 0;
    while doc.len() < target {
        i += 1;
        doc.push_str(&format!(
            "## Section {i}\n\n\
             Paragraph {i} has **bold**, `inline code`, a [wiki link](Other Page {i}) and an \
             [external one](gemini://example.org/{i}), plus ~~struck~~ text that runs on for \
             a while so that the line wraps like real prose does in a wiki page.[^n{i}]\n\n\
             - item one with [a link](Page-{i})\n- item two\n  - nested item\n- [ ] a task\n\n\
             > A quoted line with a [link](/page/Quoted).\n\n\
             ```rust\nfn section_{i}() -> u32 {{\n    {i}\n}}\n```\n\n\
             | Name | Value |\n|:-----|------:|\n| a{i} | {i} |\n| bb | 22 |\n\n\
             [^n{i}]: Footnote {i}.\n\n"
        ));
    }
    doc
}

/// About `target` bytes of plain gemtext prose, like the generated benchmark pages.
fn gemtext_document(target: usize) -> String {
    let mut doc = String::from("# A page\n\n");
    let mut i = 0;
    while doc.len() < target {
        i += 1;
        doc.push_str(&format!(
            "Line {i}: the quick brown fox jumps over the lazy dog near the lighthouse.\n"
        ));
        if i % 8 == 0 {
            doc.push_str(&format!("=> /page/Page-{i:06} See also\n\n"));
        }
    }
    doc
}

fn markdown_to_gemtext(c: &mut Criterion) {
    let mut group = c.benchmark_group("markdown::to_gemtext");
    for size in [2 * 1024, 100 * 1024] {
        let doc = markdown_document(size);
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{}KiB", size / 1024)),
            &doc,
            |b, doc| b.iter(|| markdown::to_gemtext(black_box(doc))),
        );
    }
    group.finish();
}

fn wiki_render(c: &mut Criterion) {
    let name = PageName::new("Page-000123").unwrap();
    let mut group = c.benchmark_group("gemini::render_page");
    let cases = [
        ("gemtext-2KiB", gemtext_document(2048), PageFormat::Gemtext),
        (
            "gemtext-100KiB",
            gemtext_document(100 * 1024),
            PageFormat::Gemtext,
        ),
        (
            "markdown-2KiB",
            markdown_document(2048),
            PageFormat::Markdown,
        ),
    ];
    for (label, text, format) in &cases {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(label), text, |b, text| {
            b.iter(|| {
                render_page(
                    name.as_str(),
                    black_box(text),
                    *format == PageFormat::Markdown,
                )
            })
        });
    }
    group.finish();
}

/// The page template, as `/page/<name>` renders it (built-in templates, no overrides).
fn template_page(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let templates = gemwiki::capsule::templates::Templates::load(dir.path()).unwrap();
    let name = PageName::new("Page-000123").unwrap();
    let body = render_page(name.as_str(), &gemtext_document(2048), false);
    c.bench_function("templates::render/page.gmi-2KiB", |b| {
        b.iter(|| {
            templates
                .render(
                    "page.gmi",
                    minijinja::context! {
                        name => name.as_str(),
                        link => name.encoded(),
                        body => black_box(&body),
                        old => false,
                        rev => 3,
                        revisions => 3,
                        date => "2025-01-01 00:00 UTC",
                        author => "bench",
                        locked => false,
                    },
                )
                .unwrap()
        })
    });
}

/// The unified line diff `handlers/history.rs` shows, for a few edited lines.
fn line_diff(c: &mut Criterion) {
    let mut group = c.benchmark_group("similar::unified_diff");
    for size in [2 * 1024, 100 * 1024] {
        let old = gemtext_document(size);
        let new: String = old
            .lines()
            .enumerate()
            .map(|(i, line)| {
                if i % 40 == 7 {
                    format!("{line} (edited)\n")
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        group.throughput(Throughput::Bytes(old.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{}KiB", size / 1024)),
            &(old, new),
            |b, (old, new)| {
                b.iter(|| {
                    TextDiff::from_lines(black_box(old.as_str()), black_box(new.as_str()))
                        .unified_diff()
                        .context_radius(3)
                        .missing_newline_hint(false)
                        .to_string()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    request_parse,
    markdown_to_gemtext,
    wiki_render,
    template_page,
    line_diff
);
criterion_main!(benches);
