//! The notifier: delivers the outbox (written in the same transaction as each dossier event) at
//! least once, with back-off, to the configured sink. The outbox id is the message id
//! (`Message-ID` of the e-mail), so a receiver can drop a duplicate sent after a crash between
//! sending and marking.
//!
//! Sinks: `log` (a log line with the message id, topic and dossier code — no recipient, no text:
//! Decree 13/2023, from 1/1/2026 Law 91/2025/QH15) and `smtp://HOST:PORT` (plain SMTP to a relay
//! on the internal network).

use crate::App;
use chrono::{Duration, Utc};
use motcua_store::dossier as store;
use motcua_store::entity::outbox;
use std::time::Duration as StdDuration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long a claimed message is ours before another node may retry it.
const LEASE_SECS: i64 = 120;

/// The wait before attempt `n + 1` (1 s, 2 s, 4 s … at most an hour).
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds(1i64 << attempts.clamp(0, 12)).min(Duration::hours(1))
}

/// Deliver what is due now; returns (delivered, failed).
pub async fn deliver_due(app: &App) -> Result<(usize, usize), motcua_store::StoreError> {
    let now = Utc::now();
    let due = store::due_messages(app.db.conn(), now, 100).await?;
    // A lease time unique to this round (microseconds), by which the claimed rows are found.
    let lease = now
        + Duration::seconds(LEASE_SECS)
        + Duration::microseconds(i64::from(now.timestamp_subsec_micros() % 997) + 1);
    let mine = store::claim_messages(&app.db, &due, lease).await?;
    let (mut delivered, mut failed) = (Vec::new(), 0);
    for m in mine {
        match send(app, &m).await {
            Ok(()) => delivered.push(m.id),
            Err(e) => {
                let next = Utc::now() + backoff(m.attempts);
                tracing::warn!(message_id = %m.id, topic = %m.topic, attempts = m.attempts + 1, cause = %e, "notification not delivered; will retry");
                store::mark_failed(&app.db, m.id, next, &e).await?;
                failed += 1;
            }
        }
    }
    store::mark_delivered(&app.db, &delivered, Utc::now()).await?;
    Ok((delivered.len(), failed))
}

async fn send(app: &App, m: &outbox::Model) -> Result<(), String> {
    if m.topic == motcua_store::document::EDXML_TOPIC {
        let payload: motcua_store::document::ExchangePayload =
            serde_json::from_str(&m.payload).map_err(|e| format!("payload: {e}"))?;
        return crate::document::exchange::deliver_queued(app, &payload).await;
    }
    let payload: serde_json::Value =
        serde_json::from_str(&m.payload).map_err(|e| format!("payload: {e}"))?;
    let code = payload["code"].as_str().unwrap_or_default();
    let sink = app.config.notify_sink.trim();
    if sink == "log" {
        tracing::info!(message_id = %m.id, topic = %m.topic, dossier = %code, "notification");
        return Ok(());
    }
    let Some(addr) = sink.strip_prefix("smtp://") else {
        return Err(format!("unknown notify_sink «{sink}»"));
    };
    let to = payload["to_email"].as_str().unwrap_or_default();
    if to.is_empty() {
        // No e-mail address: nothing to send by mail (SMS gateways are a later adapter).
        tracing::info!(message_id = %m.id, topic = %m.topic, dossier = %code, "notification without e-mail address");
        return Ok(());
    }
    let subject = payload["subject"].as_str().unwrap_or_default();
    let body = payload["body"].as_str().unwrap_or_default();
    tokio::time::timeout(
        StdDuration::from_secs(30),
        smtp_send(
            addr,
            &app.config.notify_from,
            to,
            subject,
            body,
            &m.id.to_string(),
        ),
    )
    .await
    .map_err(|_| "SMTP timeout".to_owned())?
}

/// One message over plain SMTP (RFC 5321), UTF-8 body, subject as RFC 2047 base64.
pub async fn smtp_send(
    addr: &str,
    from: &str,
    to: &str,
    subject: &str,
    body: &str,
    message_id: &str,
) -> Result<(), String> {
    if [from, to]
        .iter()
        .any(|a| a.contains(['\r', '\n', '<', '>']))
    {
        return Err("invalid address".into());
    }
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    async fn reply(
        r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
        want: char,
    ) -> Result<(), String> {
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.map_err(|e| e.to_string())? == 0 {
                return Err("connection closed".into());
            }
            if !line.starts_with(want) {
                return Err(format!("SMTP: {}", line.trim_end()));
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(());
            }
        }
    }
    reply(&mut r, '2').await?;
    for (cmd, want) in [
        ("EHLO motcua\r\n".to_owned(), '2'),
        (format!("MAIL FROM:<{from}>\r\n"), '2'),
        (format!("RCPT TO:<{to}>\r\n"), '2'),
        ("DATA\r\n".to_owned(), '3'),
    ] {
        w.write_all(cmd.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        reply(&mut r, want).await?;
    }
    let subject_b64 = base64(subject.as_bytes());
    let body_b64 = base64(body.as_bytes());
    let wrapped: Vec<&str> = body_b64
        .as_bytes()
        .chunks(76)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    let msg = format!(
        "From: <{from}>\r\nTo: <{to}>\r\nSubject: =?UTF-8?B?{subject_b64}?=\r\nMessage-ID: <{message_id}@motcua>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n.\r\n",
        wrapped.join("\r\n")
    );
    w.write_all(msg.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    reply(&mut r, '2').await?;
    let _ = w.write_all(b"QUIT\r\n").await;
    Ok(())
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Run forever: deliver what is due every second.
pub async fn run(app: App) {
    let mut tick = tokio::time::interval(StdDuration::from_secs(1));
    loop {
        tick.tick().await;
        if let Err(e) = deliver_due(&app).await {
            tracing::warn!(cause = %e, "notifier");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_examples() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn backoff_doubles_and_stops_at_an_hour() {
        assert_eq!(backoff(0), Duration::seconds(1));
        assert_eq!(backoff(3), Duration::seconds(8));
        assert_eq!(backoff(40), Duration::hours(1));
    }
}
