"""異議與異議審查決定 (要點49、50；附件十七).

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
