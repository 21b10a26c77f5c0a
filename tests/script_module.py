"""scripts/<name>, a Python program without .py, loaded as a module, so
that the tests and run-all use its functions instead of copies of them."""

import importlib.machinery
import os
import types

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def load(name):
    """The module of scripts/<name> (its main() does not run)."""
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"),
                                                  os.path.join(ROOT, "scripts", name))
    module = types.ModuleType(loader.name)
    module.__file__ = loader.path
    loader.exec_module(module)
    return module
