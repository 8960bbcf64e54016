//! `#[weights("file.safetensors")]`: the file is read while compiling,
//! with the runtime's own decoder (`mlp_runtime::weights::decode`), so it
//! accepts exactly the files `mlp::weights::load` accepts and reports the
//! same problems, here as compile errors on the path string.

use crate::ctxt::Ctxt;
use crate::model::{Network, Scalar};
use mlp_runtime::WeightsError;
use std::path::PathBuf;

/// The trained values of a network, in flat `Params` order.
pub enum Values {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// A file read and checked against the network.
pub struct Baked {
    /// Absolute path, for `include_bytes!` (so cargo rebuilds when it changes).
    pub path: String,
    pub values: Values,
}

/// Reads the network's `#[weights]` file, if it has one.
pub fn read(cx: &Ctxt, net: &Network) -> Option<Baked> {
    let lit = net.weights.as_ref()?;
    let relative = lit.value();
    // Relative to the crate being compiled, as `include_bytes!` in a build
    // script would be; cargo sets CARGO_MANIFEST_DIR for every rustc it runs.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let path = dir.join(&relative);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            cx.error_at(
                lit.span(),
                format!("cannot read the weights file `{relative}`: {e}\nhelp: the path is relative to the directory of the crate's Cargo.toml"),
            );
            return None;
        }
    };
    let shapes = net.layer_shapes();
    let declaration = net.declaration();
    let decode = |bytes: &[u8]| match net.scalar {
        Scalar::F32 => {
            mlp_runtime::weights::decode::<f32>(bytes, &shapes, &declaration).map(Values::F32)
        }
        Scalar::F64 => {
            mlp_runtime::weights::decode::<f64>(bytes, &shapes, &declaration).map(Values::F64)
        }
    };
    match decode(&bytes) {
        Ok(values) => Some(Baked {
            path: path.to_string_lossy().into_owned(),
            values,
        }),
        Err(e) => {
            let help = match e {
                WeightsError::Dtype { .. } => "save the tensors as float32 or float64".to_owned(),
                WeightsError::NonFinite { .. } => {
                    "retrain, or fix that value: a trained network's weights are finite".to_owned()
                }
                WeightsError::Format { .. } => {
                    "write the file with `mlp::weights::save` or `safetensors.torch.save_file`"
                        .to_owned()
                }
                _ => format!("the file must hold the layers `{}`", net.declaration()),
            };
            cx.error_at(
                lit.span(),
                format!(
                    "cannot bake `{relative}` into `{}`: {e}\nhelp: {help}",
                    net.ident
                ),
            );
            None
        }
    }
}
