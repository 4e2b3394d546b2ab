//! The working calendar's speed (issue 3 goals): "add N working days" ≥ 5,000,000 per second per
//! core for N ≤ 60; the working time between two instants in constant time (the same cost for an
//! hour apart and for 30 years apart); the whole 1900–2199 calendar under 1 MB.
//!
//! Run: `cargo bench -p motcua-domain --bench calendar` (figures in docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDateTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use motcua_domain::calendar::{WorkDuration, WorkingCalendar};
use std::hint::black_box;

fn receipts(n: usize) -> Vec<NaiveDateTime> {
    // Spread over 2021–2026, minute resolution, deterministic.
    let base = NaiveDateTime::parse_from_str("2021-01-01 00:00", "%Y-%m-%d %H:%M").unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            base + Duration::minutes((x % (6 * 365 * 24 * 60)) as i64)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let built = std::time::Instant::now();
    let cal = WorkingCalendar::standard().unwrap();
    println!(
        "calendar 1900–2199 built in {:?}; tables take {} bytes",
        built.elapsed(),
        cal.memory_bytes()
    );

    let inputs = receipts(1024);
    let mut g = c.benchmark_group("calendar");
    g.throughput(Throughput::Elements(inputs.len() as u64));
    g.bench_function("add_n_working_days_n_le_60_x1024", |b| {
        b.iter(|| {
            for (i, t) in inputs.iter().enumerate() {
                let n = (i % 61) as u32;
                black_box(
                    cal.due(black_box(*t), WorkDuration::HalfDays(2 * n), None)
                        .unwrap(),
                );
            }
        })
    });
    g.bench_function("add_n_working_hours_x1024", |b| {
        b.iter(|| {
            for (i, t) in inputs.iter().enumerate() {
                black_box(
                    cal.due(
                        black_box(*t),
                        WorkDuration::Seconds(3600 * (i % 200) as u64),
                        None,
                    )
                    .unwrap(),
                );
            }
        })
    });
    let near: Vec<(NaiveDateTime, NaiveDateTime)> = inputs
        .iter()
        .map(|t| (*t, *t + Duration::hours(1)))
        .collect();
    let far: Vec<(NaiveDateTime, NaiveDateTime)> = inputs
        .iter()
        .map(|t| (*t - Duration::days(365 * 30), *t + Duration::days(365 * 30)))
        .collect();
    g.bench_function("working_time_between_1h_apart_x1024", |b| {
        b.iter(|| {
            for (a, z) in &near {
                black_box(
                    cal.working_seconds_between(black_box(*a), black_box(*z))
                        .unwrap(),
                );
            }
        })
    });
    g.bench_function("working_time_between_60y_apart_x1024", |b| {
        b.iter(|| {
            for (a, z) in &far {
                black_box(
                    cal.working_seconds_between(black_box(*a), black_box(*z))
                        .unwrap(),
                );
            }
        })
    });
    g.finish();
    c.bench_function("build_calendar_1900_2199", |b| {
        b.iter(|| black_box(WorkingCalendar::standard().unwrap()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
