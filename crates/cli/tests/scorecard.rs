//! The scorecard's computed targets equal an independent computation from the raw records — the
//! dossier CSV export and the document registers, read through the API — for a year of generated
//! history plus the demo's real filings, for the whole year and for a quarter; `motcua scorecard
//! verify` finds the live counters equal to the records, and says so with exit 1 when one counter
//! is tampered with. A plan copied through the API keeps the 27 targets; bad periods and a second
//! plan for a year are refused. On both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Datelike, NaiveDate};
use motcua_testkit::{Backend, TestApp, TestDb, backend_test};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::{Command, Output};

fn motcua(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env("MOTCUA_DATABASE_URL", url)
        .env("MOTCUA_LOG_LEVEL", "warn")
        .env_remove("MOTCUA_DEMO_PASSWORD")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

async fn token(app: &TestApp, email: &str) -> String {
    let r = app
        .client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": "motcua-demo-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "sign-in of {email}");
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(path, Some(token)).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

/// One dossier row of the CSV export.
struct Row {
    procedure: String,
    channel: String,
    received: NaiveDate,
    resolved: Option<NaiveDate>,
    returned: Option<NaiveDate>,
    return_channel: String,
    outcome: String,
}

fn day(s: &str) -> Option<NaiveDate> {
    (!s.is_empty()).then(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .date_naive()
    })
}

fn parse_csv(text: &str) -> Vec<Row> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (p, c, rec, res, ret, rc, o) = (
        col("procedure"),
        col("channel"),
        col("received_at"),
        col("resolved_at"),
        col("returned_at"),
        col("return_channel"),
        col("outcome"),
    );
    lines
        .map(|l| {
            // No field of these columns contains a comma or a quote (codes, channels, instants).
            let f: Vec<&str> = l.split(',').collect();
            Row {
                procedure: f[p].to_owned(),
                channel: f[c].to_owned(),
                received: day(f[rec]).unwrap(),
                resolved: day(f[res]),
                returned: day(f[ret]),
                return_channel: f[rc].to_owned(),
                outcome: f[o].to_owned(),
            }
        })
        .collect()
}

/// (numerator, denominator) of every computed target, from the raw records only (each argument
/// is one kind of record).
#[allow(clippy::too_many_arguments)]
fn expected(
    rows: &[Row],
    from: NaiveDate,
    to: NaiveDate,
    online_class: &BTreeSet<String>,
    postal_eligible: &BTreeSet<String>,
    docs: (&[Value], &[Value]),
    top_of: &dyn Fn(&str) -> Option<String>,
    top_units: usize,
) -> BTreeMap<&'static str, Option<(f64, f64)>> {
    let within = |d: Option<NaiveDate>| d.is_some_and(|d| d >= from && d <= to);
    let filed: Vec<&Row> = rows.iter().filter(|r| within(Some(r.received))).collect();
    let resolved: Vec<&Row> = rows.iter().filter(|r| within(r.resolved)).collect();
    let returned: Vec<&Row> = rows.iter().filter(|r| within(r.returned)).collect();
    let frac = |n: usize, d: usize| (d > 0).then_some((n as f64, d as f64));
    let online_used: BTreeSet<&str> = filed
        .iter()
        .filter(|r| r.channel == "online")
        .map(|r| r.procedure.as_str())
        .collect();
    let postal_used: BTreeSet<&str> = filed
        .iter()
        .filter(|r| r.channel == "postal")
        .map(|r| r.procedure.as_str())
        .chain(
            returned
                .iter()
                .filter(|r| r.return_channel == "postal")
                .map(|r| r.procedure.as_str()),
        )
        .collect();
    let (out, inc) = docs;
    let electronic = out
        .iter()
        .chain(inc.iter())
        .filter(|d| d["electronic"] == true)
        .count();
    let sent: BTreeSet<String> = out
        .iter()
        .filter(|d| d["signature_state"] == "valid")
        .filter_map(|d| d["drafting_unit_id"].as_str().and_then(top_of))
        .collect();
    let received: BTreeSet<String> = inc
        .iter()
        .filter(|d| matches!(d["signature_state"].as_str(), Some("valid" | "untrusted")))
        .filter_map(|d| d["handling"]["unit_id"].as_str().and_then(top_of))
        .collect();
    let mut m = BTreeMap::new();
    m.insert(
        "T3.4",
        frac(
            resolved
                .iter()
                .filter(|r| matches!(r.outcome.as_str(), "early" | "on_time"))
                .count(),
            resolved.len(),
        ),
    );
    m.insert("T3.5", frac(filed.len(), filed.len()));
    m.insert("T7.1", frac(electronic, out.len() + inc.len()));
    m.insert(
        "T7.2",
        frac(sent.intersection(&received).count(), top_units),
    );
    m.insert(
        "T7.3",
        frac(
            online_class
                .iter()
                .filter(|c| online_used.contains(c.as_str()))
                .count(),
            online_class.len(),
        ),
    );
    m.insert(
        "T7.4",
        frac(
            filed.iter().filter(|r| r.channel == "online").count(),
            filed.len(),
        ),
    );
    m.insert(
        "T7.5",
        frac(
            postal_eligible
                .iter()
                .filter(|c| postal_used.contains(c.as_str()))
                .count(),
            postal_eligible.len(),
        ),
    );
    m.insert(
        "T7.6",
        frac(
            filed.iter().filter(|r| r.channel == "postal").count(),
            filed.len(),
        ),
    );
    m.insert(
        "T7.7",
        frac(
            returned
                .iter()
                .filter(|r| r.return_channel == "postal")
                .count(),
            returned.len(),
        ),
    );
    m
}

/// The period-end forecast of T3.4, T7.4, T7.6, T7.7 from the rows by month (docs/INDICATORS.md):
/// counted so far, plus for each month left the mean of the last three months up to this one.
/// Empty when the period is over.
fn expected_forecasts(
    rows: &[Row],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> BTreeMap<&'static str, Option<f64>> {
    let mut out = BTreeMap::new();
    if today > to || today < from {
        return out;
    }
    let month = |d: NaiveDate| d.year() * 100 + d.month() as i32;
    let mut months = Vec::new();
    let mut d = from;
    while d <= to {
        months.push(month(d));
        d = d.checked_add_months(chrono::Months::new(1)).unwrap();
    }
    let now = month(today);
    let recent: Vec<i32> = months
        .iter()
        .copied()
        .filter(|m| *m <= now)
        .rev()
        .take(3)
        .collect();
    let left = months.iter().filter(|m| **m > now).count() as f64;
    // (target, month) → (numerator, denominator)
    let mut per: BTreeMap<(&str, i32), (f64, f64)> = BTreeMap::new();
    let mut add = |k: &'static str, d: Option<NaiveDate>, n: bool| {
        if let Some(d) = d {
            let e = per.entry((k, month(d))).or_insert((0.0, 0.0));
            e.0 += f64::from(u8::from(n));
            e.1 += 1.0;
        }
    };
    for r in rows {
        add(
            "T3.4",
            r.resolved,
            matches!(r.outcome.as_str(), "early" | "on_time"),
        );
        add("T7.4", Some(r.received), r.channel == "online");
        add("T7.6", Some(r.received), r.channel == "postal");
        add("T7.7", r.returned, r.return_channel == "postal");
    }
    for k in ["T3.4", "T7.4", "T7.6", "T7.7"] {
        let sum = |ms: &[i32]| {
            ms.iter().fold((0.0, 0.0), |a, m| {
                let v = per.get(&(k, *m)).copied().unwrap_or((0.0, 0.0));
                (a.0 + v.0, a.1 + v.1)
            })
        };
        let so_far: Vec<i32> = months.iter().copied().filter(|m| *m <= now).collect();
        let (n, d) = sum(&so_far);
        let (rn, rd) = sum(&recent);
        let kr = recent.len().max(1) as f64;
        let (fnum, fden) = (n + rn / kr * left, d + rd / kr * left);
        out.insert(k, (fden > 0.0).then(|| fnum / fden));
    }
    out
}

async fn the_scorecard_equals_the_raw_records(backend: Backend) {
    let db = TestDb::new(backend).await;
    let url = db.url.clone();
    let out = motcua(
        &url,
        &["demo", "--dossiers", "2500", "--years", "2", "--seed", "21"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("demo reform plans: 2"), "{text}");
    let app = TestApp::spawn_on(db, |_| {}).await;
    let office = token(&app, "cchc@demo.motcua.vn").await;
    let admin = token(&app, "quantri@demo.motcua.vn").await;
    let year = chrono::Utc::now()
        .with_timezone(&motcua_domain::time::VN_OFFSET)
        .year();

    // The seed plan: 27 targets; a copy for the previous year through the API; refusals.
    let plan = get_json(&app, &office, &format!("/api/v1/plans/{year}")).await;
    assert_eq!(plan["targets"].as_array().unwrap().len(), 27);
    let r = app
        .post_json(
            "/api/v1/plans",
            Some(&office),
            &json!({"year": year - 1, "copy_of": year}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post_json("/api/v1/plans", Some(&office), &json!({"year": year - 1}))
        .await;
    assert_eq!(r.status(), 409, "one plan a year");
    let r = app
        .post_json(
            "/api/v1/plans",
            Some(&office),
            &json!({"year": 2019, "copy_of": 2018}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post_json("/api/v1/plans", Some(&admin), &json!({"year": 1999}))
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .get(
            &format!("/api/v1/plans/{year}/scorecard?from={year}-05&to={year}-02"),
            Some(&office),
        )
        .await;
    assert_eq!(r.status(), 422, "a period ending before it starts");
    let r = app.get("/api/v1/plans/1990/scorecard", Some(&office)).await;
    assert_eq!(r.status(), 404);

    // The raw records: the dossiers of this year and the last (T3.4 and T7.7 count by the day
    // of resolution and return), the catalogue, the registers, the units.
    let mut rows = Vec::new();
    for y in [year - 1, year] {
        let r = app
            .get(
                &format!("/api/v1/dossiers/export?from={y}-01-01&to={y}-12-31"),
                Some(&office),
            )
            .await;
        assert_eq!(r.status(), 200);
        rows.extend(parse_csv(&r.text().await.unwrap()));
    }
    assert!(rows.len() > 2000, "{}", rows.len());
    let (mut online_class, mut postal_eligible) = (BTreeSet::new(), BTreeSet::new());
    for page in 1.. {
        let p = get_json(
            &app,
            &office,
            &format!("/api/v1/procedures?per_page=100&page={page}"),
        )
        .await;
        let items = p["items"].as_array().unwrap();
        for i in items {
            if i["status"] != "published" {
                continue;
            }
            let code = i["code"].as_str().unwrap().to_owned();
            if i["online_class"] != "none" || i["legacy_level"].as_i64().unwrap() >= 3 {
                online_class.insert(code.clone());
            }
            if i["postal_receipt"] == true || i["postal_return"] == true {
                postal_eligible.insert(code);
            }
        }
        if items.len() < 100 {
            break;
        }
    }
    assert!(!online_class.is_empty() && !postal_eligible.is_empty());
    let docs_of = |dir: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            get_json(
                app,
                &admin,
                &format!("/api/v1/documents?direction={dir}&year={year}"),
            )
            .await["items"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let (outgoing, incoming) = (docs_of("out").await, docs_of("in").await);
    let units = get_json(&app, &admin, "/api/v1/units").await;
    let parent: HashMap<String, Option<String>> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["id"].as_str().unwrap().to_owned(),
                u["parent_id"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let top_units = parent.values().filter(|p| p.is_none()).count();
    let top_of = |id: &str| {
        let mut id = id.to_owned();
        loop {
            match parent.get(&id)? {
                None => return Some(id),
                Some(p) => id = p.clone(),
            }
        }
    };

    for (from, to, query) in [
        (
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
            String::new(),
        ),
        (
            NaiveDate::from_ymd_opt(year, 4, 1).unwrap(),
            NaiveDate::from_ymd_opt(year, 6, 30).unwrap(),
            format!("?from={year}-04&to={year}-06"),
        ),
    ] {
        let card = get_json(
            &app,
            &office,
            &format!("/api/v1/plans/{year}/scorecard{query}"),
        )
        .await;
        assert_eq!(card["year"], year);
        let want = expected(
            &rows,
            from,
            to,
            &online_class,
            &postal_eligible,
            (&outgoing, &incoming),
            &top_of,
            top_units,
        );
        let targets = card["targets"].as_array().unwrap();
        assert_eq!(targets.len(), 27);
        let forecasts = expected_forecasts(
            &rows,
            from,
            to,
            chrono::Utc::now()
                .with_timezone(&motcua_domain::time::VN_OFFSET)
                .date_naive(),
        );
        for (id, want) in &want {
            let t = targets.iter().find(|t| t["id"] == *id).unwrap();
            let got = t["numerator"].as_f64().zip(t["denominator"].as_f64());
            assert_eq!(got, *want, "{id} over {from}–{to}: {t}");
            assert_eq!(t["comparator"], ">=");
            match want {
                None => assert_eq!(t["status"], "no_data", "{t}"),
                Some((n, d)) => {
                    let v = t["value"].as_f64().unwrap();
                    assert!((v - n / d).abs() < 1e-4, "{t}");
                    let today = chrono::Utc::now()
                        .with_timezone(&motcua_domain::time::VN_OFFSET)
                        .date_naive();
                    // While the period runs, the forecast decides for the targets that have one.
                    let forecast = forecasts.get(id).copied().flatten();
                    match forecast {
                        Some(f) => assert!(
                            (t["forecast"].as_f64().unwrap() - f).abs() < 1e-4,
                            "{id} forecast {f}: {t}"
                        ),
                        None => assert_eq!(t["forecast"], Value::Null, "{t}"),
                    }
                    let judged = forecast.unwrap_or(v);
                    let reached =
                        (judged * 1e4).round() >= (t["threshold"].as_f64().unwrap() * 1e4).round();
                    let status = match (reached, to < today) {
                        (true, true) => "met",
                        (false, true) => "missed",
                        (true, false) => "on_track",
                        (false, false) => "at_risk",
                    };
                    assert_eq!(t["status"], status, "{t}");
                }
            }
        }
        // The dossier targets have data in a year of history; a register without items (the demo
        // fills T1.1, T5.2 and T6.1) has none.
        for id in ["T3.4", "T7.4", "T7.6", "T7.7"] {
            assert!(want[id].is_some(), "{id} has data");
        }
        let t24 = targets.iter().find(|t| t["id"] == "T2.4").unwrap();
        assert_eq!(
            (t24["value"].clone(), t24["status"].clone()),
            (Value::Null, json!("no_data"))
        );
        let t11 = targets.iter().find(|t| t["id"] == "T1.1").unwrap();
        assert_eq!(
            (t11["numerator"].as_f64(), t11["denominator"].as_f64()),
            (Some(0.0), Some(3.0)),
            "the demo's three tasks, none done: {t11}"
        );
    }

    // The table as a file: CSV with the same fraction for T3.4, XLSX opens as a zip.
    let r = app
        .get(
            &format!("/api/v1/plans/{year}/scorecard?format=csv"),
            Some(&office),
        )
        .await;
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    let card = get_json(&app, &office, &format!("/api/v1/plans/{year}/scorecard")).await;
    let t34 = card["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "T3.4")
        .unwrap()
        .clone();
    let line = csv.lines().find(|l| l.starts_with("T3.4;")).unwrap();
    assert!(
        line.contains(&format!(
            ";{};{};",
            t34["numerator"].as_f64().unwrap(),
            t34["denominator"].as_f64().unwrap()
        )),
        "{line} vs {t34}"
    );
    let r = app
        .get(
            &format!("/api/v1/plans/{year}/scorecard?format=xlsx"),
            Some(&office),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let r = app
        .get(
            &format!("/api/v1/plans/{year}/scorecard?format=doc"),
            Some(&office),
        )
        .await;
    assert_eq!(r.status(), 422);
    // The report with its charts, as PDF: its text reads back (pdftotext, installed by the test
    // command) with the title, a target and its figure.
    let r = app
        .get(
            &format!("/api/v1/plans/{year}/scorecard?format=pdf"),
            Some(&office),
        )
        .await;
    assert_eq!(r.status(), 200);
    let pdf = r.bytes().await.unwrap().to_vec();
    assert!(
        pdf.starts_with(b"%PDF-"),
        "{}",
        String::from_utf8_lossy(&pdf[..pdf.len().min(300)])
    );
    let path = std::env::temp_dir().join(format!(
        "motcua-report-{}-{backend:?}.pdf",
        std::process::id()
    ));
    std::fs::write(&path, &pdf).unwrap();
    match Command::new("pdftotext").arg(&path).arg("-").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let value = motcua_app::plan::shown(t34["value"].as_f64(), "share");
            for want in [
                "BÁO CÁO",
                &format!("Kết quả thực hiện kế hoạch cải cách hành chính năm {year}"),
                "HIỆN ĐẠI HÓA NỀN HÀNH CHÍNH",
                "T3.4",
                value.as_str(),
                "XẾP HẠNG ĐƠN VỊ",
            ] {
                assert!(flat.contains(want), "«{want}» not in the report: {flat}");
            }
        }
        _ => assert!(
            std::env::var_os("MOTCUA_REQUIRE_TOOLS").is_none(),
            "pdftotext missing"
        ),
    }

    // The page shows the same figures, grouped by field, with its bars.
    let browser = app.browser();
    let csrf = motcua_testkit::csrf_of(&browser, &app.url("/login")).await;
    let r = browser
        .post(app.url("/login"))
        .form(&[
            ("email", "cchc@demo.motcua.vn"),
            ("password", "motcua-demo-2026"),
            ("csrf_token", csrf.as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = browser
        .get(app.url(&format!("/ke-hoach?nam={year}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "Hiện đại hóa nền hành chính",
        "T7.6",
        "<svg",
        "Chưa có dữ liệu",
        "Văn phòng Bộ",
    ] {
        assert!(html.contains(want), "«{want}» not on the page");
    }
    // Drill-down: the scorecard links each dossier target to its dossiers, and the dossiers listed
    // behind T3.4 and T7.7 are as many as their denominators.
    let at = html
        .find("ho-so/T3.4")
        .map(|i| html[i..].chars().take(100).collect::<String>());
    assert!(
        html.contains(&format!(
            "/ke-hoach/ho-so/T3.4?nam={year}&#38;tu={year}-01&#38;den={year}-12"
        )),
        "{at:?}"
    );
    for id in ["T3.4", "T7.7"] {
        let t = card["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap();
        let page = browser
            .get(app.url(&format!(
                "/ke-hoach/ho-so/{id}?nam={year}&tu={year}-01&den={year}-12"
            )))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let total = t["denominator"].as_f64().unwrap() as u64;
        assert!(
            page.contains(&format!("Tổng: <strong>{total}</strong>")),
            "{id}: {total} not on the page"
        );
    }
    let r = browser
        .get(app.url(&format!("/ke-hoach/ho-so/T1.1?nam={year}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        404,
        "a register target's records are its register"
    );

    // The live counters equal the records; one tampered counter is found.
    let out = motcua(&url, &["scorecard", "verify", "--year", &year.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("scorecard verified"), "{text}");
    use motcua_store::sea_orm::ConnectionTrait;
    let changed = app
        .db
        .conn()
        .execute_unprepared(&format!(
            "UPDATE dossier_stat SET received_postal = received_postal + 1 \
             WHERE channel = 'postal' AND month >= {year}01 AND month <= {year}12"
        ))
        .await
        .unwrap()
        .rows_affected();
    assert!(changed > 0, "postal filings this year");
    let out = motcua(&url, &["scorecard", "verify", "--year", &year.to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("T7.6") && text.contains("DIFFERENT"),
        "{text}"
    );
    app.stop().await;
}
backend_test!(scorecard, the_scorecard_equals_the_raw_records);
