from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from ..cycle_math import next_working_day, nps_bucket
from .cron_progress import commit_progress, try_cron_lock
from .mail_activity_plan_template import KINDS
from .res_config_settings import get_setting
from .value_checks import check_readable_links

NPS_BUCKETS = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
# set by the survey machinery only (sending the survey, the customer's answer)
SURVEY_FIELDS = ("user_input_id", "survey_sent_date", "nps_score", "nps_bucket", "nps_comment")
LINK_FIELDS = ("lead_id", "partner_id", "plan_id", "step_id", "activity_id")


class SalesFollowup(models.Model):
    _name = "sales.followup"
    _description = "After-sales Follow-up"
    _inherit = ["mail.thread"]
    _order = "date_due, id"

    name = fields.Char(required=True, tracking=True)
    lead_id = fields.Many2one("crm.lead", "Opportunity", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", index=True)
    team_id = fields.Many2one("crm.team", "Sales Team", index=True, ondelete="set null")
    plan_id = fields.Many2one("mail.activity.plan", "After-sales Plan", ondelete="set null")
    step_id = fields.Many2one("mail.activity.plan.template", "Plan Activity", index=True, ondelete="set null")
    kind = fields.Selection(KINDS, required=True)
    user_id = fields.Many2one("res.users", "Responsible", index=True, tracking=True)
    date_due = fields.Date("Due Date", required=True, index=True, tracking=True)
    date_done = fields.Date(readonly=True, copy=False)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True, default="planned", index=True, tracking=True, copy=False,
    )
    # both precomputed: in the INSERT of a follow-up, not in an UPDATE after it
    is_overdue = fields.Boolean(
        "Overdue", compute="_compute_is_overdue", store=True, precompute=True, index="btree_not_null",
        help="Still planned after its due date; refreshed daily.",
    )
    done_on_time = fields.Boolean(compute="_compute_done_on_time", store=True, precompute=True)
    # indexed: every activity deleted anywhere looks its follow-up up here
    activity_id = fields.Many2one("mail.activity", readonly=True, copy=False, ondelete="set null",
                                  index="btree_not_null")
    outcome = fields.Text(copy=False, help="What came out of it: the activity's feedback.")
    survey_id = fields.Many2one("survey.survey", "Customer Survey", readonly=True)
    user_input_id = fields.Many2one("survey.user_input", "Survey Answer", readonly=True, copy=False,
                                    index="btree_not_null")
    survey_sent_date = fields.Datetime(readonly=True, copy=False)
    survey_problem = fields.Char(readonly=True, copy=False)
    nps_score = fields.Integer("NPS Answer", readonly=True, copy=False, aggregator="avg")
    nps_bucket = fields.Selection(NPS_BUCKETS, "NPS Category", readonly=True, copy=False)
    nps_comment = fields.Text("Customer Comment", readonly=True, copy=False)

    _lead_step_unique = models.UniqueIndex(
        "(lead_id, step_id) WHERE step_id IS NOT NULL",
        "An opportunity has one follow-up per plan step.",
    )

    @api.depends("state", "date_due")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for followup in self:
            followup.is_overdue = followup.state == "planned" and followup.date_due < today

    @api.depends("state", "date_done", "date_due")
    def _compute_done_on_time(self):
        for followup in self:
            followup.done_on_time = followup.state == "done" and followup.date_done <= followup.date_due

    @api.constrains("survey_id", "user_input_id")
    def _check_not_pulse(self):
        # one search for the batch: winning many deals creates many follow-ups at once
        pulse_surveys = self.survey_id._pulse_campaigns().survey_id
        for followup in self:
            if followup.user_input_id.sudo().sales_pulse_round_id or followup.survey_id in pulse_surveys:
                raise ValidationError(self.env._(
                    "The follow-up %(followup)s cannot use the anonymous pulse survey of the sales "
                    "team, nor any of its answers.", followup=followup.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_survey_fields_untouched(vals_list)
        check_readable_links(self, vals_list, LINK_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        self._check_survey_fields_untouched([vals])
        check_readable_links(self, [vals], LINK_FIELDS)
        closing = self.browse()
        if vals.get("state") in ("done", "cancelled"):
            closing = self.filtered(lambda f: f.state == "planned")
        if vals.get("state") == "done" and not vals.get("date_done"):
            vals = dict(vals, date_done=fields.Date.context_today(self))
        res = super().write(vals)
        closing._after_closing()
        return res

    def _check_survey_fields_untouched(self, vals_list):
        if self.env.su:
            return
        if any(name in vals for vals in vals_list for name in SURVEY_FIELDS):
            raise AccessError(self.env._(
                "The survey answer and the Net Promoter answer of a follow-up are set when the "
                "customer's survey is sent and answered, never by hand."
            ))

    # ------------------------------------------------------------
    # PLANNING (from crm.lead)
    # ------------------------------------------------------------

    @api.model
    def _plan_for_won_leads(self, leads):
        """Turn won leads into follow-ups from their plan. Winning again does
        not duplicate: a step already planned or done is kept, a cancelled one
        is planned again from the new win."""
        plans = self.env["mail.activity.plan"]._plans_for_leads(leads)
        existing = {
            (f.lead_id, f.step_id): f
            for f in self.with_context(active_test=False).search([("lead_id", "in", leads.ids)])
        }
        today = fields.Date.context_today(self)
        vals_list, reopen = [], defaultdict(list)  # due date -> cancelled follow-ups
        for lead in leads:
            plan = plans.get(lead)
            if not plan or not plan.template_ids:
                lead.message_post(body=self.env._(
                    "Won without after-sales plan: no follow-up was planned. Give the sales "
                    "team an after-sales activity plan, or set a default one."
                ))
                continue
            won_on = fields.Date.to_date(lead.date_closed) or today
            for step in plan.template_ids:
                followup = existing.get((lead, step))
                due = step._get_date_deadline(won_on)
                if followup and followup.state == "cancelled":
                    reopen[due].append(followup.id)
                elif not followup:
                    vals_list.append(self._prepare_vals(lead, step, due))
        # one write per due date, not per follow-up
        reopened = self.browse([fid for ids in reopen.values() for fid in ids])
        for due, ids in reopen.items():
            self.browse(ids).write({"state": "planned", "date_due": due, "date_done": False})
        # the activity tells the responsible: no "assigned to you" mail, and
        # their subscription in one batch, not mail's one per new record
        created = self.with_context(tracking_disable=True).create(vals_list).with_env(self.env)
        created._subscribe_responsibles()
        followups = created | reopened
        followups._schedule_activities()
        # one log note per lead, in one batch: no notification per lead
        bodies = {
            lead.id: self.env._(
                "%(count)s after-sales follow-ups planned, the first on %(date)s.",
                count=len(lead_followups),
                date=format_date(self.env, min(lead_followups.mapped("date_due"))),
            )
            for lead, lead_followups in followups.grouped("lead_id").items()
        }
        leads.browse(list(bodies))._message_log_batch(bodies)
        return followups

    def _prepare_vals(self, lead, step, due):
        return {
            "name": step.summary or step.activity_type_id.name,
            "lead_id": lead.id,
            "partner_id": lead.partner_id.id,
            "company_id": lead.company_id.id,
            "team_id": lead.team_id.id,
            "plan_id": step.plan_id.id,
            "step_id": step.id,
            "kind": step.kind or "check_in",
            "user_id": self._responsible(lead, step).id,
            "date_due": due,
            "survey_id": step.survey_id.id if step.kind == "satisfaction" else False,
        }

    def _subscribe_responsibles(self):
        """Each follow-up followed by its responsible, as mail subscribes the
        user of a new record, with the model's default subtypes."""
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(self._name)
        self.env["mail.followers"].sudo().create([
            {
                "res_model": self._name,
                "res_id": followup.id,
                "partner_id": followup.user_id.partner_id.id,
                "subtype_ids": [Command.set((external if followup.user_id.share else default).ids)],
            }
            for followup in self
            if followup.user_id
        ])

    @api.model
    def _responsible(self, lead, step):
        # no one launches the plan by hand: "ask at launch" means the salesperson
        return step._determine_responsible(lead.user_id or lead.team_id.user_id, lead)["responsible"]

    @api.model
    def _cancel_for_lost_leads(self, leads):
        planned = self.search([("lead_id", "in", leads.ids), ("state", "=", "planned")])
        planned._cancel()
        bodies = {}
        for lead, lead_followups in planned.grouped("lead_id").items():
            if lead.won_status == "lost":
                bodies[lead.id] = self.env._(
                    "Marked lost after it was won: %(count)s planned follow-ups were cancelled.",
                    count=len(lead_followups),
                )
            else:
                bodies[lead.id] = self.env._(
                    "Reopened after it was won: %(count)s planned follow-ups were cancelled.",
                    count=len(lead_followups),
                )
        leads.browse(list(bodies))._message_log_batch(bodies)
        return planned

    # ------------------------------------------------------------
    # ACTIVITIES
    # ------------------------------------------------------------

    def _horizon_days(self):
        return get_setting(self.env, "followup_horizon_days")

    def _schedule_activities(self):
        """One activity on the opportunity for each planned follow-up of self
        that is due within the horizon and has none yet."""
        limit = fields.Date.context_today(self) + timedelta(days=self._horizon_days())
        todo = self.filtered(
            lambda f: f.state == "planned" and not f.activity_id and f.date_due <= limit and f.user_id
        )
        if not todo:
            return todo
        model_id = self.env["ir.model"]._get_id("crm.lead")
        # quick update: the activity lands in the responsible's list without an
        # "assigned to you" mail for each one
        activities = self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create([
            {
                "res_model_id": model_id,
                "res_id": followup.lead_id.id,
                "activity_type_id": (
                    followup.step_id.activity_type_id
                    or self.env.ref("sales_cycle_mgmt.mail_activity_type_followup")
                ).id,
                "summary": followup.step_id.summary or followup.name,
                "note": followup.step_id.note,
                "user_id": followup.user_id.id,
                "date_deadline": followup.date_due,
                "automated": True,
            }
            for followup in todo
        ])
        # one activity each: a plain cache write per follow-up, flushed in one
        # UPDATE, not a write() each (nothing depends on activity_id)
        with self.env.protecting([self._fields["activity_id"]], todo):
            for followup, activity in zip(todo, activities, strict=True):
                followup.activity_id = activity
        return todo

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_done(self, outcome=None):
        """Done by hand: its activity is marked done with the outcome as feedback."""
        if any(f.state != "planned" for f in self):
            raise UserError(self.env._("Only planned follow-ups can be marked done."))
        self._mark_done(outcome)
        return self._reload_screen()

    def _mark_done(self, outcome):
        vals = {"state": "done"}
        if outcome:
            vals["outcome"] = outcome
        self.write(vals)

    def action_cancel(self):
        self._cancel()
        return self._reload_screen()

    def _cancel(self):
        # an unanswered survey link stops working: the survey refuses expired answers
        self.user_input_id.filtered(lambda a: a.state != "done").sudo().write(
            {"deadline": fields.Datetime.now() - timedelta(seconds=1)}
        )
        self.write({"state": "cancelled"})

    def _after_closing(self):
        """Done or cancelled, whatever the path (button, activity, customer
        answer, write): no open activity is left behind, and the one-on-one
        agendas drop the follow-up."""
        activities = self.activity_id.filtered("active")
        if activities:
            done = self.filtered(lambda f: f.state == "done" and f.activity_id in activities)
            # one feedback per distinct outcome, not one call per follow-up
            for outcome, group in done.grouped("outcome").items():
                group.activity_id.with_context(sales_followup_syncing=True).action_feedback(
                    feedback=outcome or False
                )
            (activities - done.activity_id).unlink()
        self.env["sales.one.on.one.topic"]._resolve_followups(self)

    def action_reset_planned(self):
        self.filtered(lambda f: f.state == "cancelled").write({"state": "planned", "date_done": False})
        self._schedule_activities()
        return self._reload_screen()

    def _reload_screen(self):
        """The screen the button was clicked on reloads: opened in a dialog
        from the opportunity, the opportunity's next follow-up and chatter
        show the change at once."""
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_open_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # CUSTOMER SURVEY
    # ------------------------------------------------------------

    def _send_surveys(self):
        """Mail the customer survey of due satisfaction follow-ups, once. A
        customer without email gets no mail; the follow-up says why."""
        template = self.env.ref("sales_cycle_mgmt.mail_template_followup_survey")
        sent = self.browse()
        for followup in self:
            partner = followup.partner_id
            if not partner.email:
                problem = (
                    self.env._("The opportunity has no customer: no survey was sent.")
                    if not partner
                    else self.env._(
                        "%(partner)s has no email address: no survey was sent.", partner=partner.name
                    )
                )
                if followup.survey_problem != problem:
                    followup.survey_problem = problem
                    followup.message_post(body=problem)
                    followup.lead_id.message_post(body=problem)
                continue
            answer = followup.survey_id.sudo()._create_answer(
                partner=partner, email=partner.email, check_attempts=False
            )
            followup.write({
                "user_input_id": answer.id,
                "survey_sent_date": fields.Datetime.now(),
                "survey_problem": False,
            })
            template.send_mail(followup.id, email_layout_xmlid="mail.mail_notification_light")
            sent |= followup
        return sent

    def _survey_url(self):
        self.ensure_one()
        return self.get_base_url() + self.user_input_id.get_start_url()

    def _record_survey_answers(self, answers):
        """Called when customers submit their survey: store the 0-10 answer on
        the follow-up and the partner and tell the team what to do next."""
        customer_answers = answers.filtered(lambda answer: not answer.sales_pulse_round_id)
        followups = self.search([("user_input_id", "in", customer_answers.ids)])
        for followup in followups:
            if followup.state != "planned" or followup.nps_bucket:
                continue  # cancelled or already answered: nothing recorded
            answer = followup.user_input_id
            question = followup.step_id._nps_question() if followup.step_id else self.env["survey.question"]
            lines = answer.user_input_line_ids
            score_line = lines.filtered(
                lambda line, question=question: line.question_id == question and not line.skipped
            )[:1]
            if not score_line:
                continue
            score = int(score_line.value_scale)
            comment = "\n".join(
                line.value_text_box or line.value_char_box or ""
                for line in lines
                if line.question_id.question_type in ("text_box", "char_box") and not line.skipped
            ).strip()
            bucket = nps_bucket(score)
            followup.write({
                "nps_score": score, "nps_bucket": bucket, "nps_comment": comment or False,
            })
            followup._mark_done(self.env._("Customer answered %(score)s/10.", score=score))
            if followup.partner_id:
                followup.partner_id.sudo().write({
                    "nps_last_score": score,
                    "nps_last_bucket": bucket,
                    "nps_last_date": fields.Datetime.now(),
                })
            followup._act_on_nps(bucket, comment)

    def _act_on_nps(self, bucket, comment):
        self.ensure_one()
        lead = self.lead_id
        if bucket == "detractor":
            lead.activity_schedule(
                "sales_cycle_mgmt.mail_activity_type_nps_detractor",
                date_deadline=next_working_day(fields.Date.context_today(self)),
                user_id=(lead.team_id.user_id or lead.user_id or self.env.user).id,
                summary=self.env._("Unhappy customer: %(score)s/10", score=self.nps_score),
                note=comment or False,
            )
        elif bucket == "promoter":
            lead.activity_schedule(
                "sales_cycle_mgmt.mail_activity_type_referral",
                date_deadline=fields.Date.context_today(self) + timedelta(days=3),
                user_id=(lead.user_id or lead.team_id.user_id or self.env.user).id,
                summary=self.env._("Happy customer (%(score)s/10): ask for a referral", score=self.nps_score),
            )
        lead.message_post(body=Markup("%s<br/>%s") % (
            self.env._("Customer satisfaction answer: %(score)s/10 (%(bucket)s).",
                       score=self.nps_score,
                       bucket=dict(self._fields["nps_bucket"]._description_selection(self.env))[bucket]),
            comment or "",
        ))

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_process(self, batch_size=200):
        """Daily: overdue flags, activities for follow-ups entering the horizon,
        surveys of due satisfaction follow-ups. Batched; a concurrent run stops."""
        job = "sales.followup._cron_process"
        if not try_cron_lock(self.env, job):
            return
        today = fields.Date.context_today(self)
        self.flush_model()
        self.env.cr.execute(SQL(
            """UPDATE sales_followup SET is_overdue = (state = 'planned' AND date_due < %(today)s)
                WHERE is_overdue IS DISTINCT FROM (state = 'planned' AND date_due < %(today)s)""",
            today=today,
        ))
        self.invalidate_model(["is_overdue"])
        limit = today + timedelta(days=self._horizon_days())
        steps = (
            ([("state", "=", "planned"), ("activity_id", "=", False), ("date_due", "<=", limit),
              ("user_id", "!=", False)], "_schedule_activities"),
            ([("state", "=", "planned"), ("survey_id", "!=", False), ("user_input_id", "=", False),
              ("date_due", "<=", today)], "_send_surveys"),
        )
        for domain, method in steps:
            last_id = 0
            while True:
                batch = self.search(domain + [("id", ">", last_id)], limit=batch_size, order="id")
                if not batch:
                    break
                getattr(batch, method)()
                last_id = batch[-1].id
                if not commit_progress(self.env, len(batch)) or not try_cron_lock(self.env, job):
                    return

    @api.model
    def _cron_plan_won_leads(self, batch_size=200):
        """Plan the follow-ups of the deals won many at once (crm.lead flags
        them), a batch per transaction. Each batch takes its leads off the
        queue with the rows locked (SKIP LOCKED: a lead being written elsewhere
        waits for the next run), so a lead is planned by one transaction only,
        and a lead that left won meanwhile is not planned at all."""
        job = "sales.followup._cron_plan_won_leads"
        if not try_cron_lock(self.env, job):
            return
        Lead = self.env["crm.lead"]
        while True:
            Lead.flush_model(["followups_pending"])
            self.env.cr.execute(SQL("""
                WITH due AS (
                    SELECT id FROM crm_lead WHERE followups_pending
                     ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
                )
                UPDATE crm_lead l SET followups_pending = FALSE
                  FROM due WHERE l.id = due.id AND l.followups_pending
             RETURNING l.id
            """, limit=batch_size))
            ids = [row[0] for row in self.env.cr.fetchall()]
            Lead.invalidate_model(["followups_pending"])
            if not ids:
                self.env.cr.execute("SELECT 1 FROM crm_lead WHERE followups_pending LIMIT 1")
                if self.env.cr.fetchone():
                    # the leads left are being written elsewhere: come back soon
                    self.env.ref("sales_cycle_mgmt.ir_cron_followup_plan").sudo()._trigger(
                        fields.Datetime.now() + timedelta(minutes=1)
                    )
                break
            won = Lead.browse(ids).filtered(lambda lead: lead.won_status == "won")
            if won:
                self.sudo()._plan_for_won_leads(won)
            self.env.cr.execute("SELECT count(*) FROM crm_lead WHERE followups_pending")
            remaining = self.env.cr.fetchone()[0]
            if not commit_progress(self.env, len(ids), remaining=remaining) or not try_cron_lock(
                self.env, job
            ):
                break
