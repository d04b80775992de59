from odoo import api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestQuestionConcurrency(TransactionCase):
    """Two salespeople type the same new question at the same moment, in two
    real transactions: the one that commits second does not get an error, its
    request is played again and picks the question the first one created."""

    def test_typing_a_question_another_request_just_created_picks_theirs(self):
        text = "Can the pilot start before the board meets?"
        uid = self.env.ref("base.user_admin").id

        def create_and_commit():
            with self.registry.cursor() as cr:
                question_id, _name = api.Environment(cr, uid, {})["sales.customer.question"].name_create(text)
                # two real transactions are the point of this test
                cr.commit()  # pylint: disable=invalid-commit
                return question_id

        theirs = None
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                # this request's snapshot is taken before the other one commits
                env["sales.customer.question"].search_count([])
                theirs = create_and_commit()
                with mute_logger("odoo.service.model"):
                    mine, _name = retrying(lambda: env["sales.customer.question"].name_create(text), env)
            self.assertEqual(mine, theirs)
        finally:
            with self.registry.cursor() as cr:
                api.Environment(cr, uid, {})["sales.customer.question"].sudo().search(
                    [("name", "=", text), ("active", "in", (True, False))]
                ).unlink()
                cr.commit()  # pylint: disable=invalid-commit
