from odoo import fields, models
from odoo.tools import SQL

from ..cycle_math import DETRACTOR, PASSIVE, PROMOTER, nps_weights
from ..models.mail_activity_plan_template import KINDS
from ..models.sales_followup import NPS_BUCKETS


class SalesFollowupReport(models.Model):
    """One row per follow-up, with its figures as numbers a pivot can sum or
    average: done on time (%), overdue, the customer's NPS answer and bucket."""

    _name = "sales.followup.report"
    _description = "After-sales Follow-up Analysis"
    _inherit = ["sales.cycle.sql.report"]
    _auto = False
    _order = "date_due desc"
    _sample_fields = {"nps_value": "answer_count", "nps_score": "answer_count",
                      "on_time_rate": "done_count"}

    followup_id = fields.Many2one("sales.followup", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")], readonly=True
    )
    date_due = fields.Date("Due Date", readonly=True)
    nps_bucket = fields.Selection(NPS_BUCKETS, "NPS Category", readonly=True)
    followup_count = fields.Integer("Follow-ups", readonly=True, aggregator="sum")
    done_count = fields.Integer("Done", readonly=True, aggregator="sum")
    on_time_rate = fields.Float(
        "Done on Time (%)", readonly=True, aggregator="avg",
        help="Share of the done follow-ups that were done by their due date.",
    )
    overdue_count = fields.Integer(
        "Overdue", readonly=True, aggregator="sum", help="Still planned after its due date; refreshed daily.",
    )
    answer_count = fields.Integer(
        "NPS Answers", readonly=True, aggregator="sum", help="The sample of the Customer NPS."
    )
    nps_score = fields.Float("Average NPS Answer", readonly=True, aggregator="avg")
    promoter_count = fields.Integer("Promoters", readonly=True, aggregator="sum")
    passive_count = fields.Integer("Passives", readonly=True, aggregator="sum")
    detractor_count = fields.Integer("Detractors", readonly=True, aggregator="sum")
    nps_value = fields.Float(
        "Customer NPS", readonly=True, aggregator="avg",
        help="Average of +100 (promoter), 0 (passive), -100 (detractor): the Net "
        "Promoter Score of the answers in the group.",
    )

    def _select(self):
        # the weights of the buckets come from cycle_math, as in nps_score()
        weights = SQL(" ").join(
            SQL("WHEN %s THEN %s::float8", bucket, float(weight))
            for bucket, weight in nps_weights().items()
        )
        return SQL("""
            f.id AS id, f.id AS followup_id, f.lead_id, f.partner_id, f.team_id, f.user_id,
            f.company_id, f.kind, f.state, f.date_due, f.nps_bucket,
            1 AS followup_count,
            (f.state = 'done')::int AS done_count,
            -- the follow-ups' own flags: the report counts what their list shows
            CASE WHEN f.state = 'done'
                 THEN (CASE WHEN f.done_on_time THEN 100.0::float8 ELSE 0.0::float8 END)
            END AS on_time_rate,
            (f.is_overdue IS TRUE)::int AS overdue_count,
            CASE WHEN f.nps_bucket IS NOT NULL THEN f.nps_score END AS nps_score,
            (f.nps_bucket IS NOT NULL)::int AS answer_count,
            CASE WHEN f.nps_bucket = %(promoter)s THEN 1 ELSE 0 END AS promoter_count,
            CASE WHEN f.nps_bucket = %(passive)s THEN 1 ELSE 0 END AS passive_count,
            CASE WHEN f.nps_bucket = %(detractor)s THEN 1 ELSE 0 END AS detractor_count,
            CASE f.nps_bucket %(weights)s END AS nps_value
        """, promoter=PROMOTER, passive=PASSIVE, detractor=DETRACTOR, weights=weights)

    def _from(self):
        return SQL("sales_followup f")

    def _where(self):
        return SQL("f.state != 'cancelled'")
