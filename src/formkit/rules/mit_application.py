"""驗證申請書與授權使用契約.

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
