"""naap: the NAAP-440 accuracy-prediction benchmark from Python.

The same Rust library as the ``naap`` command line, so every answer equals the CLI's:

- :class:`Benchmark`: the NAAP-440 table (``query``, ``curves``, ``features``).
- :class:`Predictor`: the predictor files of ``naap fit`` / ``naap predict``.
- :mod:`naap.space`: generate and profile search spaces.
- :mod:`naap.nas`: ``simulate`` (``naap nas simulate``) and the :class:`naap.nas.Oracle`.
- :mod:`naap.sklearn`: ``NaapRegressor``, any naap regressor as a scikit-learn estimator
  (needs scikit-learn, which ``naap`` itself does not).

Bad input raises ``ValueError`` (``FileNotFoundError`` for a missing file) with the message the
CLI prints; a failure of the run raises ``RuntimeError``.
"""

from naap._naap import (
    Benchmark,
    BudgetExhausted,
    Predictor,
    __version__,
    published_path,
    regressor_names,
)
from naap import nas, space

__all__ = [
    "Benchmark",
    "BudgetExhausted",
    "Predictor",
    "__version__",
    "nas",
    "published_path",
    "regressor_names",
    "space",
]
