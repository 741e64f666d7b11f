"""NAS replayed on the stored curves: ``simulate`` (``naap nas simulate``) and the ``Oracle``
a search written in Python trains through, charged exactly as the simulator charges."""

from typing import Any, Dict, List, Optional, Sequence, Union
import os

from naap import _naap
from naap._naap import BudgetExhausted, Oracle

__all__ = ["BudgetExhausted", "Oracle", "simulate"]

PathLike = Union[str, "os.PathLike[str]"]


def simulate(
    dataset: Any = None,
    strategies: Sequence[str] = ("successive-halving",),
    repeats: int = 100,
    seed: int = 20220819,
    *,
    pool: Optional[Union[int, str]] = None,
    cost: Optional[str] = None,
    budget: Optional[float] = None,
    logs: Optional[PathLike] = None,
    predictor: Optional[PathLike] = None,
    config: Optional[PathLike] = None,
    data_dir: Optional[PathLike] = None,
    **flags: Any,
) -> List[Dict[str, Any]]:
    """Replays a study as ``naap nas simulate`` does and returns its ``results.csv`` rows as
    dicts keyed by the CSV's columns (``Strategy``, ``Repeat``, ..., ``Regret``, ``BudgetHit``).

    ``strategies``: names (``successive-halving``, ``random``, ``hyperband``, ``last-accuracy``,
    ``predictor``, ``zero-shot``, ``exhaustive``, ``regularized-evolution``, ``local-search``,
    ``bananas``, ``bohb``, ``reinforce``, or ``all``); ``pool``: ``"all"`` or a number of
    schemes per repeat; ``cost``: ``epochs``, ``macs`` or ``logged``; ``flags``: the CLI's
    strategy flags in snake case (``eta``, ``min_epochs``, ``max_epochs``, ``random_n``,
    ``k_epochs``, ``top_m``, ``known``, ``online_batch``, ``model``, ``features``,
    ``zero_shot_features``, ``eval_epochs``, ``evaluations``, ``population``, ``sample``,
    ``init``, ``ensemble``, ``acquisition``, ``surrogate``). Unset settings take the CLI's
    defaults.
    """
    if isinstance(strategies, str):
        strategies = [strategies]
    return _naap.nas_simulate(
        dataset,
        list(strategies),
        repeats,
        seed,
        pool=pool,
        cost=cost,
        budget=budget,
        logs=logs,
        predictor=predictor,
        config=config,
        data_dir=data_dir,
        **flags,
    )
