//! Shared test harness: a real gemwiki server in-process on 127.0.0.1:0 with a temporary data
//! directory, a blocking TLS client that can present a client certificate (or none), and
//! generators for the certificates tests need. Every certificate here is generated per run.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::ssl::{
    ShutdownState, SslConnector, SslMethod, SslSession, SslSessionCacheMode, SslVerifyMode,
    SslVersion,
};
use openssl::x509::{X509NameBuilder, X509};
use tokio_util::sync::CancellationToken;

use gemwiki::capsule::{server, Capsule};
use gemwiki::config::Config;
use gemwiki::identity::Fingerprint;
use gemwiki::site::Site;
use gemwiki::store::Store;
use gemwiki::web::{serve::WebHandoff, Web};
use gemwiki::{seed, tls};

/// A running server; stops (gracefully) when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    /// The `[web] listen` HTTPS listener, when started with [`TestServer::start_web`].
    pub web_https: Option<SocketAddr>,
    /// The `[web] listen_plain` listener, when started with [`TestServer::start_web`].
    pub web_plain: Option<SocketAddr>,
    pub app: Arc<Capsule>,
    shutdown: CancellationToken,
    thread: Option<JoinHandle<()>>,
    dir: tempfile::TempDir,
}

impl TestServer {
    /// A server with default settings (and generous per-client limits: tests that need one
    /// set it).
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    /// A server that also serves the web view on an HTTPS and a plain-HTTP listener
    /// (127.0.0.1, ports chosen by the system) besides the Gemini port.
    pub fn start_web() -> Self {
        Self::start_with(|config| {
            config.server.web.listen = vec!["127.0.0.1:0".parse().expect("addr")];
            config.server.web.listen_plain = vec!["127.0.0.1:0".parse().expect("addr")];
        })
    }

    /// A server whose config `adjust` may change before it starts.
    pub fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start_prepared(adjust, |_| {})
    }

    /// A server whose store `prepare` fills before the starter pages would be seeded (which
    /// then only happens if `prepare` left the wiki empty), as `gemwiki import` does.
    pub fn start_prepared(adjust: impl FnOnce(&mut Config), prepare: impl FnOnce(&Store)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::defaults(dir.path()).expect("default config");
        config.wiki.limits.requests_per_minute = 100_000;
        config.wiki.limits.edits_per_minute = 100_000;
        config.wiki.limits.registrations_per_hour = 100_000;
        config.wiki.limits.registrations_per_hour_all = 100_000;
        config.server.connections_per_client = 100_000;
        adjust(&mut config);
        let store = Store::open(&dir.path().join("gemwiki.sqlite")).expect("store");
        prepare(&store);
        store
            .import_if_empty(&seed::starter_pages(), 1_700_000_000)
            .expect("seed");
        let (cert, key) = tls::ensure_generated(dir.path(), &config.wiki.hostnames).expect("cert");
        let acceptor = tls::build_acceptor(&cert, &key, config.server.tls.session_resumption)
            .expect("acceptor");
        let tokens = gemwiki::secret::load_or_create(dir.path()).expect("token key");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        listener.set_nonblocking(true).expect("nonblocking");
        let shutdown = CancellationToken::new();
        let site = Arc::new(Site::new(config.wiki, store, tokens));
        let settings = config.server;
        let web = Arc::new(
            Web::new(
                Arc::clone(&site),
                addr.port(),
                settings.timeouts,
                shutdown.clone(),
            )
            .expect("web templates"),
        );
        let mut capsule = Capsule::new(site).expect("templates");
        if settings.web.on_gemini_port {
            capsule = capsule.with_http_handoff(Arc::new(WebHandoff(Arc::clone(&web))));
        }
        let app = Arc::new(capsule);
        let web_listeners = WebListeners::bind(&settings.web, &cert, &key);
        let (web_https, web_plain) = (web_listeners.https_addr, web_listeners.plain_addr);
        let (run_app, run_shutdown) = (Arc::clone(&app), shutdown.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let web_task = web_listeners.spawn(web, settings.max_connections);
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                server::run(vec![listener], acceptor, run_app, &settings, run_shutdown).await;
                let _ = web_task.await;
            });
        });
        Self {
            addr,
            web_https,
            web_plain,
            app,
            shutdown,
            thread: Some(thread),
            dir,
        }
    }

    /// `gemini://localhost:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("gemini://localhost:{}{path}", self.addr.port())
    }

    /// `titan://localhost:PORT` + `path`.
    pub fn titan_url(&self, path: &str) -> String {
        format!("titan://localhost:{}{path}", self.addr.port())
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn store(&self) -> &Store {
        self.app.store()
    }

    /// Whether page `name` is locked (it must exist).
    pub fn locked(&self, name: &str) -> bool {
        let name = gemwiki::wiki::PageName::new(name).expect("page name");
        self.store()
            .page(&name)
            .expect("read")
            .expect("page exists")
            .locked
    }

    /// How many revisions page `name` has (0 if it does not exist).
    pub fn revisions(&self, name: &str) -> u32 {
        let name = gemwiki::wiki::PageName::new(name).expect("valid page name");
        self.store()
            .page(&name)
            .expect("store read")
            .map_or(0, |page| page.revisions)
    }

    /// GET `path` without a client certificate.
    pub fn get(&self, path: &str) -> Reply {
        Client::new().send(self.addr, &self.url(path))
    }

    /// GET `path` presenting `cert`.
    pub fn get_as(&self, cert: &TestCert, path: &str) -> Reply {
        Client::new().cert(cert).send(self.addr, &self.url(path))
    }
}

/// Following the links a page renders, as a person does: action URLs carry a token made for
/// the certificate that fetched the page (SPEC §3.0), so tests take them from the page.
impl TestServer {
    /// Answers `path` for `cert`, following `30`s to local paths (at most 5) as a client does.
    pub fn follow_as(&self, cert: &TestCert, path: &str) -> Reply {
        let mut reply = self.get_as(cert, path);
        for _ in 0..5 {
            if reply.status != 30 || !reply.meta.starts_with('/') {
                break;
            }
            reply = self.get_as(cert, &reply.meta.clone());
        }
        reply
    }

    /// The URL of the one link on `page` (fetched as `cert`) that is `action` plus a token.
    #[track_caller]
    pub fn link_as(&self, cert: &TestCert, page: &str, action: &str) -> String {
        let text = self.get_as(cert, page).assert_status(20).text();
        action_link(&text, action)
            .unwrap_or_else(|| panic!("no {action}/<token> on {page}:\n{text}"))
    }

    /// Follows the `action` link of `page` as `cert`, sending `query` (`None`: no query).
    pub fn act_as(&self, cert: &TestCert, page: &str, action: &str, query: Option<&str>) -> Reply {
        let link = self.link_as(cert, page, action);
        match query {
            Some(query) => self.get_as(cert, &format!("{link}?{query}")),
            None => self.get_as(cert, &link),
        }
    }

    /// `/do/edit/<name>/<action>?query` through the edit menu's link for `cert`.
    pub fn edit_as(&self, cert: &TestCert, name: &str, action: &str, query: Option<&str>) -> Reply {
        let menu = format!("/do/edit/{name}");
        self.act_as(cert, &menu, &format!("{menu}/{action}"), query)
    }

    /// Where `path` sends `cert` with a tokenized prompt (`/do/register`, `/do/account/claim`)
    /// and that prompt answering `query`; any other answer to `path` as it is.
    pub fn prompt_as(&self, cert: &TestCert, path: &str, query: &str) -> Reply {
        let first = self.get_as(cert, path);
        if first.status == 30 && first.meta.starts_with(&format!("{path}/")) {
            return self.get_as(cert, &format!("{}?{query}", first.meta));
        }
        first
    }
}

/// The URL of the link line `=> <action>/<token> …` in `text`, if there is exactly one.
pub fn action_link(text: &str, action: &str) -> Option<String> {
    let urls: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("=> "))
        .filter_map(|rest| rest.split(' ').next())
        .filter(|url| {
            url.strip_prefix(action)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|token| token.len() == 22 && !token.contains('/'))
        })
        .collect();
    match urls.as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    }
}

/// Whether `text` has the line `=> <action>/<token> <label>`.
pub fn has_action_link(text: &str, action: &str, label: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("=> ")
            .and_then(|rest| rest.strip_prefix(action))
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.split_once(' '))
            .is_some_and(|(token, rest)| token.len() == 22 && rest == label)
    })
}

impl TestServer {
    /// Starts a graceful shutdown (as SIGTERM does) without waiting for it.
    pub fn begin_shutdown(&self) {
        self.shutdown.cancel();
    }
}

/// The web listeners of a test server, bound before its runtime starts.
struct WebListeners {
    https: Vec<std::net::TcpListener>,
    plain: Vec<std::net::TcpListener>,
    acceptor: Option<openssl::ssl::SslAcceptor>,
    https_addr: Option<SocketAddr>,
    plain_addr: Option<SocketAddr>,
}

impl WebListeners {
    fn bind(web: &gemwiki::config::WebConfig, cert: &Path, key: &Path) -> Self {
        let bind = |addrs: &[SocketAddr]| -> Vec<std::net::TcpListener> {
            addrs
                .iter()
                .map(|a| {
                    let l = std::net::TcpListener::bind(a).expect("bind web");
                    l.set_nonblocking(true).expect("nonblocking");
                    l
                })
                .collect()
        };
        let (https, plain) = (bind(&web.listen), bind(&web.listen_plain));
        let first =
            |ls: &[std::net::TcpListener]| ls.first().map(|l| l.local_addr().expect("addr"));
        let acceptor =
            (!https.is_empty()).then(|| tls::build_web_acceptor(cert, key).expect("web acceptor"));
        Self {
            https_addr: first(&https),
            plain_addr: first(&plain),
            https,
            plain,
            acceptor,
        }
    }

    fn spawn(self, web: Arc<Web>, max: usize) -> tokio::task::JoinHandle<()> {
        let tokio = |ls: Vec<std::net::TcpListener>| -> Vec<tokio::net::TcpListener> {
            ls.into_iter()
                .map(|l| tokio::net::TcpListener::from_std(l).expect("listener"))
                .collect()
        };
        let (https, plain) = (tokio(self.https), tokio(self.plain));
        tokio::spawn(gemwiki::web::serve::run(
            web,
            https,
            self.acceptor,
            plain,
            max,
        ))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A complete answer as the client saw it.
pub struct Reply {
    pub status: u8,
    pub meta: String,
    pub header: String,
    pub body: Vec<u8>,
    /// The server ended the TLS session with close_notify.
    pub clean_close: bool,
    /// The TLS session, for resumption tests.
    pub session: Option<SslSession>,
    pub session_reused: bool,
    pub tls_version: String,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    #[track_caller]
    pub fn assert_status(&self, status: u8) -> &Self {
        assert_eq!(
            self.status,
            status,
            "header: {:?}\nbody: {}",
            self.header,
            String::from_utf8_lossy(&self.body)
        );
        self
    }
}

/// A blocking Gemini/Titan client built on OpenSSL, configurable per request.
#[derive(Default)]
pub struct Client<'a> {
    cert: Option<&'a TestCert>,
    chain: &'a [X509],
    no_sni: bool,
    version: Option<SslVersion>,
    groups: Option<&'a str>,
}

impl<'a> Client<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cert(mut self, cert: &'a TestCert) -> Self {
        self.cert = Some(cert);
        self
    }

    /// Certificates sent after the client certificate, as a client's "chain".
    pub fn chain(mut self, chain: &'a [X509]) -> Self {
        self.chain = chain;
        self
    }

    pub fn no_sni(mut self) -> Self {
        self.no_sni = true;
        self
    }

    /// Key-exchange groups to offer, in OpenSSL syntax.
    pub fn groups(mut self, groups: &'a str) -> Self {
        self.groups = Some(groups);
        self
    }

    pub fn tls_version(mut self, version: SslVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Sends `url` + CRLF and reads the whole reply.
    pub fn send(&self, addr: SocketAddr, url: &str) -> Reply {
        let mut line = url.as_bytes().to_vec();
        line.extend_from_slice(b"\r\n");
        self.send_raw(addr, &line)
    }

    /// Sends exactly `bytes` after the handshake and reads the whole reply.
    pub fn send_raw(&self, addr: SocketAddr, bytes: &[u8]) -> Reply {
        self.exchange(&self.connector(), addr, bytes, None)
    }

    /// Two requests for `url` over one client context, the second resuming the first's
    /// TLS session (as a real client with a session cache does).
    pub fn send_twice_resuming(&self, addr: SocketAddr, url: &str) -> (Reply, Reply) {
        let line = format!("{url}\r\n");
        let connector = self.connector();
        let first = self.exchange(&connector, addr, line.as_bytes(), None);
        let session = first.session.clone().expect("a session to resume");
        let second = self.exchange(&connector, addr, line.as_bytes(), Some(&session));
        (first, second)
    }

    fn connector(&self) -> SslConnector {
        let mut builder = SslConnector::builder(SslMethod::tls_client()).expect("connector");
        builder.set_verify(SslVerifyMode::NONE);
        // Keep TLS 1.3 tickets so `Reply::session` can be resumed.
        builder.set_session_cache_mode(SslSessionCacheMode::CLIENT);
        if let Some(groups) = self.groups {
            builder.set_groups_list(groups).expect("groups");
        }
        if let Some(version) = self.version {
            builder.set_min_proto_version(Some(version)).expect("min");
            builder.set_max_proto_version(Some(version)).expect("max");
        }
        if let Some(cert) = self.cert {
            builder.set_certificate(&cert.cert).expect("client cert");
            builder.set_private_key(&cert.key).expect("client key");
        }
        for extra in self.chain {
            builder
                .add_extra_chain_cert(extra.clone())
                .expect("chain cert");
        }
        builder.build()
    }

    fn exchange(
        &self,
        connector: &SslConnector,
        addr: SocketAddr,
        bytes: &[u8],
        session: Option<&SslSession>,
    ) -> Reply {
        self.handshake(connector, addr, session).finish(bytes)
    }

    /// Like [`Client::send`], but a failed handshake is an `Err` with OpenSSL's reason instead
    /// of a panic.
    pub fn try_send(&self, addr: SocketAddr, url: &str) -> Result<Reply, String> {
        let connector = self.connector();
        let mut config = connector.configure().expect("configure");
        config.set_verify_hostname(false);
        let tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let stream = config
            .connect("localhost", tcp)
            .map_err(|err| err.to_string())?;
        Ok(OpenConnection { stream }.finish(format!("{url}\r\n").as_bytes()))
    }

    /// A connection with the TLS handshake done and nothing sent yet.
    pub fn open(&self, addr: SocketAddr) -> OpenConnection {
        self.handshake(&self.connector(), addr, None)
    }

    fn handshake(
        &self,
        connector: &SslConnector,
        addr: SocketAddr,
        session: Option<&SslSession>,
    ) -> OpenConnection {
        let mut config = connector.configure().expect("configure");
        config.set_verify_hostname(false);
        config.set_use_server_name_indication(!self.no_sni);
        if let Some(session) = session {
            // SAFETY: the session came from a connection made with this same connector.
            unsafe { config.set_session(session) }.expect("set session");
        }
        let tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let stream = config.connect("localhost", tcp).expect("TLS handshake");
        OpenConnection { stream }
    }
}

/// A client connection after its handshake, before its request.
pub struct OpenConnection {
    stream: openssl::ssl::SslStream<TcpStream>,
}

impl OpenConnection {
    /// Sends `bytes` and reads the whole reply.
    pub fn finish(mut self, bytes: &[u8]) -> Reply {
        let stream = &mut self.stream;
        stream.write_all(bytes).expect("write request");
        let mut received = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = stream.ssl_read(&mut buf) {
            received.extend_from_slice(&buf[..n]);
        }
        let clean_close = stream.get_shutdown().contains(ShutdownState::RECEIVED);
        // Answer close_notify: OpenSSL marks a session not resumable if the client never sent
        // its own close_notify.
        let _ = stream.shutdown();
        let ssl = stream.ssl();
        let reply = parse_reply(&received);
        Reply {
            clean_close,
            session: ssl.session().map(|s| s.to_owned()),
            session_reused: ssl.session_reused(),
            tls_version: ssl.version_str().to_string(),
            ..reply
        }
    }
}

fn parse_reply(received: &[u8]) -> Reply {
    let end = received.windows(2).position(|w| w == b"\r\n");
    let (header, body) = match end {
        Some(end) => (
            String::from_utf8_lossy(&received[..end]).into_owned(),
            received[end + 2..].to_vec(),
        ),
        None => (String::from_utf8_lossy(received).into_owned(), Vec::new()),
    };
    let status = header.get(..2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let meta = header.get(3..).unwrap_or("").to_string();
    Reply {
        status,
        meta,
        header,
        body,
        clean_close: false,
        session: None,
        session_reused: false,
        tls_version: String::new(),
    }
}

/// A client certificate and its key.
pub struct TestCert {
    pub cert: X509,
    pub key: PKey<Private>,
}

impl TestCert {
    /// Self-signed EC P-256, valid from yesterday for ten years.
    pub fn ec(common_name: &str) -> Self {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        Self::build(
            key,
            common_name,
            Asn1Time::days_from_now(0).unwrap(),
            Asn1Time::days_from_now(3650).unwrap(),
        )
    }

    /// Self-signed RSA-2048 whose notAfter is 9999-12-31 (GeneralizedTime).
    pub fn rsa_until_9999(common_name: &str) -> Self {
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let not_after = Asn1Time::from_str("99991231235959Z").unwrap();
        Self::build(
            key,
            common_name,
            Asn1Time::days_from_now(0).unwrap(),
            not_after,
        )
    }

    /// Self-signed EC whose validity ended in 2001.
    pub fn expired(common_name: &str) -> Self {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        Self::build(
            key,
            common_name,
            Asn1Time::from_str("20000101000000Z").unwrap(),
            Asn1Time::from_str("20010101000000Z").unwrap(),
        )
    }

    /// Self-signed EC valid only from 2090.
    pub fn not_yet_valid(common_name: &str) -> Self {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        Self::build(
            key,
            common_name,
            Asn1Time::from_str("20900101000000Z").unwrap(),
            Asn1Time::from_str("20910101000000Z").unwrap(),
        )
    }

    fn build(
        key: PKey<Private>,
        common_name: &str,
        not_before: Asn1Time,
        not_after: Asn1Time,
    ) -> Self {
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_nid(Nid::COMMONNAME, common_name)
            .unwrap();
        let name = name.build();
        let mut builder = X509::builder().unwrap();
        builder.set_version(2).unwrap();
        let mut serial = BigNum::new().unwrap();
        serial.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
        builder
            .set_serial_number(&serial.to_asn1_integer().unwrap())
            .unwrap();
        builder.set_subject_name(&name).unwrap();
        builder.set_issuer_name(&name).unwrap();
        builder.set_pubkey(&key).unwrap();
        builder.set_not_before(&not_before).unwrap();
        builder.set_not_after(&not_after).unwrap();
        builder.sign(&key, MessageDigest::sha256()).unwrap();
        Self {
            cert: builder.build(),
            key,
        }
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_der(&self.cert.to_der().unwrap())
    }

    /// Writes the certificate as PEM to `path`.
    pub fn write_pem(&self, path: &Path) {
        std::fs::write(path, self.cert.to_pem().unwrap()).unwrap();
    }
}

impl Client<'_> {
    /// Sends a Titan upload: `url` (with its `;size=…` parameters) + CRLF + `body`, all in
    /// one write as an eager client does, then reads the whole reply.
    pub fn titan(&self, addr: SocketAddr, url: &str, body: &[u8]) -> Reply {
        let mut bytes = format!("{url}\r\n").into_bytes();
        bytes.extend_from_slice(body);
        self.send_raw(addr, &bytes)
    }
}

impl TestCert {
    /// What the server learns from this certificate in the handshake.
    pub fn client_cert(&self) -> gemwiki::identity::ClientCert {
        let epoch = Asn1Time::from_unix(0).unwrap();
        let unix = |t: &openssl::asn1::Asn1TimeRef| {
            let diff = epoch.diff(t).unwrap();
            i64::from(diff.days) * 86_400 + i64::from(diff.secs)
        };
        gemwiki::identity::ClientCert {
            fingerprint: self.fingerprint(),
            common_name: None,
            not_before: unix(self.cert.not_before()),
            not_after: unix(self.cert.not_after()),
        }
    }
}

/// Saves `text` (gemtext) as the next revision of `page` by `author`, straight in the store;
/// returns the revision number (the current one if the text is unchanged).
pub fn save_gemtext(
    store: &Store,
    page: &str,
    text: &str,
    author: gemwiki::wiki::model::Author,
    now: i64,
) -> u32 {
    use gemwiki::wiki::model::{NewRevision, SaveOutcome};
    let outcome = store
        .save_revision(NewRevision {
            name: &gemwiki::wiki::PageName::new(page).expect("page name"),
            text,
            format: gemwiki::wiki::PageFormat::Gemtext,
            author,
            comment: None,
            now,
        })
        .expect("save");
    match outcome {
        SaveOutcome::Created(n) | SaveOutcome::Unchanged(n) => n,
    }
}

/// Creates an active editor account `name` bound to `cert`, straight in the store (not
/// through `/do/register`); returns the account id.
pub fn register(server: &TestServer, cert: &TestCert, name: &str) -> i64 {
    register_as(
        server,
        cert,
        name,
        gemwiki::wiki::model::Role::Editor,
        gemwiki::wiki::model::AccountState::Active,
    )
}

/// Like [`register`], with a chosen role and state.
pub fn register_as(
    server: &TestServer,
    cert: &TestCert,
    name: &str,
    role: gemwiki::wiki::model::Role,
    state: gemwiki::wiki::model::AccountState,
) -> i64 {
    let created = server
        .store()
        .create_account(name, role, state, &cert.client_cert(), 1_700_000_000)
        .expect("create account");
    match created {
        gemwiki::wiki::model::CreateAccount::Created(account) => account.id,
        other => panic!("could not register {name}: {other:?}"),
    }
}

/// Two editors' certificates whose accounts cannot edit: one pending, one suspended.
pub fn pending_and_suspended(server: &TestServer) -> (TestCert, TestCert) {
    use gemwiki::wiki::model::{AccountState, Role};
    let pending = TestCert::ec("pending");
    let suspended = TestCert::ec("suspended");
    register_as(
        server,
        &pending,
        "pending",
        Role::Editor,
        AccountState::Pending,
    );
    register_as(
        server,
        &suspended,
        "suspended",
        Role::Editor,
        AccountState::Suspended,
    );
    (pending, suspended)
}
