"""Any naap regressor as a scikit-learn estimator: ``NaapRegressor``.

Needs scikit-learn (``pip install scikit-learn``); the rest of ``naap`` does not.
"""

from typing import Any, Optional

import numpy as np

try:
    from sklearn.base import BaseEstimator, RegressorMixin
    from sklearn.utils.validation import check_is_fitted
except ImportError as e:  # pragma: no cover - exercised only without scikit-learn
    raise ImportError(
        "naap.sklearn needs scikit-learn: pip install scikit-learn (naap itself does not)"
    ) from e

from naap import _naap

__all__ = ["NaapRegressor"]

#: The seed used when ``seed`` is None: the first of the paper's seeds.
DEFAULT_SEED = 20220905


class NaapRegressor(RegressorMixin, BaseEstimator):
    """A naap regressor (``naap.regressor_names()``, e.g. ``"Random Forest (N=200)"``,
    ``"SVR (RBF kernel)"``, ``"5-NN"``) fitted on plain matrices.

    It fits ``X`` as given: no log transform and no scaling (put a ``StandardScaler`` before it
    in a ``Pipeline`` as with scikit-learn's own SVR or k-NN). ``seed`` (default 20220905)
    drives every random choice: the same seed gives the same model.
    """

    def __init__(self, model: str = "Random Forest (N=200)", seed: Optional[int] = None):
        self.model = model
        self.seed = seed

    def fit(self, X: Any, y: Any) -> "NaapRegressor":
        X = _matrix(X)
        y = np.ascontiguousarray(y, dtype=np.float64)
        if y.ndim != 1:
            raise ValueError(f"y must be a 1-D array, got {y.ndim} dimension(s)")
        seed = DEFAULT_SEED if self.seed is None else int(self.seed)
        self.regressor_ = _naap.Regressor.fit(self.model, X, y, seed)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "regressor_")
        return self.regressor_.predict(_matrix(X))


def _matrix(X: Any) -> np.ndarray:
    X = np.ascontiguousarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (rows x features), got {X.ndim} dimension(s)")
    return X
