"""Ready-made models composed from `zoo.layers`."""

from zoo.applications.translator import Translator

__all__ = ["Translator"]
