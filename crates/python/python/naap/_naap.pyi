"""Type stubs of the native module naap._naap (re-exported by naap, naap.space, naap.nas)."""

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

PathLike = Union[str, "os.PathLike[str]"]
DatasetArg = Union[PathLike, "Benchmark", None]

__version__: str

class BudgetExhausted(RuntimeError):
    """The oracle's budget cannot pay for the epochs asked; nothing of that call was charged."""

def regressor_names() -> List[str]:
    """Every regressor name ``model`` accepts (30), as naap's outputs write them."""

def published_path(name: str = "naap440.csv", data_dir: Optional[PathLike] = None) -> str:
    """A published NAAP-440 file as the CLI finds it: ``data_dir``, else ``$NAAP_DATA_DIR``,
    else ``./data``, then ``naap440/<name>``."""

class Benchmark:
    """The NAAP-440 table (a v1 or v2 CSV): scheme features, 90-epoch curves, MaxAccuracy, split.

    ``dataset``: a path, ``"v1"``/``"v2"`` (the published files) or None (the published
    ``naap440.csv``); ``data_dir``: the data folder (default ``$NAAP_DATA_DIR``, else ``./data``).
    """

    def __init__(self, dataset: Union[PathLike, None] = None, data_dir: Optional[PathLike] = None) -> None: ...
    def __len__(self) -> int: ...
    @property
    def path(self) -> str: ...
    @property
    def format(self) -> str:
        """``"v1"`` (6 scheme features) or ``"v2"`` (8)."""
    @property
    def num_epochs(self) -> int: ...
    @property
    def columns(self) -> List[str]: ...
    @property
    def ids(self) -> List[int]:
        """The ModelIds, in file order."""
    def query(self, model_id: int, epoch: Optional[int] = None) -> Dict[str, Any]:
        """With ``epoch`` (1-based): ``accuracy`` (in [0, 1]), ``loss_mean``, ``loss_median``.
        Without: ``max_accuracy``, ``is_test`` and every scheme feature by CSV column name."""
    def curves(self) -> npt.NDArray[np.float64]:
        """Test accuracy per epoch, shape (n, num_epochs), rows in ``ids`` order."""
    def max_accuracies(self) -> npt.NDArray[np.float64]: ...
    def is_test(self) -> npt.NDArray[np.bool_]: ...
    def features(self, feature_set: Union[str, Sequence[str]]) -> Tuple[npt.NDArray[np.float64], List[str]]:
        """``(X, names)`` of a feature set (a name such as ``"Scheme+Quant.3"`` or column names),
        in raw CSV units (counts, not their logs), rows in ``ids`` order."""

class Predictor:
    """A fitted predictor; its file is the one ``naap fit`` writes and ``naap predict`` reads."""

    @staticmethod
    def fit(
        dataset: DatasetArg,
        model: str,
        feature_set: Optional[str] = None,
        features: Optional[Sequence[str]] = None,
        seed: Optional[int] = None,
        all_rows: bool = False,
        data_dir: Optional[PathLike] = None,
    ) -> "Predictor":
        """As ``naap fit``: one of ``feature_set``/``features``; ``seed`` default 20220905;
        fits on the published train rows unless ``all_rows``."""
    @staticmethod
    def load(path: PathLike) -> "Predictor": ...
    def save(self, path: PathLike) -> None: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> "Predictor":
        """A predictor from a file's text; pickling goes through it."""
    @property
    def feature_names(self) -> List[str]: ...
    @property
    def model(self) -> str: ...
    @property
    def feature_set(self) -> str: ...
    @property
    def epochs_needed(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def training_ids(self) -> List[int]: ...
    @property
    def checksum(self) -> str: ...
    @property
    def test_scores(self) -> Optional[Dict[str, Any]]:
        """MAE, violations, Kendall tau, ... of the published test rows (``fit`` only)."""
    def predict(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Predicted MaxAccuracy per row; columns in ``feature_names`` order, raw CSV units."""
    def predict_schemes(
        self,
        schemes: List[List[Dict[str, Any]]],
        curves: Optional[List[Optional[List[Mapping[str, float]]]]] = None,
    ) -> npt.NDArray[np.float64]:
        """Predicted MaxAccuracy of schemes (layer dicts), with per-scheme epoch records
        (``accuracy``, ``loss_mean``, ``loss_median``) when the predictor reads epochs."""

class Regressor:
    """A naap regressor fitted on a plain matrix (what ``naap.sklearn.NaapRegressor`` wraps)."""

    @staticmethod
    def fit(model: str, x: npt.ArrayLike, y: npt.ArrayLike, seed: int) -> "Regressor": ...
    def predict(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
    @staticmethod
    def from_json(text: str, features: int) -> "Regressor": ...
    def to_json(self) -> str: ...

class Oracle:
    """Trains architectures from stored curves, charging as ``naap nas simulate`` does."""

    def __init__(
        self,
        benchmark: Benchmark,
        cost: str = "epochs",
        budget: Optional[float] = None,
        logs: Optional[PathLike] = None,
        data_dir: Optional[PathLike] = None,
    ) -> None: ...
    def train(self, model_id: int, epochs: int) -> List[Dict[str, Any]]:
        """Records (``epoch``, ``accuracy``, ``loss_mean``, ``loss_median``) of the newly paid
        epochs; raises BudgetExhausted (charging nothing) past the budget."""
    def train_batch(self, batch: Sequence[Tuple[int, int]]) -> List[List[Dict[str, Any]]]: ...
    @property
    def spent(self) -> float: ...
    @property
    def epochs_spent(self) -> int: ...
    @property
    def budget(self) -> Optional[float]: ...
    @property
    def remaining(self) -> Optional[float]: ...
    @property
    def cost(self) -> str: ...
    @property
    def ids(self) -> List[int]: ...
    @property
    def max_epochs(self) -> int: ...
    def trained(self, model_id: int) -> int: ...
    def curve(self, model_id: int) -> List[Dict[str, Any]]: ...
    @property
    def incumbent(self) -> Optional[int]: ...
    @property
    def trajectory(self) -> List[Tuple[int, float, int]]: ...

def space_generate(config: Union[str, Mapping[str, Any], None] = None) -> List[List[Dict[str, Any]]]: ...
def space_profile(schemes: List[List[Dict[str, Any]]]) -> List[Dict[str, int]]: ...
def space_default_config() -> str: ...
def nas_simulate(
    dataset: DatasetArg,
    strategies: Sequence[str],
    repeats: int,
    seed: int,
    *,
    pool: Union[int, str, None] = None,
    cost: Optional[str] = None,
    budget: Optional[float] = None,
    logs: Optional[PathLike] = None,
    predictor: Optional[PathLike] = None,
    config: Optional[PathLike] = None,
    data_dir: Optional[PathLike] = None,
    **flags: Any,
) -> List[Dict[str, Any]]: ...
def _panic_for_tests() -> None: ...
