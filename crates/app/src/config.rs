//! Configuration: built-in defaults, then an optional `motcua.toml`, then `MOTCUA_*` variables.

use chrono::NaiveTime;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use motcua_domain::calendar::WorkingHours;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// The documented example printed by `motcua default-config`. A test checks that it parses to
/// exactly [`Config::default`].
pub const DEFAULT_CONFIG_TOML: &str = include_str!("default-config.toml");

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://PATH` (embedded, the default) or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    pub database_url: String,
    /// Address to listen on.
    pub listen: String,
    /// The address users reach motcua at, e.g. `https://dichvucong.example.gov.vn`. When it is
    /// `https://…`, cookies are `Secure` and responses carry HSTS (TLS ends at the reverse proxy).
    pub public_url: Option<String>,
    /// Connections in the database pool.
    pub db_max_connections: u32,
    /// Lifetime of a browser session, in hours.
    pub session_ttl_hours: i64,
    /// Lifetime of an API token, in hours.
    pub token_ttl_hours: i64,
    /// Largest request body accepted, in bytes (larger: 413).
    pub body_limit_bytes: usize,
    /// Largest uploaded file (a dossier component or result), in bytes (larger: 413).
    pub upload_limit_bytes: usize,
    /// Largest video of the portal's news, in bytes (larger: 413; pictures: 5 MiB).
    pub media_limit_bytes: usize,
    /// Where notifications go: `log` (the default: a log line without personal data) or
    /// `smtp://HOST:PORT` (plain SMTP to a relay on the internal network).
    pub notify_sink: String,
    /// The sender address of notification e-mails.
    pub notify_from: String,
    /// Longest time a request may take, in seconds (longer: 503).
    pub request_timeout_secs: u64,
    /// Failed sign-ins in a row that lock an account.
    pub login_max_failures: i32,
    /// How long a lock-out lasts, in minutes (an admin can lift it earlier).
    pub lockout_minutes: i64,
    /// Sign-in attempts allowed per client address per minute.
    pub login_attempts_per_minute: u32,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<String>,
    /// Daily working hours of the agency, `HH:MM-HH:MM` intervals in order.
    pub working_hours: Vec<String>,
    /// Requests per client per minute to the public deadline calculator.
    pub public_requests_per_minute: u32,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter, e.g. `info` or `motcua_web=debug,info`.
    pub log_level: String,
    /// The passphrase that encrypts private signing keys at rest (secret; prefer the environment).
    pub signing_key_passphrase: Option<String>,
    /// Where the generated passphrase is kept when `signing_key_passphrase` is not set.
    pub signing_key_file: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/motcua.db".to_owned(),
            listen: "127.0.0.1:8080".to_owned(),
            public_url: None,
            db_max_connections: 16,
            session_ttl_hours: 8,
            token_ttl_hours: 12,
            body_limit_bytes: 2 * 1024 * 1024,
            upload_limit_bytes: 10 * 1024 * 1024,
            media_limit_bytes: 100 * 1024 * 1024,
            notify_sink: "log".to_owned(),
            notify_from: "khong-tra-loi@motcua.local".to_owned(),
            request_timeout_secs: 30,
            login_max_failures: 5,
            lockout_minutes: 15,
            login_attempts_per_minute: 10,
            trusted_proxies: Vec::new(),
            working_hours: vec!["08:00-12:00".to_owned(), "13:00-17:00".to_owned()],
            public_requests_per_minute: 120,
            log_format: "text".to_owned(),
            log_level: "info".to_owned(),
            signing_key_passphrase: None,
            signing_key_file: "data/signing-key.secret".to_owned(),
        }
    }
}

/// The keys that `MOTCUA_*` variables may set; other `MOTCUA_` variables (used by tests and
/// scripts) are not configuration and are left alone.
const ENV_KEYS: &[&str] = &[
    "database_url",
    "listen",
    "public_url",
    "db_max_connections",
    "session_ttl_hours",
    "token_ttl_hours",
    "body_limit_bytes",
    "upload_limit_bytes",
    "media_limit_bytes",
    "notify_sink",
    "notify_from",
    "request_timeout_secs",
    "login_max_failures",
    "lockout_minutes",
    "login_attempts_per_minute",
    "trusted_proxies",
    "working_hours",
    "public_requests_per_minute",
    "log_format",
    "log_level",
    "signing_key_passphrase",
    "signing_key_file",
];

impl Config {
    /// Defaults, then the TOML file (`path`, or `./motcua.toml` when it exists), then `MOTCUA_*`.
    pub fn load(path: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match path {
            Some(p) => fig = fig.merge(Toml::file_exact(p)),
            None => fig = fig.merge(Toml::file("motcua.toml")),
        }
        fig = fig.merge(Env::prefixed("MOTCUA_").filter(|k| {
            ENV_KEYS
                .iter()
                .any(|known| k.as_str().eq_ignore_ascii_case(known))
        }));
        fig.extract().map_err(Box::new)
    }

    /// The working hours as the calendar needs them.
    pub fn parsed_working_hours(&self) -> Result<WorkingHours, String> {
        let mut intervals = Vec::new();
        for item in &self.working_hours {
            let parsed = item.split_once('-').and_then(|(a, b)| {
                Some((
                    NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?,
                    NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?,
                ))
            });
            intervals
                .push(parsed.ok_or_else(|| format!("working_hours: «{item}» is not HH:MM-HH:MM"))?);
        }
        WorkingHours::new(&intervals).map_err(|e| format!("working_hours: {e}"))
    }

    /// Whether users reach motcua over TLS.
    pub fn behind_tls(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// A database URL with its password replaced by `***`, fit for logs and `Debug`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .field("db_max_connections", &self.db_max_connections)
            .field("session_ttl_hours", &self.session_ttl_hours)
            .field("token_ttl_hours", &self.token_ttl_hours)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("upload_limit_bytes", &self.upload_limit_bytes)
            .field("media_limit_bytes", &self.media_limit_bytes)
            .field("notify_sink", &self.notify_sink)
            .field("notify_from", &self.notify_from)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("login_max_failures", &self.login_max_failures)
            .field("lockout_minutes", &self.lockout_minutes)
            .field("login_attempts_per_minute", &self.login_attempts_per_minute)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("working_hours", &self.working_hours)
            .field(
                "public_requests_per_minute",
                &self.public_requests_per_minute,
            )
            .field("log_format", &self.log_format)
            .field("log_level", &self.log_level)
            .field(
                "signing_key_passphrase",
                &self.signing_key_passphrase.as_ref().map(|_| "***"),
            )
            .field("signing_key_file", &self.signing_key_file)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_default_config_is_the_default() {
        let parsed: Result<Config, _> = Figment::from(Toml::string(DEFAULT_CONFIG_TOML)).extract();
        assert_eq!(parsed.ok(), Some(Config::default()));
    }

    #[test]
    fn working_hours_are_parsed_and_checked() {
        assert_eq!(
            Config::default()
                .parsed_working_hours()
                .map(|h| h.per_day_seconds()),
            Ok(8 * 3600)
        );
        let bad = Config {
            working_hours: vec!["13:00-12:00".into()],
            ..Config::default()
        };
        assert!(bad.parsed_working_hours().is_err());
        let bad = Config {
            working_hours: vec!["8h-12h".into()],
            ..Config::default()
        };
        assert!(bad.parsed_working_hours().is_err());
    }

    #[test]
    fn passwords_never_appear_in_debug_output() {
        let c = Config {
            database_url: "postgres://motcua:s3cret-pw@db.internal:5432/motcua".into(),
            signing_key_passphrase: Some("k3y-pass-phrase".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret-pw"), "{shown}");
        assert!(!shown.contains("k3y-pass-phrase"), "{shown}");
        assert!(
            shown.contains("postgres://motcua:***@db.internal:5432/motcua"),
            "{shown}"
        );
    }

    #[test]
    fn urls_without_password_are_kept() {
        assert_eq!(
            redact_url("sqlite://data/motcua.db"),
            "sqlite://data/motcua.db"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }

    #[test]
    #[allow(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure type"
    )]
    fn environment_overrides_file_and_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "motcua.toml",
                "listen = \"0.0.0.0:9000\"\nlockout_minutes = 30\n",
            )?;
            jail.set_env("MOTCUA_LISTEN", "127.0.0.1:9999");
            jail.set_env("MOTCUA_TEST_POSTGRES_URL", "postgres://ignored");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.listen, "127.0.0.1:9999");
            assert_eq!(c.lockout_minutes, 30);
            assert_eq!(c.database_url, Config::default().database_url);
            Ok(())
        });
    }
}
