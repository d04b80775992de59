from contextlib import contextmanager
from datetime import date

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase


class PulseCommon(TransactionCase):
    """Two sales teams of our own (A: 4 members led by ``leader``, B: 3 members),
    a member without email, a sales manager, a survey manager, and a monthly
    campaign (threshold 3) on the default pulse survey."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        new_user = mail_new_test_user
        cls.leader = new_user(cls.env, login="pulse_leader", groups="sales_team.group_sale_salesman",
                              email="pulse.leader@example.com")
        cls.manager = new_user(cls.env, login="pulse_manager", groups="sales_team.group_sale_manager",
                               email="pulse.manager@example.com")
        cls.survey_manager = new_user(cls.env, login="pulse_survey_manager",
                                      groups="base.group_user,survey.group_survey_manager",
                                      email="pulse.survey@example.com")
        cls.reps_a = cls.env["res.users"].browse([
            new_user(cls.env, login=f"pulse_a{i}", groups="sales_team.group_sale_salesman",
                     email=f"pulse.a{i}@example.com").id
            for i in range(4)
        ])
        cls.reps_b = cls.env["res.users"].browse([
            new_user(cls.env, login=f"pulse_b{i}", groups="sales_team.group_sale_salesman",
                     email=f"pulse.b{i}@example.com").id
            for i in range(3)
        ])
        cls.rep_no_email = new_user(cls.env, login="pulse_nomail", groups="sales_team.group_sale_salesman")
        cls.rep_no_email.email = False
        cls.team_a = cls.env["crm.team"].create({
            "name": "Pulse Team A", "user_id": cls.leader.id, "sequence": 1,
            "member_ids": [(6, 0, (cls.reps_a | cls.rep_no_email).ids)],
        })
        cls.team_b = cls.env["crm.team"].create({
            "name": "Pulse Team B", "user_id": cls.manager.id, "sequence": 2,
            "member_ids": [(6, 0, cls.reps_b.ids)],
        })
        cls.survey = ref("sales_cycle_mgmt.survey_sales_pulse")
        cls.q_enps = ref("sales_cycle_mgmt.survey_sales_pulse_q_enps")
        cls.q_workload = ref("sales_cycle_mgmt.survey_sales_pulse_q_workload")
        cls.q_comment = ref("sales_cycle_mgmt.survey_sales_pulse_q_comment")
        cls.Campaign = cls.env["sales.pulse.campaign"]
        cls.day0 = date(2026, 3, 2)
        cls.campaign = cls.Campaign.create({
            "name": "Test pulse",
            "survey_id": cls.survey.id,
            "enps_question_id": cls.q_enps.id,
            "team_ids": [(6, 0, (cls.team_a | cls.team_b).ids)],
            "cadence": "monthly",
            "date_first": cls.day0,
            "response_window_days": 5,
            "reminder_days": 3,
            "anonymity_threshold": 3,
        })

    def _invitation(self, pulse_round, user):
        return pulse_round.invitation_ids.filtered(lambda i: i.user_id == user)

    def _answer(self, pulse_round, user, enps, workload=3, comment=None):
        """What the link and the stock survey pages do for ``user``: the controller
        runs sudo as the logged-in user, the survey pages save and submit."""
        invitation = self._invitation(pulse_round, user).with_user(user).sudo()
        answer = invitation._start_answer().with_user(user).sudo()
        answer._save_lines(self.q_enps, str(enps))
        answer._save_lines(self.q_workload, str(workload))
        if comment:
            answer._save_lines(self.q_comment, comment)
        answer._mark_done()
        return answer.with_user(self.env.uid).sudo()

    @contextmanager
    def assertRefused(self, pattern):
        """ValidationError matching ``pattern``, its writes rolled back (savepoint)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)
