"""Ready-made models composed from `zoo.layers`."""

from zoo.applications.text_classifier import TextClassifier
from zoo.applications.translator import Translator

__all__ = ["TextClassifier", "Translator"]
