//! A Gemini (and Titan) load generator for gemwiki's benchmarks (issue 6).
//!
//! N concurrent connections for D seconds or a request count; every request is a fresh TCP
//! connection and, unless `--resume` is given, a full TLS handshake. Prints one parseable
//! line, e.g.
//!
//! ```text
//! requests=12000 errors=0 rps=2399.1 p50_ms=6.12 p90_ms=9.80 p99_ms=15.02 max_ms=31.40 resumed=0 status_20=12000
//! ```
//!
//! `requests` counts answered and failed requests; `rps` counts only successes (status 1x,
//! 2x or 3x) per second of wall time; `errors` is transport failures plus 4x/5x/6x answers.
//! Latency runs from `connect()` to the server's close. Only loopback targets are allowed:
//! this tool must never load someone else's capsule.
//!
//! `--write-cert CERT --write-key KEY` instead writes a fresh self-signed P-256 certificate
//! (PEM, plus `.der` copies for servers that want DER) and exits.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use openssl::ssl::{
    SslConnector, SslFiletype, SslMethod, SslSession, SslSessionCacheMode, SslVerifyMode,
    SslVersion,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

#[derive(Debug, Parser)]
#[command(about = "Gemini/Titan load generator (loopback only)")]
struct Args {
    /// URL to request; repeat to cycle through several. `{worker}` and `{seq}` in a URL are
    /// replaced by the connection number and a per-run sequence number.
    #[arg(long = "url")]
    urls: Vec<String>,
    /// File with one URL per line, added to `--url`.
    #[arg(long)]
    url_file: Option<PathBuf>,
    /// Concurrent connections.
    #[arg(short = 'c', long, default_value_t = 16)]
    concurrency: usize,
    /// Run for this many seconds (ignored when --requests is given).
    #[arg(short = 'd', long, default_value_t = 5.0)]
    duration: f64,
    /// Stop after this many requests instead of after a duration.
    #[arg(short = 'n', long)]
    requests: Option<u64>,
    /// Reuse TLS sessions (resumption) instead of a full handshake per request.
    #[arg(long)]
    resume: bool,
    /// Client certificate (PEM) to present.
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,
    /// Private key (PEM) of the client certificate.
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// Titan mode: upload a generated text body of this many bytes to each titan:// URL
    /// (`;size=…;mime=text/gemini` is appended to the URL).
    #[arg(long)]
    titan_size: Option<usize>,
    /// `;token=…` for Titan uploads.
    #[arg(long)]
    titan_token: Option<String>,
    /// Per-request deadline in seconds (connect to close).
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Worker threads of the load generator (default: number of CPUs).
    #[arg(long)]
    threads: Option<usize>,
    /// Poll the first URL until it answers (at most this many seconds), print `ready_ms=…`
    /// and exit: for measuring server start-up.
    #[arg(long)]
    wait_ready: Option<f64>,
    /// Key-exchange groups the client offers, in OpenSSL syntax (e.g. `X25519` or `P-256`);
    /// default: OpenSSL's list, which starts with the hybrid `X25519MLKEM768`.
    #[arg(long)]
    groups: Option<String>,
    /// TLS 1.3 cipher suites the client offers, in OpenSSL syntax (e.g.
    /// `TLS_AES_128_GCM_SHA256`); default: OpenSSL's list, which starts with AES-256/SHA-384.
    #[arg(long)]
    ciphersuites: Option<String>,
    /// Maximum TLS version: 1.2 or 1.3.
    #[arg(long, default_value = "1.3")]
    tls_max: String,
    /// Write a self-signed certificate here (PEM) and exit.
    #[arg(long, requires = "write_key")]
    write_cert: Option<PathBuf>,
    /// Write the key of `--write-cert` here (PEM, PKCS#8) and exit.
    #[arg(long, requires = "write_cert")]
    write_key: Option<PathBuf>,
}

/// One URL, split into what the client needs.
#[derive(Debug, Clone)]
struct Target {
    url: String,
    addr: SocketAddr,
    /// SNI name, only for DNS names (an IP literal must not be sent as SNI).
    sni: Option<String>,
    titan: bool,
}

/// One worker's tally.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    statuses: std::collections::BTreeMap<String, u64>,
    transport_errors: u64,
    error_kinds: std::collections::BTreeMap<String, u64>,
    resumed: u64,
}

fn main() {
    let args = Args::parse();
    if let (Some(cert), Some(key)) = (&args.write_cert, &args.write_key) {
        write_cert(cert, key);
        return;
    }
    let mut threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    threads = threads.max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = runtime.block_on(run(args));
    std::process::exit(code);
}

async fn run(args: Args) -> i32 {
    let mut urls = args.urls.clone();
    if let Some(file) = &args.url_file {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|err| fail(&format!("cannot read {}: {err}", file.display())));
        urls.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    if urls.is_empty() {
        fail("give at least one --url or --url-file");
    }
    let targets: Vec<Target> = urls.iter().map(|u| target(u, &args)).collect();
    let connector = Arc::new(connector(&args));
    let per_request = Duration::from_secs_f64(args.timeout);

    if let Some(limit) = args.wait_ready {
        return wait_ready(&targets[0], &connector, limit, per_request).await;
    }

    let targets = Arc::new(targets);
    let issued = Arc::new(AtomicU64::new(0));
    let seq = Arc::new(AtomicU64::new(0));
    let cpu_before = own_cpu_ms();
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.duration);
    let mut workers = Vec::new();
    for worker in 0..args.concurrency {
        let ctx = Worker {
            id: worker,
            targets: Arc::clone(&targets),
            connector: Arc::clone(&connector),
            issued: Arc::clone(&issued),
            seq: Arc::clone(&seq),
            limit: args.requests,
            deadline,
            per_request,
            resume: args.resume,
            titan_size: args.titan_size,
            titan_token: args.titan_token.clone(),
        };
        workers.push(tokio::spawn(ctx.run()));
    }
    let mut total = Tally::default();
    for worker in workers {
        let tally = worker.await.expect("worker panicked");
        total.latencies_us.extend(tally.latencies_us);
        for (k, v) in tally.statuses {
            *total.statuses.entry(k).or_default() += v;
        }
        for (k, v) in tally.error_kinds {
            *total.error_kinds.entry(k).or_default() += v;
        }
        total.transport_errors += tally.transport_errors;
        total.resumed += tally.resumed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let client_cpu_ms = own_cpu_ms() - cpu_before;
    println!("{}", summary(&mut total, elapsed, client_cpu_ms));
    for (kind, n) in &total.error_kinds {
        eprintln!("loadgen: {n} × {kind}");
    }
    0
}

/// Formats the one-line result.
fn summary(total: &mut Tally, elapsed: f64, client_cpu_ms: f64) -> String {
    total.latencies_us.sort_unstable();
    let bad_status: u64 = total
        .statuses
        .iter()
        .filter(|(code, _)| !matches!(code.as_bytes().first(), Some(b'1' | b'2' | b'3')))
        .map(|(_, n)| n)
        .sum();
    let answered: u64 = total.statuses.values().sum();
    let requests = answered + total.transport_errors;
    let errors = total.transport_errors + bad_status;
    let ok = requests - errors;
    let pct = |p: f64| -> f64 {
        let l = &total.latencies_us;
        if l.is_empty() {
            return 0.0;
        }
        let idx = ((p / 100.0) * (l.len() as f64)).ceil() as usize;
        l[idx.clamp(1, l.len()) - 1] as f64 / 1000.0
    };
    let max = total.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0;
    let mut line = format!(
        "requests={requests} errors={errors} rps={:.1} p50_ms={:.2} p90_ms={:.2} p99_ms={:.2} max_ms={max:.2} resumed={} elapsed_s={elapsed:.2} client_cpu_ms_per_req={:.3}",
        ok as f64 / elapsed,
        pct(50.0),
        pct(90.0),
        pct(99.0),
        total.resumed,
        client_cpu_ms / requests.max(1) as f64,
    );
    for (code, n) in &total.statuses {
        line.push_str(&format!(" status_{code}={n}"));
    }
    line
}

struct Worker {
    id: usize,
    targets: Arc<Vec<Target>>,
    connector: Arc<SslConnector>,
    issued: Arc<AtomicU64>,
    seq: Arc<AtomicU64>,
    limit: Option<u64>,
    deadline: Instant,
    per_request: Duration,
    resume: bool,
    titan_size: Option<usize>,
    titan_token: Option<String>,
}

impl Worker {
    async fn run(self) -> Tally {
        let mut tally = Tally::default();
        let mut session: Option<SslSession> = None;
        // Spread the workers over the URL list.
        let mut next = self.id % self.targets.len();
        loop {
            match self.limit {
                Some(limit) => {
                    if self.issued.fetch_add(1, Ordering::Relaxed) >= limit {
                        break;
                    }
                }
                None => {
                    if Instant::now() >= self.deadline {
                        break;
                    }
                }
            }
            let target = &self.targets[next];
            next = (next + 1) % self.targets.len();
            let seq = self.seq.fetch_add(1, Ordering::Relaxed);
            let (line, body) = self.request_for(target, seq);
            let started = Instant::now();
            let outcome = tokio::time::timeout(
                self.per_request,
                one_request(
                    &self.connector,
                    target,
                    &line,
                    &body,
                    session.as_ref().filter(|_| self.resume),
                ),
            )
            .await;
            let micros = started.elapsed().as_micros() as u64;
            match outcome {
                Ok(Ok(answer)) => {
                    tally.latencies_us.push(micros);
                    *tally.statuses.entry(answer.status).or_default() += 1;
                    if answer.resumed {
                        tally.resumed += 1;
                    }
                    if self.resume {
                        session = answer.session.or(session);
                    }
                }
                Ok(Err(err)) => {
                    tally.latencies_us.push(micros);
                    tally.transport_errors += 1;
                    *tally.error_kinds.entry(err).or_default() += 1;
                    session = None;
                }
                Err(_) => {
                    tally.latencies_us.push(micros);
                    tally.transport_errors += 1;
                    *tally.error_kinds.entry("timeout".into()).or_default() += 1;
                    session = None;
                }
            }
        }
        tally
    }

    /// The request line (with CRLF) and the Titan body, if any.
    fn request_for(&self, target: &Target, seq: u64) -> (Vec<u8>, Vec<u8>) {
        let url = target
            .url
            .replace("{worker}", &self.id.to_string())
            .replace("{seq}", &seq.to_string());
        match (target.titan, self.titan_size) {
            (true, Some(size)) => {
                let body = titan_body(size, self.id, seq);
                let mut line = format!("{url};mime=text/gemini;size={}", body.len());
                if let Some(token) = &self.titan_token {
                    line.push_str(";token=");
                    line.push_str(token);
                }
                line.push_str("\r\n");
                (line.into_bytes(), body)
            }
            _ => (format!("{url}\r\n").into_bytes(), Vec::new()),
        }
    }
}

/// A gemtext body of exactly `size` bytes, unique per request so that no save is a no-op.
fn titan_body(size: usize, worker: usize, seq: u64) -> Vec<u8> {
    const FILLER: &[u8] = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do \
eiusmod tempor incididunt ut labore et dolore magna aliqua.\n";
    let mut body = format!("# Bench edit {worker}-{seq}\n\n").into_bytes();
    while body.len() < size {
        let take = (size - body.len()).min(FILLER.len());
        body.extend_from_slice(&FILLER[..take]);
    }
    body.truncate(size.max(1));
    body
}

struct Answer {
    status: String,
    resumed: bool,
    session: Option<SslSession>,
}

/// Connect, handshake, send, read to EOF, send close_notify. `Err` names what failed.
async fn one_request(
    connector: &SslConnector,
    target: &Target,
    line: &[u8],
    body: &[u8],
    session: Option<&SslSession>,
) -> Result<Answer, String> {
    let tcp = TcpStream::connect(target.addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let _ = tcp.set_nodelay(true);
    let mut config = connector
        .configure()
        .map_err(|e| format!("ssl config: {e}"))?;
    config.set_verify_hostname(false);
    config.set_use_server_name_indication(target.sni.is_some());
    let mut ssl = config
        .into_ssl(target.sni.as_deref().unwrap_or("localhost"))
        .map_err(|e| format!("ssl: {e}"))?;
    if let Some(session) = session {
        // SAFETY: the session comes from a connection made with this same connector.
        unsafe { ssl.set_session(session) }.map_err(|e| format!("set_session: {e}"))?;
    }
    let mut stream = SslStream::new(ssl, tcp).map_err(|e| format!("ssl stream: {e}"))?;
    std::pin::Pin::new(&mut stream)
        .connect()
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    let resumed = stream.ssl().session_reused();
    stream
        .write_all(line)
        .await
        .map_err(|e| format!("write: {e}"))?;
    if !body.is_empty() {
        stream
            .write_all(body)
            .await
            .map_err(|e| format!("write body: {e}"))?;
    }
    let mut answer = Vec::with_capacity(4096);
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            // A server that closes without close_notify still gave its answer.
            Err(_) if !answer.is_empty() => break,
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    // Our own close_notify: OpenSSL keeps the session resumable only after a clean close.
    let _ = stream.shutdown().await;
    let session = stream.ssl().session().map(|s| s.to_owned());
    if answer.len() < 3 || !answer[..2].iter().all(u8::is_ascii_digit) {
        return Err("malformed header".into());
    }
    Ok(Answer {
        status: String::from_utf8_lossy(&answer[..2]).into_owned(),
        resumed,
        session,
    })
}

/// Polls `target` until it answers; prints `ready_ms=…`.
async fn wait_ready(
    target: &Target,
    connector: &SslConnector,
    limit: f64,
    per_request: Duration,
) -> i32 {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(limit);
    let line = format!("{}\r\n", target.url).into_bytes();
    while Instant::now() < deadline {
        let attempt = tokio::time::timeout(
            per_request,
            one_request(connector, target, &line, &[], None),
        )
        .await;
        if let Ok(Ok(answer)) = attempt {
            println!(
                "ready_ms={:.1} status={}",
                started.elapsed().as_secs_f64() * 1000.0,
                answer.status
            );
            return 0;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    println!("ready_ms=timeout");
    1
}

fn connector(args: &Args) -> SslConnector {
    let mut builder = SslConnector::builder(SslMethod::tls_client()).expect("ssl connector");
    // Gemini servers use self-signed certificates (TOFU); this tool measures, it does not trust.
    builder.set_verify(SslVerifyMode::NONE);
    let max = match args.tls_max.as_str() {
        "1.2" => SslVersion::TLS1_2,
        "1.3" => SslVersion::TLS1_3,
        other => fail(&format!("--tls-max must be 1.2 or 1.3, not {other:?}")),
    };
    builder
        .set_max_proto_version(Some(max))
        .expect("max version");
    if let Some(groups) = &args.groups {
        builder
            .set_groups_list(groups)
            .unwrap_or_else(|e| fail(&format!("--groups {groups:?}: {e}")));
    }
    if let Some(suites) = &args.ciphersuites {
        builder
            .set_ciphersuites(suites)
            .unwrap_or_else(|e| fail(&format!("--ciphersuites {suites:?}: {e}")));
    }
    builder.set_session_cache_mode(if args.resume {
        SslSessionCacheMode::CLIENT
    } else {
        SslSessionCacheMode::OFF
    });
    if let (Some(cert), Some(key)) = (&args.cert, &args.key) {
        builder
            .set_certificate_chain_file(cert)
            .unwrap_or_else(|e| fail(&format!("--cert {}: {e}", cert.display())));
        builder
            .set_private_key_file(key, SslFiletype::PEM)
            .unwrap_or_else(|e| fail(&format!("--key {}: {e}", key.display())));
    }
    builder.build()
}

/// Splits `url` and refuses anything but loopback.
fn target(url: &str, args: &Args) -> Target {
    let (scheme, rest) = url
        .split_once("://")
        .unwrap_or_else(|| fail(&format!("{url:?} is not an absolute URL")));
    let titan = match scheme {
        "gemini" => false,
        "titan" => true,
        _ => fail(&format!("{url:?}: only gemini:// and titan:// URLs")),
    };
    if titan && args.titan_size.is_none() {
        fail("titan:// URLs need --titan-size");
    }
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .unwrap_or_else(|| fail(&format!("{url:?}: bad IPv6 literal")));
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port: u16 = port
        .map(|p| {
            p.parse()
                .unwrap_or_else(|_| fail(&format!("{url:?}: bad port")))
        })
        .unwrap_or(1965);
    let (ip, sni) = if host.eq_ignore_ascii_case("localhost") {
        (IpAddr::from([127, 0, 0, 1]), Some("localhost".to_string()))
    } else {
        let ip: IpAddr = host
            .parse()
            .unwrap_or_else(|_| fail(&format!("{url:?}: host must be an IP literal or localhost")));
        (ip, None)
    };
    if !ip.is_loopback() {
        fail(&format!(
            "{url:?}: refusing a non-loopback target ({ip}); only 127.0.0.0/8 and ::1"
        ));
    }
    Target {
        url: url.to_string(),
        addr: SocketAddr::new(ip, port),
        sni,
        titan,
    }
}

fn write_cert(cert: &std::path::Path, key: &std::path::Path) {
    let (cert_pem, key_pem) = gemwiki::tls::generate_self_signed(&["localhost".into()])
        .unwrap_or_else(|e| fail(&format!("cannot generate a certificate: {e}")));
    let write = |path: &std::path::Path, data: &[u8]| {
        std::fs::write(path, data)
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", path.display())));
    };
    write(cert, &cert_pem);
    write(key, &key_pem);
    let x509 = openssl::x509::X509::from_pem(&cert_pem).expect("own PEM");
    let pkey = openssl::pkey::PKey::private_key_from_pem(&key_pem).expect("own PEM");
    write(&cert.with_extension("der"), &x509.to_der().expect("DER"));
    write(
        &key.with_extension("der"),
        &pkey.private_key_to_pkcs8().expect("PKCS#8 DER"),
    );
    let fingerprint = gemwiki::identity::Fingerprint::of_der(&x509.to_der().expect("DER"));
    println!("fingerprint={fingerprint}");
}

/// This process's user + system CPU time so far, from `/proc/self/stat` (Linux; USER_HZ is
/// 100 there). 0 elsewhere.
fn own_cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

fn fail(message: &str) -> ! {
    eprintln!("loadgen: {message}");
    std::process::exit(2)
}
