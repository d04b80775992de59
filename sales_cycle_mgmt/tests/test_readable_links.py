from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .external_access_common import ExternalAccessCommon


@tagged("post_install", "-at_install")
class TestReadableLinksExternal(ExternalAccessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.series = cls.env["sales.one.on.one"].create({
            "manager_id": cls.user_sales_manager.id,
            "member_id": cls.rep.id,
            "team_id": False,
            "first_date": fields.Datetime.now() + timedelta(days=2),
        })
        cls.topic = cls.env["sales.one.on.one.topic"].with_user(cls.rep).create({
            "series_id": cls.series.id, "name": "My pipeline",
        })

    def test_topic_on_the_lead_of_another_rep_is_refused(self):
        Topic = "sales.one.on.one.topic"
        error = self.call_kw_error(self.rep, Topic, "create", [{
            "series_id": self.series.id, "name": "Peek", "lead_id": self.other_lead.id,
        }])
        self.assertRefused(error)
        self.assertNotIn(self.other_lead.name, error)
        self.assertFalse(self.env[Topic].search([("name", "=", "Peek")]))
        error = self.call_kw_error(self.rep, Topic, "write", [
            self.topic.ids, {"lead_id": self.other_lead.id},
        ])
        self.assertRefused(error)
        self.env.invalidate_all()
        self.assertFalse(self.topic.lead_id)
        # my own lead is fine
        self.call_kw(self.rep, Topic, "write", [self.topic.ids, {"lead_id": self.lead.id}])
        self.env.invalidate_all()
        self.assertEqual(self.topic.lead_id, self.lead)

    def test_usage_of_the_content_of_another_company_is_refused(self):
        status, body = self.json2(self.rep, "sales.content.usage", "create", {"vals_list": [{
            "content_id": self.foreign_content.id, "lead_id": self.lead.id, "channel": "meeting",
        }]})
        self.assertEqual(status, 403, body)
        self.assertNotIn(self.foreign_content.name, str(body))
        self.assertFalse(self.Usage.search([("content_id", "=", self.foreign_content.id)]))

    def test_version_of_the_content_of_another_company_is_refused(self):
        error = self.call_kw_error(self.user_content_manager, "sales.content", "write", [
            self.content_link.ids, {"original_id": self.foreign_content.id},
        ])
        self.assertRefused(error)
        self.env.invalidate_all()
        self.assertFalse(self.content_link.original_id)

    def test_follow_up_moved_to_the_lead_of_another_rep_is_refused(self):
        followup = self.env["sales.followup"].create({
            "name": "Check-in", "lead_id": self.lead.id, "kind": "check_in",
            "date_due": fields.Date.today(), "user_id": self.rep.id,
        })
        error = self.call_kw_error(self.rep, "sales.followup", "write", [
            followup.ids, {"lead_id": self.other_lead.id},
        ])
        self.assertRefused(error)
        self.assertNotIn(self.other_lead.name, error)
        self.env.invalidate_all()
        self.assertEqual(followup.lead_id, self.lead)

    def test_superuser_links_anything(self):
        topic = self.topic.sudo()
        topic.write({"lead_id": self.other_lead.id})
        self.assertEqual(topic.lead_id, self.other_lead)
