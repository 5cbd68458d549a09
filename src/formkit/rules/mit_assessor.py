"""評核人員證書及其展延 (附件十).

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
