//! Compile-fail and compile-pass cases for `network!` (trybuild). Each file
//! in tests/ui/ holds one mistake, named for it; its .stderr is what users
//! see. Regenerate with `TRYBUILD=overwrite cargo test --test compiletest`
//! and review the diff. The expected output is tied to this machine's
//! toolchain (rustc 1.95).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
