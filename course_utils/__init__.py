"""Shared helpers for the Keras 3 neural-network course (Day 2, 신경망).

Importing this package is light: it does not import TensorFlow. Modules that need
TensorFlow (``notebook_setup``, ``training``, ``progress``, ``plots``) are imported by name.
See CONTRIBUTING.md for the map of modules and the lesson that introduces each helper.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
