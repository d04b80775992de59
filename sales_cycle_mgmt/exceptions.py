from odoo.exceptions import UserError


class ExitCriteriaMissing(UserError):
    """A forward move out of a gated stage with required exit criteria unticked.
    Its own class so the web client shows it under its own title."""
