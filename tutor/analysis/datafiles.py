"""The tables shipped in ``tutor/analysis/data``."""

from __future__ import annotations


def data_file(name: str) -> str:
    """A table from ``tutor/analysis/data``, as text.

    ``pkgutil.get_data`` reads it through the package's loader (from a zip too), as
    ``importlib.resources`` would, for a sixth of the import cost: about 4 ms that a one-file
    ``check`` pays at every start.
    """
    import pkgutil

    data = pkgutil.get_data("tutor.analysis", f"data/{name}")
    if data is None:  # a loader that cannot read files; none that Python ships
        raise FileNotFoundError(f"tutor/analysis/data/{name}")
    return data.decode("utf-8")
