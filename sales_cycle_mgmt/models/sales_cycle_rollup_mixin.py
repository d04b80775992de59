from odoo import api, models
from odoo.fields import Domain
from odoo.orm.models import parse_read_group_spec
from odoo.tools import SQL


class SalesCycleRollupMixin(models.AbstractModel):
    """Group-bys read from pre-summed rows when they can be.

    A model that inherits this gives ``_rollup_query()``: rows carrying the
    fields of ``_rollup_fields`` and partial sums, which sum up to the same
    groups as its own rows, and ``_rollup_aggregates()``: each aggregate it
    can answer as an expression over those sums. A ``_read_group`` (or the
    pivot's grouping sets) whose domain, record rules included, group-bys and
    aggregates only touch those fields reads the pre-summed rows; any other
    (a salesperson's rules on the lead's owner, a date filter, a group-by on
    the lead) reads the model's own rows as before."""

    _name = "sales.cycle.rollup.mixin"
    _description = "Sales Cycle Pre-summed Reading"

    _rollup_fields = ()

    def _rollup_query(self):
        raise NotImplementedError

    def _rollup_aggregates(self):
        raise NotImplementedError

    def _rollup_total(self, column, cast="int"):
        """A sum over the pre-summed rows' ``column``, as an aggregate of ``_rollup_aggregates``."""
        return SQL("SUM(%s)::%s", SQL.identifier(self._table, column), SQL(cast))

    def _rollup_average(self, total, count):
        """An average over the pre-summed rows: the sum of their totals over the
        sum of their counts."""
        return SQL("SUM(%s) / NULLIF(SUM(%s), 0)",
                   SQL.identifier(self._table, total), SQL.identifier(self._table, count))

    def _rollup_applies(self, domain, groupby, aggregates, having=(), order=None):
        if self.env.context.get("sales_cycle_rollup"):
            return False
        available = self._rollup_aggregates()
        if any(spec not in available for spec in aggregates):
            return False
        for spec in groupby:
            fname, property_name, granularity = parse_read_group_spec(spec)
            if property_name or granularity or fname not in self._rollup_fields:
                return False
        if any(cond.field_expr not in available for cond in Domain(having or []).iter_conditions()):
            return False
        for term in (order or "").split(","):
            name = term.strip().split(" ")[0]
            if name and name not in available and name not in groupby:
                return False
        domain = Domain(domain or [])
        if not self.env.su:
            domain &= self.env["ir.rule"]._compute_domain(self._name, "read")
        return all(cond.field_expr in self._rollup_fields for cond in domain.iter_conditions())

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        if self._rollup_applies(domain, groupby, aggregates, having, order):
            self = self.with_context(sales_cycle_rollup=True)
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def _read_grouping_sets(self, domain, grouping_sets, aggregates=(), order=None):
        groupby = {spec for grouping in grouping_sets for spec in grouping}
        if self._rollup_applies(domain, groupby, aggregates, (), order):
            self = self.with_context(sales_cycle_rollup=True)
        return super()._read_grouping_sets(domain, grouping_sets, aggregates, order)

    @property
    def _table_sql(self):
        table_sql = super()._table_sql
        if not self.env.context.get("sales_cycle_rollup"):
            return table_sql
        return SQL().join([SQL("(%s)", self._rollup_query()),
                           *(SQL(to_flush=field) for field in table_sql.to_flush)])

    def _read_group_select(self, aggregate_spec, query):
        if self.env.context.get("sales_cycle_rollup"):
            return self._rollup_aggregates()[aggregate_spec]
        return super()._read_group_select(aggregate_spec, query)
