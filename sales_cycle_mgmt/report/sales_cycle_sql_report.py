from odoo import api, models
from odoo.tools import SQL


def disable_jit(cr):
    """Turn PostgreSQL's JIT compilation off for the rest of the transaction.

    A report aggregates whole tables once: the planner's estimates pass JIT's
    cost thresholds and compiling the query then takes seconds (measured with
    bench/reports.py: 3 to 7 times the query itself) to save nothing. Stock
    models' queries stay under those thresholds, which is why this is ours."""
    cr.execute("SET LOCAL jit = off")


class SalesCycleSqlReport(models.AbstractModel):
    """Base of the addon's SQL-view reports: the query is built from small
    ``_select``/``_from``/``_where`` methods, as stock ``sale.report`` does, and
    runs without JIT compilation."""

    _name = "sales.cycle.sql.report"
    _description = "Sales Cycle SQL Report"

    def _select(self):
        raise NotImplementedError

    def _from(self):
        raise NotImplementedError

    def _where(self):
        return SQL("TRUE")

    @property
    def _table_query(self):
        return SQL("SELECT %s FROM %s WHERE %s", self._select(), self._from(), self._where())

    @api.model
    def _read_group(self, *args, **kwargs):
        disable_jit(self.env.cr)
        return super()._read_group(*args, **kwargs)
