//! The neighbourhood of a space: which schemes one edit apart, the moves of
//! mutation-based searches (regularized evolution, local search, BANANAS).
//!
//! Two schemes are neighbours when one edit turns one into the other: one
//! layer's kernel size, width, stride or residual flag changed to another
//! value the space allows at that position, or the deepest layer added or
//! removed. Both must be schemes of the space, so every rule (depth limits,
//! the stride-2 cap, the residual rule) holds on both ends; an edit that
//! breaks one (e.g. a width change that leaves the next layer's residual
//! joining unequal widths) is no move.

use crate::{generate_at_most, Layer, ModelId, Result, Scheme, SpaceValidConfig};
use std::collections::HashMap;
use std::fmt;

/// One edit between two schemes, from the first's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Layer `layer` (1-based) changed its kernel size.
    KernelSize {
        /// The 1-based layer.
        layer: usize,
    },
    /// Layer `layer` changed its width.
    Width {
        /// The 1-based layer.
        layer: usize,
    },
    /// Layer `layer` changed its stride.
    Stride {
        /// The 1-based layer.
        layer: usize,
    },
    /// Layer `layer` changed its residual flag.
    Residual {
        /// The 1-based layer.
        layer: usize,
    },
    /// A layer added below the deepest one, becoming layer `layer`.
    AddLayer {
        /// The 1-based position of the new layer.
        layer: usize,
    },
    /// The deepest layer, layer `layer`, removed.
    RemoveLayer {
        /// The 1-based position of the removed layer.
        layer: usize,
    },
}

impl fmt::Display for Edit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edit::KernelSize { layer } => write!(f, "layer {layer} kernel_size"),
            Edit::Width { layer } => write!(f, "layer {layer} width"),
            Edit::Stride { layer } => write!(f, "layer {layer} stride"),
            Edit::Residual { layer } => write!(f, "layer {layer} residual"),
            Edit::AddLayer { layer } => write!(f, "add layer {layer}"),
            Edit::RemoveLayer { layer } => write!(f, "remove layer {layer}"),
        }
    }
}

/// The neighbourhood graph of a space, over the ModelIds of its
/// enumeration ([`crate::generate`] order, 1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbourhood {
    /// Per scheme (0-based position), its neighbours ascending with the edit.
    adjacency: Vec<Vec<(ModelId, Edit)>>,
}

impl Neighbourhood {
    /// The neighbourhood of `space`, refused like [`generate_at_most`] when
    /// the space has more than `max_schemes` schemes.
    pub fn of(space: &SpaceValidConfig, max_schemes: usize) -> Result<Neighbourhood> {
        let schemes = generate_at_most(space, max_schemes)?;
        Neighbourhood::of_schemes(space, &schemes)
    }

    /// The neighbourhood of `schemes`, the enumeration of `space`: an edit
    /// is a move only when it lands on one of them.
    pub fn of_schemes(space: &SpaceValidConfig, schemes: &[Scheme]) -> Result<Neighbourhood> {
        let mut ids: HashMap<&Scheme, ModelId> = HashMap::with_capacity(schemes.len());
        for (i, s) in schemes.iter().enumerate() {
            ids.insert(s, ModelId::from_index(i)?);
        }
        let adjacency = schemes
            .iter()
            .map(|s| {
                let mut out: Vec<(ModelId, Edit)> = edits(space, s)
                    .into_iter()
                    .filter_map(|(t, e)| ids.get(&t).map(|&id| (id, e)))
                    .collect();
                out.sort_by_key(|&(id, _)| id);
                out.dedup_by_key(|&mut (id, _)| id);
                out
            })
            .collect();
        Ok(Neighbourhood { adjacency })
    }

    /// The number of schemes.
    pub fn len(&self) -> usize {
        self.adjacency.len()
    }

    /// Whether the space has no scheme.
    pub fn is_empty(&self) -> bool {
        self.adjacency.is_empty()
    }

    /// Whether `id` is a scheme of the space.
    pub fn contains(&self, id: ModelId) -> bool {
        id.index() < self.adjacency.len()
    }

    /// The neighbours of `id` with the edit that reaches each, by ModelId;
    /// empty for an id outside the space.
    pub fn edges(&self, id: ModelId) -> &[(ModelId, Edit)] {
        self.adjacency.get(id.index()).map_or(&[], Vec::as_slice)
    }

    /// The neighbours of `id`, ascending.
    pub fn neighbours(&self, id: ModelId) -> impl Iterator<Item = ModelId> + '_ {
        self.edges(id).iter().map(|&(n, _)| n)
    }

    /// How many neighbours `id` has.
    pub fn degree(&self, id: ModelId) -> usize {
        self.edges(id).len()
    }

    /// The graph as CSV: `ModelId,Neighbour,Edit`, one line per ordered
    /// pair (each edge both ways), by ModelId then neighbour.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("ModelId,Neighbour,Edit\n");
        for (i, edges) in self.adjacency.iter().enumerate() {
            for (n, e) in edges {
                out.push_str(&format!("{},{n},{e}\n", i + 1));
            }
        }
        out
    }
}

/// Every scheme one edit from `s` within the per-position choices of
/// `space` (not yet checked to be in the space).
fn edits(space: &SpaceValidConfig, s: &Scheme) -> Vec<(Scheme, Edit)> {
    let mut out = Vec::new();
    let choices = space.layers();
    for (i, (layer, c)) in s.layers.iter().zip(choices).enumerate() {
        let n = i + 1;
        let mut change = |edit: Edit, f: &dyn Fn(&mut Layer)| {
            let mut t = s.clone();
            f(&mut t.layers[i]);
            if t.layers[i] != *layer {
                out.push((t, edit));
            }
        };
        for &k in &c.kernel_sizes {
            change(Edit::KernelSize { layer: n }, &|l| l.kernel_size = k);
        }
        for &w in &c.widths {
            change(Edit::Width { layer: n }, &|l| l.width = w);
        }
        for &st in &c.strides {
            change(Edit::Stride { layer: n }, &|l| l.stride = st);
        }
        for &r in &c.residual {
            change(Edit::Residual { layer: n }, &|l| l.residual = r);
        }
    }
    let depth = s.layers.len();
    if let Some(c) = choices.get(depth) {
        for &kernel_size in &c.kernel_sizes {
            for &width in &c.widths {
                for &stride in &c.strides {
                    for &residual in &c.residual {
                        let mut t = s.clone();
                        t.layers.push(Layer {
                            kernel_size,
                            width,
                            stride,
                            residual,
                        });
                        out.push((t, Edit::AddLayer { layer: depth + 1 }));
                    }
                }
            }
        }
    }
    if depth > 1 {
        let mut t = s.clone();
        t.layers.pop();
        out.push((t, Edit::RemoveLayer { layer: depth }));
    }
    out
}

#[cfg(test)]
mod tests;
