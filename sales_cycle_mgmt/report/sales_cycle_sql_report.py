from odoo import api, models
from odoo.tools import SQL

from ..cycle_math import enough_data


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
    runs without JIT compilation.

    ``_sample_fields`` maps an averaged field to the count field whose
    aggregate (a sum, or a count of distinct leads) is its sample size, or to
    ``__count`` when each row is one case: in the
    groups the web client reads (pivots, graphs, the dashboard), an average
    over fewer than ``cycle_math.MIN_SAMPLE`` rows is blank, as is an average
    over none, instead of a number."""

    _name = "sales.cycle.sql.report"
    _description = "Sales Cycle SQL Report"
    _sample_fields = {}

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

    def _sample_spec(self, sample):
        # a rate over the group's rows (one per case) has their count as sample
        return sample if sample == "__count" else f"{sample}:{self._fields[sample].aggregator}"

    def _sample_aggregates(self, aggregates):
        """``aggregates`` plus the sample sizes of its averages that are not in it."""
        extra = []
        for spec in aggregates:
            name, _sep, func = spec.partition(":")
            sample = self._sample_fields.get(name)
            if func == "avg" and sample and self._sample_spec(sample) not in (*aggregates, *extra):
                extra.append(self._sample_spec(sample))
        return (*aggregates, *extra), extra

    def _blank_small_samples(self, groups, aggregates, extra):
        for group in groups:
            for spec in aggregates:
                name, _sep, func = spec.partition(":")
                sample = self._sample_fields.get(name)
                if func == "avg" and (group.get(spec) is None
                                      or (sample and not enough_data(group[self._sample_spec(sample)]))):
                    group[spec] = False
            for spec in extra:
                del group[spec]
        return groups

    @api.model
    @api.readonly
    def formatted_read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None,
                             order=None):
        aggregates = tuple(aggregates)
        asked, extra = self._sample_aggregates(aggregates)
        groups = super().formatted_read_group(domain, groupby, asked, having, offset, limit, order)
        return self._blank_small_samples(groups, aggregates, extra)

    @api.model
    @api.readonly
    def formatted_read_grouping_sets(self, domain, grouping_sets, aggregates=(), *, order=None):
        aggregates = tuple(aggregates)
        asked, extra = self._sample_aggregates(aggregates)
        groups_list = super().formatted_read_grouping_sets(domain, grouping_sets, asked, order=order)
        for groups in groups_list:
            self._blank_small_samples(groups, aggregates, extra)
        return groups_list
