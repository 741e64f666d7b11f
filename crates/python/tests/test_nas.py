"""naap.nas.simulate against `naap nas simulate`, and the Oracle's charges against the simulator's
on strategies replayed in Python."""

import pytest

import naap
from conftest import read_csv

INT_COLUMNS = {"Repeat", "PoolSize", "EpochsSpent", "FoundModelId", "FoundRank", "Top1", "Top1Pct", "Top5Pct", "BudgetHit"}


def _as_csv_types(row):
    """A results.csv row (all text) in the types simulate returns."""
    out = {}
    for k, v in row.items():
        if k == "Strategy":
            out[k] = v
        elif k == "Fold":
            out[k] = None if v == "" else int(v)
        elif k in INT_COLUMNS:
            out[k] = int(v)
        else:
            out[k] = float(v)
    return out


@pytest.mark.parametrize(
    "strategies,settings,flags",
    [
        (["successive-halving", "random", "last-accuracy", "hyperband"], {"pool": 100}, []),
        (["successive-halving"], {"cost": "macs", "eta": 2, "min_epochs": 5, "max_epochs": 80},
         ["--cost", "macs", "--eta", "2", "--min-epochs", "5", "--max-epochs", "80"]),
        (["last-accuracy", "random"], {"k_epochs": 2, "top_m": 4, "random_n": 30, "budget": 3000.0},
         ["--k-epochs", "2", "--top-m", "4", "--random-n", "30", "--budget", "3000"]),
    ],
)
def test_simulate_equals_naap_nas_simulate_results_csv(run_naap, naap440, tmp_path, strategies, settings, flags):
    dataset = naap440 / "naap440.csv"
    got = naap.nas.simulate(dataset, strategies, repeats=3, seed=7, **settings)
    cli_flags = list(flags)
    if "pool" in settings:
        cli_flags += ["--pool", str(settings["pool"])]
    run_naap("nas", "simulate", "--dataset", dataset, "--strategy", ",".join(strategies), "--repeats", "3",
             "--seed", "7", "--no-figures", "--quiet", "-o", tmp_path / "nas", *cli_flags)
    want = [_as_csv_types(r) for r in read_csv(tmp_path / "nas" / "results.csv")]
    assert got == want


def _successive_halving(oracle, eta=3, r=10, big_r=90):
    survivors = list(oracle.ids)
    epochs = r
    while True:
        oracle.train_batch([(i, epochs) for i in survivors])
        ranked = sorted(survivors, key=lambda i: (-oracle.curve(i)[epochs - 1]["accuracy"], i))
        if epochs == big_r:
            return ranked[0]
        survivors = ranked[: max(len(ranked) // eta, 1)]
        epochs *= eta


def _last_accuracy(oracle, k=3, m=10):
    # Batches as the simulator sends them: costs summed in the same order give the same float.
    oracle.train_batch([(i, k) for i in oracle.ids])
    ranked = sorted(oracle.ids, key=lambda i: (-oracle.curve(i)[k - 1]["accuracy"], i))
    oracle.train_batch([(i, oracle.max_epochs) for i in ranked[:m]])
    return max(ranked[:m], key=lambda i: (max(e["accuracy"] for e in oracle.curve(i)), -i))


@pytest.mark.parametrize("cost", ["epochs", "macs"])
@pytest.mark.parametrize("strategy,replay", [("successive-halving", _successive_halving), ("last-accuracy", _last_accuracy)])
def test_oracle_charges_what_the_simulator_charges_on_a_replayed_strategy(naap440, cost, strategy, replay):
    dataset = naap440 / "naap440.csv"
    b = naap.Benchmark(dataset)
    oracle = naap.nas.Oracle(b, cost=cost)
    found = replay(oracle)
    [sim] = naap.nas.simulate(dataset, [strategy], repeats=1, pool="all", cost=cost)
    assert oracle.epochs_spent == sim["EpochsSpent"]
    assert oracle.spent == sim["CostSpent"]
    assert found == sim["FoundModelId"] == oracle.incumbent


def test_oracle_resumes_training_and_never_charges_twice(naap440):
    b = naap.Benchmark(naap440 / "naap440.csv")
    o = naap.nas.Oracle(b)
    first = o.train(7, 3)
    assert [r["epoch"] for r in first] == [1, 2, 3] and o.spent == 3
    assert first[2] == {"epoch": 3, **b.query(7, epoch=3)}
    more = o.train(7, 5)
    assert [r["epoch"] for r in more] == [4, 5] and o.spent == 5
    assert o.train(7, 2) == [] and o.spent == 5
    assert o.trained(7) == 5 and o.trained(8) == 0
    assert o.curve(7) == first + more
    assert o.trajectory == [(3, 3.0, 7), (5, 5.0, 7)]


def test_oracle_refuses_a_call_past_its_budget_whole(naap440):
    b = naap.Benchmark(naap440 / "naap440.csv")
    per_epoch = b.query(1)["NumMACs"] / 1e6  # the macs cost: millions of MACs per epoch
    o = naap.nas.Oracle(b, cost="macs", budget=10 * per_epoch)
    o.train(1, 9)
    with pytest.raises(naap.nas.BudgetExhausted, match="budget"):
        o.train(1, 11)
    assert o.trained(1) == 9 and o.spent == 9 * per_epoch
    assert isinstance(naap.BudgetExhausted("x"), RuntimeError)
    o.train(1, 10)
    assert o.trained(1) == 10 and abs(o.remaining) < 1e-9


def test_bad_nas_input_raises_value_error(naap440, tmp_path):
    dataset = naap440 / "naap440.csv"
    b = naap.Benchmark(dataset)
    with pytest.raises(ValueError, match="cost model"):
        naap.nas.Oracle(b, cost="dollars")
    with pytest.raises(ValueError, match="budget"):
        naap.nas.Oracle(b, budget=-1)
    with pytest.raises(FileNotFoundError):
        naap.nas.Oracle(b, cost="logged", logs=tmp_path / "none.tar.gz")
    o = naap.nas.Oracle(b)
    with pytest.raises(ValueError, match="ModelId"):
        o.train(0, 3)
    with pytest.raises(ValueError, match="not in the pool"):
        o.train(441, 3)
    with pytest.raises(ValueError, match="epochs"):
        o.train(1, 0)
    with pytest.raises(ValueError, match="91 epochs"):
        o.train(1, 91)
    with pytest.raises(ValueError, match="must be an integer"):
        o.train("1", 3)
    with pytest.raises(ValueError, match="must be an integer"):
        o.train(1, 2.5)
    with pytest.raises(ValueError, match="must be an integer"):
        o.curve("x")
    assert o.spent == 0
    with pytest.raises(ValueError, match="strateg"):
        naap.nas.simulate(dataset, ["no-such-strategy"], repeats=1)
    with pytest.raises(ValueError, match="eta"):
        naap.nas.simulate(dataset, repeats=1, eta=1)
    with pytest.raises(ValueError, match="unknown strategy setting"):
        naap.nas.simulate(dataset, repeats=1, etta=3)
    with pytest.raises(ValueError, match="pool"):
        naap.nas.simulate(dataset, repeats=1, pool=1000)
    with pytest.raises(ValueError):
        naap.nas.simulate(dataset, repeats=1, cost="dollars")
    with pytest.raises(FileNotFoundError):
        naap.nas.simulate(tmp_path / "none.csv", repeats=1)
