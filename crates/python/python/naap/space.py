"""The search space (``naap space generate``) and the profiler (``naap space profile``).

A scheme is a list of layer dicts ``{"kernel_size", "width", "stride", "residual"}``, as in
``generated_schemes.json``.
"""

from typing import Any, Dict, List, Mapping, Optional, Union

from naap import _naap

Scheme = List[Dict[str, Any]]

__all__ = ["Scheme", "default_config", "generate", "profile"]


def generate(config: Optional[Union[str, Mapping[str, Any]]] = None) -> List[Scheme]:
    """Every scheme of a search space, in the published order.

    ``config``: TOML text (as ``naap space default-config`` prints it), a dict with the same keys,
    or None for the NAAP-440 space (the 440 published schemes). A bad config raises ValueError
    naming the key.
    """
    return _naap.space_generate(config)


def profile(schemes: List[Scheme]) -> List[Dict[str, int]]:
    """The profiler's features of each scheme, keyed by CSV column name (``NumParams``,
    ``NumMACs``, ``NumLayers``, ``NumStages``, ``FirstLayerWidth``, ``LastLayerWidth``,
    ``NumSkipConnections``, ``NumPartialRFLayers``), equal to the published CSV's."""
    return _naap.space_profile(schemes)


def default_config() -> str:
    """The commented TOML of the NAAP-440 space."""
    return _naap.space_default_config()
