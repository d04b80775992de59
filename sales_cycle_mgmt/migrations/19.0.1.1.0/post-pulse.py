from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    # pulse surveys are answered once (in SQL: a survey that breaks another pulse
    # setting must not stop the upgrade; editing it later asks to mend it)
    cr.execute("""
        UPDATE survey_survey SET is_attempts_limited = TRUE, attempts_limit = 1
         WHERE id IN (SELECT survey_id FROM sales_pulse_campaign)
    """)
    # results of closed rounds follow the threshold per question, also for the past
    rounds = env["sales.pulse.round"].search([("state", "=", "closed")])
    rounds.question_result_ids.unlink()
    rounds.team_result_ids.unlink()
    for pulse_round in rounds:
        pulse_round._compute_results()
