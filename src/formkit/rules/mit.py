"""Rules of the MIT微笑 scheme (S0), one module per document family.

The registry imports this module by name; importing the submodules registers their rules.
"""

from . import (  # noqa: F401  (imported for registration)
    mit_application,
    mit_assessor,
    mit_bodies,
    mit_cb_audit,
    mit_cb_audit_forms,
    mit_cert,
    mit_change,
    mit_council,
    mit_objection,
    mit_other_users,
    mit_plan,
    mit_printing,
    mit_qms,
    mit_recognition,
    mit_records,
    mit_registers,
    mit_tracking,
    mit_tracking_notices,
    mit_tracking_summary,
    mit_training,
)
