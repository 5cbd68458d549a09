"""驗證機構認證與檢驗機構認可 (附件四、認證申請、認可申請).

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
