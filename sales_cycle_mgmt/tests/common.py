from odoo.addons.crm.tests.common import TestCrmCommon
from odoo.addons.mail.models.mail_tracking_duration_mixin import MailTrackingDurationMixin


def stock_duration_tracking(lead):
    """{stage id: seconds} as stock computes it, from the chatter's tracking."""
    lead.invalidate_recordset(["duration_tracking"])
    MailTrackingDurationMixin._compute_duration_tracking(lead)
    durations = {int(stage_id): seconds for stage_id, seconds in lead.duration_tracking.items() if seconds}
    lead.invalidate_recordset(["duration_tracking"])
    return durations


class SalesCycleCommon(TestCrmCommon):
    """Stock crm fixtures (teams, stages, users of each role) plus the addon's
    phases. Stages of sales_team_1 in pipeline order: stage_team1_1 (1),
    stage_gen_1 (3), stage_team1_2 (5), stage_team1_won (70)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.phase_prospecting = ref("sales_cycle_mgmt.phase_prospecting")
        cls.phase_qualification = ref("sales_cycle_mgmt.phase_qualification")
        cls.phase_proposal = ref("sales_cycle_mgmt.phase_proposal")
        cls.phase_closing = ref("sales_cycle_mgmt.phase_closing")
        cls.stage_team1_1.cycle_phase_id = cls.phase_prospecting
        cls.stage_gen_1.cycle_phase_id = cls.phase_qualification
        cls.stage_team1_2.cycle_phase_id = cls.phase_proposal
        cls.stage_team1_won.cycle_phase_id = cls.phase_closing
        cls.History = cls.env["sales.cycle.stage.history"]

    @classmethod
    def _create_opportunities(cls, count, stage=None, user=None, **extra):
        user = user or cls.user_sales_salesman
        return cls.env["crm.lead"].create([
            {
                "name": f"Cycle opportunity {i}",
                "type": "opportunity",
                "team_id": cls.sales_team_1.id,
                "user_id": user.id,
                "stage_id": (stage or cls.stage_team1_1).id,
                **extra,
            }
            for i in range(count)
        ])

    def _stays(self, lead):
        return self.History.search([("lead_id", "=", lead.id)], order="date_in, id")
