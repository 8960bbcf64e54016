//! `#[weights("file.safetensors")]`: the file is read while compiling,
//! with the runtime's own decoder (`mlp_runtime::__private::weights::decode`), so it
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

/// Where `#[weights("relative")]` points: relative to the crate being
/// compiled (cargo sets CARGO_MANIFEST_DIR for every rustc it runs), or,
/// when no file is there, relative to the declaring source file, as
/// `include_bytes!` resolves. The second lets a test crate that cargo builds
/// elsewhere (trybuild's, under any target directory) name a file beside its
/// source.
fn locate(lit: &syn::LitStr, relative: &str) -> PathBuf {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let path = dir.join(relative);
    if path.exists() || !proc_macro::is_available() {
        return path;
    }
    match lit.span().unwrap().local_file() {
        Some(source) => match source.parent().map(|d| d.join(relative)) {
            Some(beside) if beside.exists() => beside,
            _ => path,
        },
        None => path,
    }
}

/// Reads the network's `#[weights]` file, if it has one.
pub fn read(cx: &Ctxt, net: &Network) -> Option<Baked> {
    let lit = net.weights.as_ref()?;
    let relative = lit.value();
    let path = locate(lit, &relative);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            cx.error_at(
                lit.span(),
                format!("cannot read the weights file `{relative}`: {e}\nhelp: the path is relative to the directory of the crate's Cargo.toml (or, if no file is there, to the directory of the source file that declares the network)"),
            );
            return None;
        }
    };
    let shapes = net.layer_shapes();
    let declaration = net.declaration();
    let decode = |bytes: &[u8]| match net.scalar {
        Scalar::F32 => mlp_runtime::__private::weights::decode::<f32>(bytes, &shapes, &declaration)
            .map(Values::F32),
        Scalar::F64 => mlp_runtime::__private::weights::decode::<f64>(bytes, &shapes, &declaration)
            .map(Values::F64),
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
