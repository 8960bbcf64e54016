//! The flat little-endian form behind generated `to_bytes`/`from_bytes`,
//! and the Rust source behind `to_rust`. Only generated code calls these,
//! through `mlp::__private::weights`.

use super::{Param, WeightsError};
use crate::scalar::Sealed;
use crate::{Params, Scalar};
#[cfg(feature = "alloc")]
use alloc::{string::String, vec::Vec};

/// Writes `net`'s parameters into `out`, little-endian, in flat order.
/// `out` holds exactly `PARAMS` scalars (generated `to_bytes` passes an
/// array of `BYTES`).
#[inline]
pub fn write_le<N: Params>(net: &N, out: &mut [u8]) {
    let size = core::mem::size_of::<N::Scalar>();
    for (chunk, &p) in out.chunks_exact_mut(size).zip(net.params()) {
        p.write_le(chunk);
    }
}

/// Reads `bytes` (little-endian, flat order) into `net`; every value must
/// be finite. Generated `from_bytes` calls it on a new network, so a
/// rejected input leaves nothing behind.
///
/// # Errors
/// The first parameter that is not finite, by name.
#[inline]
pub fn read_le<N: Params>(
    bytes: &[u8],
    shapes: &[(usize, usize)],
    net: &mut N,
) -> Result<(), WeightsError> {
    let size = core::mem::size_of::<N::Scalar>();
    for (index, (p, chunk)) in net
        .params_mut()
        .iter_mut()
        .zip(bytes.chunks_exact(size))
        .enumerate()
    {
        *p = N::Scalar::read_le(chunk);
        if !p.is_finite() {
            return Err(non_finite::<N::Scalar>(shapes, index, p.to_f64()));
        }
    }
    Ok(())
}

pub(super) fn non_finite<T: Scalar>(
    shapes: &[(usize, usize)],
    index: usize,
    value: f64,
) -> WeightsError {
    // Every index passed here is below PARAMS, so `at` finds it; the
    // fallback keeps this total.
    let param = Param::at(shapes, index).unwrap_or(Param {
        layer: 0,
        unit: index,
        input: None,
    });
    WeightsError::NonFinite {
        param,
        value,
        scalar: T::NAME,
    }
}

/// Rust source for `pub const NAME: TYPE = TYPE { .. };`, bit for bit
/// equal to `net` (generated `to_rust` passes its type name).
#[cfg(feature = "alloc")]
pub fn to_rust<N: Params>(net: &N, type_name: &str, name: &str) -> String {
    use core::fmt::Write;
    let mut out = String::new();
    let mut values = net.params().iter();
    let _ = writeln!(
        out,
        "/// Weights of `{type_name}`: {}.\n#[rustfmt::skip]\npub const {name}: {type_name} = {type_name} {{",
        N::DECLARATION
    );
    for (l, &(units, inputs)) in N::LAYER_SHAPES.iter().enumerate() {
        let layer = l + 1;
        let _ = writeln!(out, "    w{layer}: [");
        for _ in 0..units {
            let row: Vec<String> = values.by_ref().take(inputs).map(literal).collect();
            let _ = writeln!(out, "        [{}],", row.join(", "));
        }
        let _ = writeln!(out, "    ],");
        let biases: Vec<String> = values.by_ref().take(units).map(literal).collect();
        let _ = writeln!(out, "    b{layer}: [{}],", biases.join(", "));
    }
    out.push_str("};\n");
    out
}

/// A float literal that reads back as exactly `x`: `{:?}` prints the
/// shortest decimal that round-trips (and keeps `-0.0`); non-finite values
/// become the type's constants.
#[cfg(feature = "alloc")]
fn literal<T: Scalar>(x: &T) -> String {
    use alloc::format;
    if x.is_finite() {
        return format!("{x:?}");
    }
    let constant = match x.partial_cmp(&T::ZERO) {
        None => "NAN",
        Some(core::cmp::Ordering::Greater) => "INFINITY",
        Some(_) => "NEG_INFINITY",
    };
    format!("{}::{constant}", T::NAME)
}
