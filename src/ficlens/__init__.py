"""ficlens: read fan fiction and understand it."""

__version__ = "0.1.0"

from .pipeline import analyze, default_pipeline  # noqa: E402,F401
