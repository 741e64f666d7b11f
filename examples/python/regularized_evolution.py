"""Regularized evolution (Real et al., 2019, arXiv:1802.01548) in Python against naap.nas.Oracle.

Every evaluation trains the child for EPOCHS epochs through the oracle, which charges exactly as
`naap nas simulate` does; the search stops when the budget is spent.
Run: python examples/python/regularized_evolution.py  (data: $NAAP_DATA_DIR, else ./data)
"""
import collections
import random

import naap

POPULATION, SAMPLE, EPOCHS, BUDGET, SEED = 20, 5, 12, 3000, 1

bench = naap.Benchmark()
oracle = naap.nas.Oracle(bench, cost="epochs", budget=BUDGET)
rng = random.Random(SEED)
features = {i: bench.query(i) for i in bench.ids}


def mutate(parent):
    """The architecture nearest to the parent in one randomly chosen scheme feature."""
    key = rng.choice(["NumLayers", "NumStages", "FirstLayerWidth", "LastLayerWidth", "NumParams"])
    others = [i for i in bench.ids if i != parent and features[i][key] != features[parent][key]]
    return min(others, key=lambda i: (abs(features[i][key] - features[parent][key]), rng.random()))


def evaluate(model_id):
    oracle.train(model_id, EPOCHS)  # a child met before costs nothing: its epochs are paid
    return oracle.curve(model_id)[EPOCHS - 1]["accuracy"]


population, history = collections.deque(), []
try:
    for model_id in rng.sample(bench.ids, POPULATION):
        population.append((model_id, evaluate(model_id)))
    while True:
        parent = max(rng.sample(list(population), SAMPLE), key=lambda p: p[1])[0]
        child = mutate(parent)
        population.append((child, evaluate(child)))
        history.append(population[-1])
        population.popleft()  # the oldest dies: the "regularized" part
except naap.BudgetExhausted:
    pass
best = max(list(population) + history, key=lambda p: p[1])[0]
print(f"spent {oracle.spent:.0f} epochs; found ModelId {best}: MaxAccuracy {features[best]['max_accuracy']:.4f} "
      f"(best in the benchmark {max(f['max_accuracy'] for f in features.values()):.4f})")
