"""第二類產品驗證制度採認與授權 (附件一、附件二之通知、附件十二).

Rules of this family register here; `rules/mit.py` imports the module.
"""

from __future__ import annotations
