//! Settings in two stages: `RawConfig` is what the operator wrote in `config.toml` (unknown
//! keys are errors naming the key), `Config` is the validated result with CLI overrides
//! applied (CLI > file > defaults). No globals: the `Config` is passed down explicitly.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::cli::ServeArgs;

/// Why the configuration could not be used; messages name the file, key or flag to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("listen address {0:?} is not an IP:port pair such as 127.0.0.1:1965 or [::1]:1965 (--listen or `listen` in config.toml)")]
    Listen(String),
    #[error("host name {0:?} is not a valid DNS name (--hostname or `hostnames` in config.toml)")]
    Hostname(String),
    #[error("[access] registration must be \"open\", \"approval\" or \"closed\", not {0:?}")]
    Registration(String),
    #[error("[tls] cert_file and key_file must be given together")]
    TlsPair,
    #[error("[web] {key}: {value:?} is not an IP:port pair such as 127.0.0.1:8080, or a port")]
    WebListen { key: &'static str, value: String },
    #[error("[web] cert_file and key_file must be given together, and only with [web] listen")]
    WebTlsPair,
    #[error("{key} must be greater than zero")]
    Zero { key: &'static str },
}

/// `config.toml` exactly as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub title: Option<String>,
    pub main_page: Option<String>,
    pub lang: Option<String>,
    pub hostnames: Option<Vec<String>>,
    pub listen: Option<Vec<String>>,
    pub max_connections: Option<usize>,
    pub limits: RawLimits,
    pub uploads: RawUploads,
    pub access: RawAccess,
    pub tls: RawTls,
    pub phoebe: RawPhoebe,
    pub web: RawWeb,
}

/// `[web]`: the read-only HTML view (SPEC §8).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawWeb {
    /// Answer browsers on the Gemini port too (default true).
    pub on_gemini_port: Option<bool>,
    pub listen: Option<Vec<String>>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub listen_plain: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawPhoebe {
    pub spaces: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLimits {
    pub requests_per_minute: Option<u32>,
    pub edits_per_minute: Option<u32>,
    pub connections_per_client: Option<usize>,
    pub registrations_per_hour: Option<u32>,
    pub registrations_per_hour_all: Option<u32>,
    pub max_page_size: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawUploads {
    pub mime_types: Option<Vec<String>>,
    pub max_file_size: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawAccess {
    pub registration: Option<String>,
    pub tokens: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTls {
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub session_resumption: Option<bool>,
}

/// Who may create an account by presenting a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// New accounts are active at once.
    Open,
    /// New accounts wait for an admin.
    Approval,
    /// Only admins bind certificates, with the CLI.
    Closed,
}

/// Validated settings: the server's own, and those of the wiki it serves. They are kept
/// apart so that one server can later serve several wikis (a host → wiki map).
#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerConfig,
    pub wiki: WikiConfig,
}

/// How the server runs, whatever wiki it serves: where it listens, how many connections it
/// holds, its TLS files and its deadlines.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    pub listen: Vec<SocketAddr>,
    pub max_connections: usize,
    /// Open connections one client network may hold (`[limits] connections_per_client`):
    /// defends against one network filling every slot with idle sockets.
    pub connections_per_client: usize,
    pub tls: TlsConfig,
    pub timeouts: Timeouts,
    pub web: WebConfig,
}

/// Where the web view answers: on the Gemini port, on HTTPS listeners (with their own
/// certificate, or the Gemini one) and on plain-HTTP listeners for a reverse proxy.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    pub on_gemini_port: bool,
    pub listen: Vec<SocketAddr>,
    pub tls_files: Option<(PathBuf, PathBuf)>,
    pub listen_plain: Vec<SocketAddr>,
}

/// One wiki's settings: its names, the hosts it answers to, who may register and its limits.
#[derive(Debug, Clone)]
pub struct WikiConfig {
    /// Where the wiki's database and template overrides live.
    pub data_dir: PathBuf,
    pub title: String,
    pub main_page: String,
    pub lang: Option<String>,
    /// Lowercase ASCII (punycode) host names this wiki answers to.
    pub hostnames: Vec<String>,
    pub limits: Limits,
    pub uploads: Uploads,
    pub registration: Registration,
    pub tokens: Vec<String>,
    /// Phoebe spaces this wiki holds (`[phoebe] spaces`): `/<space>/…` redirects to `/…`.
    pub phoebe_spaces: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub requests_per_minute: u32,
    pub edits_per_minute: u32,
    /// New accounts per client network per hour: defends against one network minting
    /// accounts (each with its own edit budget) by the hundred.
    pub registrations_per_hour: u32,
    /// New accounts per hour in all: the same flood spread over many networks.
    pub registrations_per_hour_all: u32,
    pub max_page_size: u64,
}

#[derive(Debug, Clone)]
pub struct Uploads {
    pub mime_types: Vec<String>,
    pub max_file_size: u64,
}

#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// Operator-supplied certificate and key; `None` means generate one in the data dir.
    pub files: Option<(PathBuf, PathBuf)>,
    pub session_resumption: bool,
}

/// Deadlines for each phase of a connection (SPEC §1.1).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub handshake: Duration,
    /// Longer than 5 s on purpose: a request ended by a bare LF gets no answer before it.
    pub request: Duration,
    pub body: Duration,
    /// How long the body of a rejected upload from a client with no identity is drained:
    /// defends against a certificate-less upload dribbled slowly holding its slot for the
    /// whole body timeout.
    pub rejected_drain: Duration,
    pub write: Duration,
    /// How long shutdown waits for open connections.
    pub shutdown: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            handshake: Duration::from_secs(10),
            request: Duration::from_secs(10),
            body: Duration::from_secs(30),
            rejected_drain: Duration::from_secs(3),
            write: Duration::from_secs(30),
            shutdown: Duration::from_secs(10),
        }
    }
}

impl Config {
    /// Defaults for a data directory, as if `config.toml` were empty.
    ///
    /// # Errors
    /// Never for the built-in defaults; kept fallible to share `from_raw`.
    pub fn defaults(data_dir: &Path) -> Result<Self, ConfigError> {
        Self::from_raw(RawConfig::default(), data_dir, &ServeArgs::default())
    }

    /// Reads `file` (or `<data_dir>/config.toml` when it exists) and applies `overrides`.
    ///
    /// # Errors
    /// Unreadable file, TOML errors (naming unknown keys), or invalid values.
    pub fn load(
        data_dir: &Path,
        file: Option<&Path>,
        overrides: &ServeArgs,
    ) -> Result<Self, ConfigError> {
        let default_file = data_dir.join("config.toml");
        let path = match file {
            Some(path) => Some(path.to_path_buf()),
            None => default_file.exists().then_some(default_file),
        };
        let raw = match path {
            None => RawConfig::default(),
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str(&text).map_err(|err| ConfigError::Parse {
                    path,
                    message: err.message().to_string(),
                })?
            }
        };
        Self::from_raw(raw, data_dir, overrides)
    }

    /// Validates `raw`, with CLI `overrides` taking precedence.
    ///
    /// # Errors
    /// The first invalid value, named.
    pub fn from_raw(
        raw: RawConfig,
        data_dir: &Path,
        overrides: &ServeArgs,
    ) -> Result<Self, ConfigError> {
        let listen = pick(
            &overrides.listen,
            raw.listen,
            &["127.0.0.1:1965", "[::1]:1965"],
        );
        let listen = listen
            .iter()
            .map(|addr| addr.parse().map_err(|_| ConfigError::Listen(addr.clone())))
            .collect::<Result<Vec<SocketAddr>, _>>()?;
        let hostnames = pick(&overrides.hostname, raw.hostnames, &["localhost"]);
        let hostnames = hostnames
            .iter()
            .map(|name| normalise_host(name))
            .collect::<Result<Vec<_>, _>>()?;
        let tls_files = match (raw.tls.cert_file, raw.tls.key_file) {
            (Some(cert), Some(key)) => Some((data_dir.join(cert), data_dir.join(key))),
            (None, None) => None,
            _ => return Err(ConfigError::TlsPair),
        };
        let limits = Limits {
            requests_per_minute: positive(
                raw.limits.requests_per_minute,
                120,
                "[limits] requests_per_minute",
            )?,
            edits_per_minute: positive(
                raw.limits.edits_per_minute,
                20,
                "[limits] edits_per_minute",
            )?,
            registrations_per_hour: positive(
                raw.limits.registrations_per_hour,
                10,
                "[limits] registrations_per_hour",
            )?,
            registrations_per_hour_all: positive(
                raw.limits.registrations_per_hour_all,
                100,
                "[limits] registrations_per_hour_all",
            )?,
            max_page_size: positive(raw.limits.max_page_size, 102_400, "[limits] max_page_size")?,
        };
        let connections_per_client = positive(
            raw.limits.connections_per_client,
            32,
            "[limits] connections_per_client",
        )?;
        let uploads = Uploads {
            mime_types: raw
                .uploads
                .mime_types
                .unwrap_or_default()
                .into_iter()
                .map(|mime| mime.trim().to_ascii_lowercase())
                .collect(),
            max_file_size: positive(
                raw.uploads.max_file_size,
                1_048_576,
                "[uploads] max_file_size",
            )?,
        };
        let registration = match raw.access.registration.as_deref().unwrap_or("open") {
            "open" => Registration::Open,
            "approval" => Registration::Approval,
            "closed" => Registration::Closed,
            other => return Err(ConfigError::Registration(other.to_string())),
        };
        Ok(Self {
            server: ServerConfig {
                data_dir: data_dir.to_path_buf(),
                listen,
                max_connections: positive(raw.max_connections, 1024, "max_connections")?,
                connections_per_client,
                tls: TlsConfig {
                    files: tls_files,
                    session_resumption: raw.tls.session_resumption.unwrap_or(true),
                },
                timeouts: Timeouts::default(),
                web: web_config(raw.web, data_dir)?,
            },
            wiki: WikiConfig {
                data_dir: data_dir.to_path_buf(),
                title: raw.title.unwrap_or_else(|| "gemwiki".to_string()),
                main_page: raw.main_page.unwrap_or_else(|| "Welcome".to_string()),
                lang: raw.lang,
                hostnames,
                limits,
                uploads,
                registration,
                tokens: raw.access.tokens.unwrap_or_default(),
                phoebe_spaces: raw.phoebe.spaces.unwrap_or_default(),
            },
        })
    }
}

impl WikiConfig {
    /// The MIME type line for gemtext bodies, with `lang=` when configured.
    pub fn gemtext_mime(&self) -> String {
        match &self.lang {
            Some(lang) => format!("text/gemini; charset=utf-8; lang={lang}"),
            None => "text/gemini; charset=utf-8".to_string(),
        }
    }
}

fn web_config(raw: RawWeb, data_dir: &Path) -> Result<WebConfig, ConfigError> {
    let listen = web_addrs(raw.listen, "listen")?;
    let tls_files = match (raw.cert_file, raw.key_file) {
        (Some(cert), Some(key)) if !listen.is_empty() => {
            Some((data_dir.join(cert), data_dir.join(key)))
        }
        (None, None) => None,
        _ => return Err(ConfigError::WebTlsPair),
    };
    Ok(WebConfig {
        on_gemini_port: raw.on_gemini_port.unwrap_or(true),
        listen,
        tls_files,
        listen_plain: web_addrs(raw.listen_plain, "listen_plain")?,
    })
}

/// `IP:port`, or a bare port meaning loopback (`127.0.0.1:port`), which is where a plain
/// listener belongs: behind a reverse proxy on the same machine.
fn web_addrs(list: Option<Vec<String>>, key: &'static str) -> Result<Vec<SocketAddr>, ConfigError> {
    let parse = |value: String| match value.parse::<u16>() {
        Ok(port) => Ok(SocketAddr::from(([127, 0, 0, 1], port))),
        Err(_) => value
            .parse()
            .map_err(|_| ConfigError::WebListen { key, value }),
    };
    list.unwrap_or_default().into_iter().map(parse).collect()
}

/// CLI list if given, else the file's list, else the defaults.
fn pick(cli: &[String], file: Option<Vec<String>>, default: &[&str]) -> Vec<String> {
    if !cli.is_empty() {
        cli.to_vec()
    } else {
        file.unwrap_or_else(|| default.iter().map(|s| (*s).to_string()).collect())
    }
}

fn positive<T: Default + PartialEq>(
    value: Option<T>,
    default: T,
    key: &'static str,
) -> Result<T, ConfigError> {
    match value {
        Some(v) if v == T::default() => Err(ConfigError::Zero { key }),
        Some(v) => Ok(v),
        None => Ok(default),
    }
}

/// Lowercases and punycode-encodes a host name; IP literals pass through.
pub fn normalise_host(name: &str) -> Result<String, ConfigError> {
    let trimmed = name.trim().trim_end_matches('.');
    if trimmed.parse::<std::net::IpAddr>().is_ok() {
        return Ok(trimmed.to_string());
    }
    if let Some(inner) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return inner
            .parse::<std::net::Ipv6Addr>()
            .map(|_| trimmed.to_ascii_lowercase())
            .map_err(|_| ConfigError::Hostname(name.to_string()));
    }
    match idna::domain_to_ascii(trimmed) {
        Ok(ascii) if !ascii.is_empty() => Ok(ascii),
        _ => Err(ConfigError::Hostname(name.to_string())),
    }
}

/// The capsule's address for each distinct port the listeners are bound to, as a visitor
/// types it: `gemini://host/` on Gemini's port 1965, `gemini://host:19801/` on any other.
pub fn capsule_urls(host: &str, bound: &[SocketAddr]) -> Vec<String> {
    let host = match host.parse::<std::net::Ipv6Addr>() {
        Ok(_) => format!("[{host}]"),
        Err(_) => host.to_owned(),
    };
    let mut ports: Vec<u16> = bound.iter().map(SocketAddr::port).collect();
    ports.sort_unstable();
    ports.dedup();
    ports
        .into_iter()
        .map(|port| match port {
            1965 => format!("gemini://{host}/"),
            port => format!("gemini://{host}:{port}/"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capsule_urls_name_the_port_unless_it_is_1965() {
        // Issue 16: the log said gemini://localhost/ while listening on 19801.
        let bound: Vec<SocketAddr> = ["127.0.0.1:19801", "[::1]:19801", "0.0.0.0:1965"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        assert_eq!(
            capsule_urls("localhost", &bound),
            ["gemini://localhost/", "gemini://localhost:19801/"]
        );
        assert_eq!(capsule_urls("::1", &bound[..1]), ["gemini://[::1]:19801/"]);
    }

    fn from_toml(text: &str, overrides: &ServeArgs) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|err| ConfigError::Parse {
            path: "test.toml".into(),
            message: err.message().to_string(),
        })?;
        Config::from_raw(raw, Path::new("data"), overrides)
    }

    #[test]
    fn empty_file_gives_documented_defaults() {
        let config = from_toml("", &ServeArgs::default()).unwrap();
        assert_eq!(config.wiki.hostnames, ["localhost"]);
        assert_eq!(
            config.server.listen,
            [
                "127.0.0.1:1965".parse().unwrap(),
                "[::1]:1965".parse().unwrap()
            ] as [SocketAddr; 2]
        );
        assert_eq!(config.wiki.main_page, "Welcome");
        assert_eq!(config.server.max_connections, 1024);
        assert_eq!(config.wiki.limits.requests_per_minute, 120);
        assert_eq!(config.wiki.limits.edits_per_minute, 20);
        assert_eq!(config.wiki.limits.max_page_size, 102_400);
        assert_eq!(config.server.connections_per_client, 32);
        assert_eq!(config.wiki.limits.registrations_per_hour, 10);
        assert_eq!(config.wiki.limits.registrations_per_hour_all, 100);
        assert_eq!(config.wiki.uploads.max_file_size, 1_048_576);
        assert_eq!(config.wiki.registration, Registration::Open);
        assert!(config.server.tls.session_resumption);
        assert!(config.server.tls.files.is_none());
    }

    #[test]
    fn unknown_keys_are_errors_that_name_the_key() {
        let err = from_toml("[limits]\nmax_pagesize = 5\n", &ServeArgs::default()).unwrap_err();
        assert!(err.to_string().contains("max_pagesize"), "{err}");
        let err = from_toml("colour = \"red\"\n", &ServeArgs::default()).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn cli_overrides_file_which_overrides_defaults() {
        let file = "hostnames = [\"file.example\"]\nlisten = [\"127.0.0.1:2000\"]\n";
        let from_file = from_toml(file, &ServeArgs::default()).unwrap();
        assert_eq!(from_file.wiki.hostnames, ["file.example"]);
        assert_eq!(
            from_file.server.listen,
            ["127.0.0.1:2000".parse::<SocketAddr>().unwrap()]
        );

        let cli = ServeArgs {
            listen: vec!["[::]:1965".into()],
            hostname: vec!["CLI.Example".into()],
        };
        let from_cli = from_toml(file, &cli).unwrap();
        assert_eq!(from_cli.wiki.hostnames, ["cli.example"]);
        assert_eq!(
            from_cli.server.listen,
            ["[::]:1965".parse::<SocketAddr>().unwrap()]
        );
    }

    #[test]
    fn idn_host_names_become_punycode() {
        let cli = ServeArgs {
            listen: vec![],
            hostname: vec!["Bücher.example".into()],
        };
        let config = from_toml("", &cli).unwrap();
        assert_eq!(config.wiki.hostnames, ["xn--bcher-kva.example"]);
    }

    #[test]
    fn invalid_values_are_named() {
        let err = from_toml(
            "[access]\nregistration = \"maybe\"\n",
            &ServeArgs::default(),
        );
        assert!(matches!(err, Err(ConfigError::Registration(r)) if r == "maybe"));
        let err = from_toml("listen = [\"nowhere\"]\n", &ServeArgs::default());
        assert!(matches!(err, Err(ConfigError::Listen(_))));
        let err = from_toml("[tls]\ncert_file = \"c.pem\"\n", &ServeArgs::default());
        assert!(matches!(err, Err(ConfigError::TlsPair)));
        let err = from_toml("[limits]\nmax_page_size = 0\n", &ServeArgs::default());
        assert!(err.unwrap_err().to_string().contains("max_page_size"));
    }

    #[test]
    fn per_client_limits_are_read_and_must_be_positive() {
        let text = "[limits]\nconnections_per_client = 4\nregistrations_per_hour = 2\nregistrations_per_hour_all = 3\n";
        let config = from_toml(text, &ServeArgs::default()).unwrap();
        assert_eq!(config.server.connections_per_client, 4);
        assert_eq!(config.wiki.limits.registrations_per_hour, 2);
        assert_eq!(config.wiki.limits.registrations_per_hour_all, 3);
        for key in [
            "connections_per_client",
            "registrations_per_hour",
            "registrations_per_hour_all",
        ] {
            let err = from_toml(&format!("[limits]\n{key} = 0\n"), &ServeArgs::default());
            assert!(err.unwrap_err().to_string().contains(key), "{key}");
        }
    }

    #[test]
    fn access_and_uploads_are_read() {
        let text = "[access]\nregistration = \"approval\"\ntokens = [\"t1\"]\n[uploads]\nmime_types = [\"Image/PNG\"]\n";
        let config = from_toml(text, &ServeArgs::default()).unwrap();
        assert_eq!(config.wiki.registration, Registration::Approval);
        assert_eq!(config.wiki.tokens, ["t1"]);
        assert_eq!(config.wiki.uploads.mime_types, ["image/png"]);
    }

    #[test]
    fn web_section_defaults_to_the_gemini_port_only() {
        let web = from_toml("", &ServeArgs::default()).unwrap().server.web;
        assert!(web.on_gemini_port);
        assert!(web.listen.is_empty() && web.listen_plain.is_empty() && web.tls_files.is_none());
    }

    #[test]
    fn web_listeners_and_certificate_are_read_and_a_bare_port_is_loopback() {
        let text = "[web]\non_gemini_port = false\nlisten = [\"[::]:443\"]\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\nlisten_plain = [\"8080\", \"10.0.0.1:80\"]\n";
        let web = from_toml(text, &ServeArgs::default()).unwrap().server.web;
        assert!(!web.on_gemini_port);
        assert_eq!(web.listen, ["[::]:443".parse::<SocketAddr>().unwrap()]);
        assert_eq!(
            web.tls_files,
            Some((PathBuf::from("data/c.pem"), PathBuf::from("data/k.pem")))
        );
        let plain: Vec<SocketAddr> = vec![
            "127.0.0.1:8080".parse().unwrap(),
            "10.0.0.1:80".parse().unwrap(),
        ];
        assert_eq!(web.listen_plain, plain);
    }

    #[test]
    fn web_errors_name_the_key() {
        let err = from_toml("[web]\nlisten_plain = [\"x\"]\n", &ServeArgs::default());
        assert!(matches!(
            err,
            Err(ConfigError::WebListen {
                key: "listen_plain",
                ..
            })
        ));
        let err = from_toml(
            "[web]\ncert_file = \"c\"\nkey_file = \"k\"\n",
            &ServeArgs::default(),
        );
        assert!(
            matches!(err, Err(ConfigError::WebTlsPair)),
            "certificate without listen"
        );
        let err = from_toml("[web]\nport = 1\n", &ServeArgs::default()).unwrap_err();
        assert!(err.to_string().contains("port"), "{err}");
    }

    #[test]
    fn phoebe_spaces_are_read() {
        let config = from_toml("[phoebe]\nspaces = [\"notes\"]\n", &ServeArgs::default()).unwrap();
        assert_eq!(config.wiki.phoebe_spaces, ["notes"]);
        assert!(from_toml("", &ServeArgs::default())
            .unwrap()
            .wiki
            .phoebe_spaces
            .is_empty());
    }
}
