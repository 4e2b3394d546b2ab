//! Sets `cfg(motcua_pg)` for this crate's tests when MOTCUA_TEST_POSTGRES_URL is set at build time,
//! so the PostgreSQL variants run (and are otherwise reported as ignored).
fn main() {
    println!("cargo::rustc-check-cfg=cfg(motcua_pg)");
    println!("cargo::rerun-if-env-changed=MOTCUA_TEST_POSTGRES_URL");
    if std::env::var_os("MOTCUA_TEST_POSTGRES_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=motcua_pg");
    }
}
