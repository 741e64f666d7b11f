use super::*;
use crate::{generate, LayerChoices, SpaceConfig};
use proptest::prelude::*;

/// Two layer positions: layer 1 kernel 1 or 3 (width 8, stride 1); layer 2
/// kernel 3, width 8 or 16, stride 1 or 2, residual or not; at most one
/// stride-2 layer, depth 1 or 2. Layer 2 is a=(8,1,plain), b=(8,1,residual),
/// c=(8,2,plain), d=(16,1,plain), e=(16,2,plain): 2 + 2·5 = 12 schemes.
fn small() -> SpaceValidConfig {
    SpaceConfig {
        max_stride2_layers: 1,
        min_depth: 1,
        layers: vec![
            LayerChoices {
                kernel_sizes: vec![1, 3],
                widths: vec![8],
                strides: vec![1],
                residual: vec![false],
            },
            LayerChoices {
                kernel_sizes: vec![3],
                widths: vec![8, 16],
                strides: vec![1, 2],
                residual: vec![false, true],
            },
        ],
    }
    .validate()
    .unwrap()
}

/// Whether `a` and `b` differ by exactly one edit, judged field by field.
fn one_edit_apart(a: &Scheme, b: &Scheme) -> bool {
    let (la, lb) = (&a.layers, &b.layers);
    if la.len().abs_diff(lb.len()) == 1 {
        let (short, long) = if la.len() < lb.len() {
            (la, lb)
        } else {
            (lb, la)
        };
        return long.starts_with(short);
    }
    if la.len() != lb.len() {
        return false;
    }
    let fields = |x: &Layer, y: &Layer| {
        usize::from(x.kernel_size != y.kernel_size)
            + usize::from(x.width != y.width)
            + usize::from(x.stride != y.stride)
            + usize::from(x.residual != y.residual)
    };
    la.iter().zip(lb).map(|(x, y)| fields(x, y)).sum::<usize>() == 1
}

fn check_graph(space: &SpaceValidConfig) -> std::result::Result<(), TestCaseError> {
    let schemes = generate(space);
    let graph = Neighbourhood::of_schemes(space, &schemes).unwrap();
    prop_assert_eq!(graph.len(), schemes.len());
    for (i, s) in schemes.iter().enumerate() {
        let id = ModelId::from_index(i).unwrap();
        for n in graph.neighbours(id) {
            prop_assert!(n != id);
            prop_assert!(graph.contains(n));
            prop_assert!(graph.neighbours(n).any(|m| m == id), "{id}-{n} one way");
            let t = &schemes[n.index()];
            prop_assert!(t.validate().is_ok());
            prop_assert!(one_edit_apart(s, t), "{s:?} vs {t:?}");
        }
        // Every scheme one edit apart is a neighbour (none missed).
        let found: Vec<ModelId> = graph.neighbours(id).collect();
        for (j, t) in schemes.iter().enumerate() {
            let other = ModelId::from_index(j).unwrap();
            prop_assert_eq!(one_edit_apart(s, t), found.contains(&other));
        }
    }
    Ok(())
}

#[test]
fn degrees_of_a_small_space_are_the_hand_counted_ones() {
    let space = small();
    let schemes = generate(&space);
    assert_eq!(schemes.len(), 12);
    let graph = Neighbourhood::of_schemes(&space, &schemes).unwrap();
    let degree_of = |layers: &[(u32, u32, u32, bool)]| {
        let s = Scheme {
            layers: layers
                .iter()
                .map(|&(kernel_size, width, stride, residual)| Layer {
                    kernel_size,
                    width,
                    stride,
                    residual,
                })
                .collect(),
        };
        let i = schemes.iter().position(|t| *t == s).unwrap();
        graph.degree(ModelId::from_index(i).unwrap())
    };
    for k in [1, 3] {
        let l1 = (k, 8, 1, false);
        // The other kernel, and the 5 layer-2 additions.
        assert_eq!(degree_of(&[l1]), 6);
        // Each: the other layer-1 kernel, removing layer 2, and the layer-2
        // options one field away that keep the residual rule.
        assert_eq!(degree_of(&[l1, (3, 8, 1, false)]), 5);
        assert_eq!(degree_of(&[l1, (3, 8, 1, true)]), 3);
        assert_eq!(degree_of(&[l1, (3, 8, 2, false)]), 4);
        assert_eq!(degree_of(&[l1, (3, 16, 1, false)]), 4);
        assert_eq!(degree_of(&[l1, (3, 16, 2, false)]), 4);
    }
    let csv = graph.to_csv();
    assert_eq!(csv.lines().count(), 1 + 52, "{csv}");
    assert!(csv.starts_with("ModelId,Neighbour,Edit\n"), "{csv}");
    assert!(csv.contains(",add layer 2\n") && csv.contains(",remove layer 2\n"));
}

#[test]
fn the_naap440_graph_is_symmetric_and_stays_in_the_space() {
    let space = SpaceConfig::default().validate().unwrap();
    check_graph(&space).unwrap();
    let graph = Neighbourhood::of(&space, 440).unwrap();
    assert_eq!(graph.len(), 440);
    let isolated = (0..440)
        .filter(|&i| graph.degree(ModelId::from_index(i).unwrap()) == 0)
        .count();
    assert_eq!(isolated, 0, "every scheme can move");
    assert!(Neighbourhood::of(&space, 439).is_err());
}

proptest! {
    #[test]
    fn any_small_space_gives_a_symmetric_one_edit_graph(
        layers in prop::collection::vec(
            (
                prop::sample::subsequence(vec![1u32, 3, 5], 1..=2),
                prop::sample::subsequence(vec![4u32, 8], 1..=2),
                prop::sample::subsequence(vec![1u32, 2], 1..=2),
                prop::sample::subsequence(vec![false, true], 1..=2),
            ),
            1..=3,
        ),
        max_stride2_layers in 0u32..=2,
        min_depth in 1u32..=3,
    ) {
        let layers: Vec<LayerChoices> = layers
            .into_iter()
            .map(|(kernel_sizes, widths, strides, residual)| LayerChoices {
                kernel_sizes,
                widths,
                strides,
                residual,
            })
            .collect();
        let space = SpaceConfig {
            min_depth: min_depth.min(layers.len() as u32),
            max_stride2_layers,
            layers,
        }
        .validate()
        .unwrap();
        check_graph(&space)?;
    }
}
