//! safetensors files in PyTorch's `nn.Sequential` naming: layer l (from 1)
//! is the tensor `"{2(l-1)}.weight"` of shape (out, in), the layout of
//! `w{l}`, and `"{2(l-1)}.bias"` of shape (out). The header metadata holds
//! `"mlp"`, the declaration, and `"mlp.scalar"`, the scalar type.
//!
//! Reading accepts what other tools write: any common name prefix
//! (`model.`, `net.layers.`), any increasing indices (gaps from activation
//! or dropout modules), matched to layers in numeric order; F32 or F64 into
//! either scalar; no biases at all (zeros). The same `decode` serves
//! `from_slice` here and `#[weights("..")]` in the macro.

use super::flat::non_finite;
use super::WeightsError;
use crate::scalar::Sealed;
use crate::{Params, Scalar};
use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use safetensors::tensor::{Dtype, SafeTensors};

/// Metadata key of the declaration.
const DECLARATION_KEY: &str = "mlp";
/// Metadata key of the scalar type.
const SCALAR_KEY: &str = "mlp.scalar";

/// `net` as a safetensors file in memory.
///
/// ```
/// mlp::network! { struct Net<input 2, dense 1 sigmoid>; }
/// let bytes = mlp::weights::to_vec(&Net::zeroed());
/// assert_eq!(mlp::weights::from_slice::<Net>(&bytes), Ok(Net::zeroed()));
/// ```
pub fn to_vec<N: Params>(net: &N) -> Vec<u8> {
    // Written here rather than with `safetensors::serialize`, whose
    // metadata map is a hash map: its key order, and so the file's bytes,
    // would change from run to run. Same bytes for the same network keep
    // committed weight files free of noise. The reader is the crate's.
    let size = core::mem::size_of::<N::Scalar>();
    let dtype = if size == 4 { "F32" } else { "F64" };
    let mut header = format!(
        "{{\"__metadata__\":{{\"{DECLARATION_KEY}\":{},\"{SCALAR_KEY}\":{}}}",
        json_string(N::DECLARATION),
        json_string(N::Scalar::NAME)
    );
    let mut offset = 0;
    for (l, &(units, inputs)) in N::LAYER_SHAPES.iter().enumerate() {
        for (suffix, shape, len) in [
            ("weight", format!("[{units},{inputs}]"), units * inputs),
            ("bias", format!("[{units}]"), units),
        ] {
            let end = offset + len * size;
            header.push_str(&format!(
                ",\"{}.{suffix}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{offset},{end}]}}",
                2 * l
            ));
            offset = end;
        }
    }
    header.push('}');
    // The data starts 8-byte aligned, as the format recommends (spaces pad
    // the JSON).
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(8 + header.len() + offset);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    let start = out.len();
    out.resize(start + offset, 0);
    super::flat::write_le(net, &mut out[start..]);
    out
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a network from a safetensors file in memory.
///
/// # Errors
/// A [`WeightsError`] naming what does not fit: the file's format, a tensor
/// name, shape or dtype, a missing or extra tensor, a declaration in the
/// metadata whose layers differ, or a non-finite value.
pub fn from_slice<N: Params>(bytes: &[u8]) -> Result<N, WeightsError> {
    let values = decode::<N::Scalar>(bytes, N::LAYER_SHAPES, N::DECLARATION)?;
    let mut net = N::zeroed();
    net.params_mut().copy_from_slice(&values);
    Ok(net)
}

/// Writes `net` to the safetensors file `path`.
///
/// # Errors
/// [`WeightsError::Io`] if the file cannot be written.
#[cfg(feature = "std")]
pub fn save<N: Params>(net: &N, path: impl AsRef<std::path::Path>) -> Result<(), WeightsError> {
    let path = path.as_ref();
    std::fs::write(path, to_vec(net)).map_err(|e| io_error(path, &e))
}

/// Reads a network from the safetensors file `path`.
///
/// # Errors
/// [`WeightsError::Io`] if the file cannot be read, else as [`from_slice`].
#[cfg(feature = "std")]
pub fn load<N: Params>(path: impl AsRef<std::path::Path>) -> Result<N, WeightsError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    from_slice(&bytes)
}

#[cfg(feature = "std")]
fn io_error(path: &std::path::Path, e: &std::io::Error) -> WeightsError {
    WeightsError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The parameters of a network with layers `shapes` (units, inputs) and
/// declaration `declaration`, from a safetensors file, in flat `Params`
/// order, converted to `T` and checked finite.
#[doc(hidden)]
pub fn decode<T: Scalar>(
    bytes: &[u8],
    shapes: &[(usize, usize)],
    declaration: &str,
) -> Result<Vec<T>, WeightsError> {
    let format = |e: safetensors::SafeTensorError| WeightsError::Format {
        message: e.to_string(),
    };
    let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(format)?;
    if let Some(file) = metadata
        .metadata()
        .as_ref()
        .and_then(|m| m.get(DECLARATION_KEY))
    {
        check_declaration(file, declaration)?;
    }
    let file = SafeTensors::deserialize(bytes).map_err(format)?;
    let layers = match_layers(&file, shapes.len())?;
    let mut values = Vec::with_capacity(shapes.iter().map(|(u, i)| u * (i + 1)).sum());
    for (l, (&(units, inputs), (weight, bias))) in shapes.iter().zip(&layers).enumerate() {
        let layer = l + 1;
        let weight = weight
            .as_ref()
            .ok_or_else(|| missing(&layers, layer, "weight", vec![units, inputs]))?;
        read_tensor(&file, weight, layer, &[units, inputs], &mut values)?;
        match bias {
            Some(bias) => read_tensor(&file, bias, layer, &[units], &mut values)?,
            None if layers.iter().any(|(_, b)| b.is_some()) => {
                return Err(missing(&layers, layer, "bias", vec![units]));
            }
            // No layer has a bias: a network trained without them.
            None => values.extend(core::iter::repeat_n(0.0, units)),
        }
    }
    values
        .iter()
        .enumerate()
        .map(|(index, &v)| {
            let x = T::from_f64(v);
            if x.is_finite() {
                Ok(x)
            } else {
                Err(non_finite::<T>(shapes, index, v))
            }
        })
        .collect()
}

/// Shapes alone do not make two networks the same: the layers named in the
/// file's metadata (width and activation) must be the network's.
fn check_declaration(file: &str, network: &str) -> Result<(), WeightsError> {
    // `frozen` says how the layer trains, not what it computes.
    fn layers(declaration: &str) -> Vec<&str> {
        declaration
            .split(',')
            .map(str::trim)
            .filter(|s| s.starts_with("dense"))
            .map(|s| s.trim_end_matches(" frozen"))
            .collect()
    }
    if layers(file) == layers(network) {
        Ok(())
    } else {
        Err(WeightsError::Declaration {
            file: file.to_owned(),
            network: network.to_owned(),
        })
    }
}

/// (weight, bias) tensor names per layer, in numeric order of their index.
type Layers = Vec<(Option<String>, Option<String>)>;

fn match_layers(file: &SafeTensors<'_>, n_layers: usize) -> Result<Layers, WeightsError> {
    let mut by_index: BTreeMap<u128, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut prefix: Option<(String, String)> = None; // (prefix, a tensor that has it)
    let mut names: Vec<String> = file.names().into_iter().map(str::to_owned).collect();
    names.sort();
    for name in names {
        let (stem, is_weight) = if let Some(stem) = name.strip_suffix(".weight") {
            (stem, true)
        } else if let Some(stem) = name.strip_suffix(".bias") {
            (stem, false)
        } else {
            return Err(unexpected(
                &name,
                "its name does not end in `.weight` or `.bias`".into(),
            ));
        };
        let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let Ok(index) = stem[stem.len() - digits..].parse::<u128>() else {
            return Err(unexpected(
                &name,
                "no layer index before `.weight` or `.bias` (as in `0.weight`)".into(),
            ));
        };
        let this_prefix = &stem[..stem.len() - digits];
        match &prefix {
            None => prefix = Some((this_prefix.to_owned(), name.clone())),
            Some((p, other)) if p != this_prefix => {
                return Err(unexpected(
                    &name,
                    format!("its prefix `{this_prefix}` differs from `{p}` of `{other}`"),
                ));
            }
            Some(_) => {}
        }
        let slot = by_index.entry(index).or_default();
        let (target, what) = if is_weight {
            (&mut slot.0, "weight")
        } else {
            (&mut slot.1, "bias")
        };
        if target.is_some() {
            return Err(unexpected(
                &name,
                format!("a second {what} for the same layer index"),
            ));
        }
        *target = Some(name);
    }
    let layers: Layers = by_index.into_values().collect();
    if layers.len() > n_layers {
        let (w, b) = &layers[n_layers];
        let extra = w.as_ref().or(b.as_ref()).map_or("", String::as_str);
        return Err(unexpected(
            extra,
            format!(
                "the network has {n_layers} layers, but the file has tensors for {}",
                layers.len()
            ),
        ));
    }
    let mut layers = layers;
    layers.resize(n_layers, (None, None));
    Ok(layers)
}

fn unexpected(tensor: &str, reason: String) -> WeightsError {
    WeightsError::Unexpected {
        tensor: tensor.to_owned(),
        reason,
    }
}

fn missing(layers: &Layers, layer: usize, what: &'static str, shape: Vec<usize>) -> WeightsError {
    let found = layers
        .iter()
        .flat_map(|(w, b)| [w, b])
        .flatten()
        .cloned()
        .collect();
    WeightsError::Missing {
        layer,
        what,
        shape,
        found,
    }
}

/// Appends the tensor `name`'s values, checking its shape and dtype.
fn read_tensor(
    file: &SafeTensors<'_>,
    name: &str,
    layer: usize,
    shape: &[usize],
    out: &mut Vec<f64>,
) -> Result<(), WeightsError> {
    let view = file.tensor(name).map_err(|e| WeightsError::Format {
        message: e.to_string(),
    })?;
    if view.shape() != shape {
        return Err(WeightsError::Shape {
            tensor: name.to_owned(),
            layer,
            expected: shape.to_vec(),
            found: view.shape().to_vec(),
        });
    }
    let data = view.data();
    match view.dtype() {
        Dtype::F32 => out.extend(data.chunks_exact(4).map(|c| f64::from(f32::read_le(c)))),
        Dtype::F64 => out.extend(data.chunks_exact(8).map(f64::read_le)),
        other => {
            return Err(WeightsError::Dtype {
                tensor: name.to_owned(),
                dtype: format!("{other:?}"),
            })
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::Param;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }

    #[test]
    fn declarations_compare_layers_not_losses() {
        let net = "input 2, dense 4 tanh, dense 1 sigmoid, loss bce";
        assert!(check_declaration("input 2, dense 4 tanh, dense 1 sigmoid", net).is_ok());
        assert!(
            check_declaration("input 2, dense 4 relu, dense 1 sigmoid, loss bce", net).is_err()
        );
    }

    #[test]
    fn params_are_named_by_field() {
        let shapes = [(2, 3), (1, 2)];
        let name = |i| Param::at(&shapes, i).map(|p| p.to_string());
        assert_eq!(name(0).as_deref(), Some("w1[0][0]"));
        assert_eq!(name(5).as_deref(), Some("w1[1][2]"));
        assert_eq!(name(6).as_deref(), Some("b1[0]"));
        assert_eq!(name(8).as_deref(), Some("w2[0][0]"));
        assert_eq!(name(10).as_deref(), Some("b2[0]"));
        assert_eq!(name(11), None);
    }
}
