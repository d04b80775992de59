from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SalesCycleCommon, stock_duration_tracking

DAY = 86400


@tagged("post_install", "-at_install")
class TestTimeInStage(SalesCycleCommon):
    """The statusbar's time per stage (stock ``duration_tracking``), Days in
    Stage, the current stay in Stage History and the stage report all read the
    stored history, so they agree however the lead moved."""

    def _moved_lead(self, t0, **context):
        """Created at t0 in stage 1, moved at t0 + 3 days to stage 2."""
        with self.mock_datetime_and_now(t0):
            lead = self._create_opportunities(1).with_context(**context)
            self.flush_tracking()
        with self.mock_datetime_and_now(t0 + timedelta(days=3)):
            lead.stage_id = self.stage_team1_2
            self.flush_tracking()
        return lead.with_context(tracking_disable=False)

    def assertAgreeToTheDay(self, lead, days_before, days_current):
        lead.invalidate_recordset()
        durations = {int(k): v for k, v in lead.duration_tracking.items()}
        self.assertEqual(durations[self.stage_team1_1.id], days_before * DAY)
        self.assertEqual(durations[self.stage_team1_2.id] // DAY, days_current)
        self.assertEqual(lead.days_in_stage, days_current)
        current = self._stays(lead).filtered("is_current")
        self.assertEqual(int(current.days), days_current)
        self.env.flush_all()
        report = self.env["sales.cycle.stage.report"].search([("history_id", "=", current.id)])
        self.assertEqual(int(report.duration_days), days_current)

    def test_moved_with_tracking_on_agrees_with_stock(self):
        lead = self._moved_lead(fields.Datetime.now() - timedelta(days=8, hours=1))
        self.assertAgreeToTheDay(lead, 3, 5)
        stock = stock_duration_tracking(lead)
        self.assertEqual(stock[self.stage_team1_1.id], 3 * DAY)
        self.assertEqual(stock[self.stage_team1_2.id] // DAY, 5)

    def test_moved_with_tracking_off_is_right_where_stock_is_not(self):
        lead = self._moved_lead(fields.Datetime.now() - timedelta(days=8, hours=1), tracking_disable=True)
        self.assertNotIn(self.stage_team1_1.id, stock_duration_tracking(lead), "no tracking: stock misses it")
        self.assertAgreeToTheDay(lead, 3, 5)

    def test_cleaned_chatter_keeps_the_time_in_stage(self):
        lead = self._moved_lead(fields.Datetime.now() - timedelta(days=8, hours=1))
        lead.message_ids.unlink()
        self.assertAgreeToTheDay(lead, 3, 5)

    def test_backfilled_lead_agrees_too(self):
        lead = self._moved_lead(fields.Datetime.now() - timedelta(days=8, hours=1))
        self.History.search([("lead_id", "=", lead.id)]).unlink()
        self.History._backfill_from_tracking()
        self.assertAgreeToTheDay(lead, 3, 5)

    def test_one_query_for_a_page_of_cards(self):
        leads = self._create_opportunities(40)
        leads.stage_id = self.stage_team1_2
        self.env.flush_all()

        def queries(records):
            records.invalidate_recordset()
            before = self.env.cr.sql_log_count
            records.mapped("duration_tracking")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries(leads[:1]), queries(leads))
        self.assertLessEqual(queries(leads), 2)
