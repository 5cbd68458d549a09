"""驗證書變更及補(換)發申請.

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
