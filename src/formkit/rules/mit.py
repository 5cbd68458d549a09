"""Rules of the MIT微笑 scheme (S0), one module per document family.

The registry imports this module by name; importing the submodules registers their rules.
"""

from . import mit_cert, mit_plan, mit_qms  # noqa: F401  (imported for registration)
