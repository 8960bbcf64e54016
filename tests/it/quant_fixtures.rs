//! Writes the random networks `tests/it/quantize.rs` quantises
//! (`tests/fixtures/quant/`): `fixtures_are_fresh` fails if a file is
//! stale, and with `MLP_UPDATE_FIXTURES=1` rewrites them. The weights are
//! uniform in [-1.5, 1.5] from a seed per network, saved with
//! `mlp::weights::to_vec` in the network's own scalar.

use mlp::rand::{rngs::SmallRng, RngExt, SeedableRng};
use mlp::Params;

include!("common/quant_cases.rs");

macro_rules! generate {
    ($m:ident, $sc:ident, $file:tt, [$($spec:tt)*], $bx:tt, $stages:tt) => {
        mod $m {
            mlp::network! {
                #[scalar($sc)]
                pub struct Gen<$($spec)*>;
            }
            pub fn bytes(seed: u64) -> (&'static str, Vec<u8>) {
                let mut rng = <super::SmallRng as super::SeedableRng>::seed_from_u64(seed);
                let mut net = Gen::zeroed();
                for p in super::Params::params_mut(&mut net) {
                    *p = (super::RngExt::random::<f64>(&mut rng) * 3.0 - 1.5) as $sc;
                }
                ($file, mlp::weights::to_vec(&net))
            }
        }
    };
}
for_each_case!(generate);

#[test]
fn fixtures_are_fresh() {
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut seed = 0;
    macro_rules! push {
        ($m:ident, $($rest:tt)*) => {
            seed += 1;
            files.push($m::bytes(seed));
        };
    }
    for_each_case!(push);
    let update = std::env::var_os("MLP_UPDATE_FIXTURES").is_some();
    for (file, bytes) in files {
        let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
        if update {
            std::fs::write(&path, &bytes).unwrap();
        }
        let stored = std::fs::read(&path).unwrap_or_default();
        assert!(
            stored == bytes,
            "{path} is stale: rerun with MLP_UPDATE_FIXTURES=1"
        );
    }
}
