"""Ready-made models composed from `zoo.layers`."""

from zoo.applications.char_lm import CharLM
from zoo.applications.text_classifier import TextClassifier
from zoo.applications.translator import Translator

__all__ = ["CharLM", "TextClassifier", "Translator"]
