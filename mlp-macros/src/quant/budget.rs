//! The work budget: every cap on what the quantiser may do while it runs
//! in the compiler (unoptimised), in one place. Past a cap the plan is
//! coarser (fewer sub-boxes, magnitudes for affine forms), never wrong.

/// Sub-boxes the input box is split into, at most (per-dimension cuts
/// `k` with `k^inputs` ≤ this).
pub(super) const MAX_BOXES: usize = 4096;
/// Table entries, at most (4 bytes each).
pub(super) const MAX_TABLE: usize = 1025;

/// Input cells enumerated, at most: below this the bound is exact up to the
/// float network's interval over one cell.
pub(super) const MAX_CELLS: usize = 1 << 16;
/// Cells × parameters, at most, for the enumeration (it runs in the
/// compiler, unoptimised).
pub(super) const MAX_EXACT_WORK: usize = 1 << 26;
/// Float interval evaluations of the enumeration, at most (each cell is
/// cut into up to 64 pieces per input while within this).
pub(super) const MAX_EVALUATIONS: usize = 1 << 16;

/// Sub-box evaluations of the bound, at most, uniform split included.
pub(super) const MAX_REFINE: usize = 6144;

/// Affine-form work per sub-box, at most (weights × symbols); past it the
/// forms collapse to magnitudes.
pub(super) const MAX_FORM_WORK: usize = 1 << 22;
/// Work of the whole bound pass (sub-boxes × weights × symbols), at most:
/// it runs in the compiler, unoptimised.
pub(super) const MAX_BOUND_WORK: usize = 1 << 27;
/// Work of the range pass (sub-boxes × weights), at most.
pub(super) const MAX_RANGE_WORK: usize = 1 << 26;
