"""zoo: a Keras 3 model zoo of recurrent networks."""

__version__ = "0.1.0"

from zoo import inspect, layers  # noqa: E402,F401
