import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from .sales_cycle_stage_history import _columns

SNAPSHOT_WEEKS = 8
# days ago of each win: the stock demo's three won deals, then two more, so that
# after-sales follow-ups are done, overdue and coming up
WIN_DAYS_AGO = (100, 62, 36, 19, 2)
ENPS_ANSWERS = (9, 10, 6, 8, 4, 9, 7, 10, 3, 8)
# the mood improves over the weeks (weeks ago: added to each answer)
ENPS_TREND = {8: -1, 6: 0, 4: 0, 2: 1}
# one distinct comment per answer of the demo pulse rounds
PULSE_COMMENTS = (
    "More time with customers, fewer internal reports.",
    "The new quotation templates save me an hour a week.",
    "Marketing leads need better qualification before they reach us.",
    "Pipeline reviews on Monday finally feel useful.",
    "I would like more product training on the new desk range.",
    "Commission statements arrive too late to check them.",
    "The CRM on my phone makes visits much easier.",
    "Too many approvals for small discounts.",
    "Great support from the pre-sales team on the Trelian deal.",
    "Territories overlap: two of us called the same customer.",
    "Onboarding calls after the win help the customer relationship.",
    "Forecast meetings run long; a shorter format would help.",
    "I miss a case study for the public sector.",
    "The stage checklist stops me from skipping discovery.",
    "Workload is heavy at quarter end, fine the rest of the time.",
    "Coaching in the one-on-ones is the best part of my month.",
    "Delivery delays make renewals harder to sell.",
    "The pricing calculator answers most customer questions.",
    "We need a clearer handover from sales to delivery.",
    "Happy with the team; targets feel realistic this quarter.",
    "Travel budget cuts hurt our field visits.",
    "Leads from the website are much better since the form changed.",
)


class SalesCycleDemo(models.AbstractModel):
    """Builds the demo story through the paths users take: leads moved with
    write(), deals won with action_set_won(), follow-ups done with their done
    action, pulse answers given and rounds closed, snapshots taken by the
    snapshot method. Only dates are moved afterwards, so that the story has a
    past: each move is dated back with its tracking value, its stays and the
    lead's last stage update together, as if it had been made that day."""

    _name = "sales.cycle.demo"
    _description = "Sales Cycle Demo Data"

    # ------------------------------------------------------------
    # PIPELINE
    # ------------------------------------------------------------

    @api.model
    def _generate_pipeline(self):
        """Eight weeks of pipeline: every demo lead walks its stages up to the
        one stock demo data put it in, stock's won deals and two more are won,
        a snapshot is taken at the end of each week; then the nightly
        benchmarks and rotting check run."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        leads = Lead.search([("stage_id", "!=", False)], order="id")
        stages = self.env["crm.stage"].search([("is_won", "=", False)], order="sequence, id")
        now = self.env.cr.now().replace(microsecond=0)
        won = leads.filtered(lambda lead: lead.won_status == "won")
        won |= leads.filtered(
            lambda lead: lead.won_status == "pending" and lead.type == "opportunity"
            and lead.stage_id == stages[-1]
        )[:len(WIN_DAYS_AGO) - len(won)]
        win_dates = {
            lead.id: (now - timedelta(days=days_ago)).replace(hour=10 + lead.id % 6, minute=0, second=0)
            for lead, days_ago in zip(won, WIN_DAYS_AGO, strict=False)
        }
        walked = leads.filtered(lambda lead: lead.active)
        plans = {lead.id: self._lead_plan(lead, stages, win_dates.get(lead.id), now) for lead in walked}
        for lead in leads - walked:  # lost in stock demo data: created a while ago, never moved
            rng = random.Random(lead.id)
            plans[lead.id] = (now - timedelta(days=rng.uniform(20, 80)), lead.stage_id, [])
        self._start_leads(leads, plans, self._salespeople(walked))
        moves = sorted(
            (moved_at, lead_id, stage_id, kind)
            for lead_id, (_created, _stage, lead_moves) in plans.items()
            for moved_at, stage_id, kind in lead_moves
        )
        today = fields.Date.context_today(self)
        Snapshot = self.env["sales.cycle.snapshot"]
        for weeks_ago in range(SNAPSHOT_WEEKS - 1, -1, -1):
            day = today - timedelta(weeks=weeks_ago)
            due = [move for move in moves if move[0].date() <= day]
            moves = moves[len(due):]
            self._replay_moves(due)
            Snapshot._take_snapshot(day)
            # the leads exist since install, but were created later in the story
            self.env.cr.execute(SQL(
                """DELETE FROM sales_cycle_snapshot s USING crm_lead l
                    WHERE s.lead_id = l.id AND s.date = %s AND l.create_date >= %s""",
                day, day + timedelta(days=1),
            ))
        self._replay_moves(moves)
        self.env["crm.stage"]._compute_benchmarks()
        self.env["crm.lead"]._cron_flag_stalled()

    @api.model
    def _salespeople(self, leads):
        """{lead id: user}: the demo salespeople get pipelines of their own:
        the unassigned leads, and every other opportunity of the administrator,
        go round the members of the Sales team (and of Pre-Sales for its leads)."""
        admin = self.env.ref("base.user_admin")
        to_assign = leads.filtered(lambda lead: not lead.user_id or (
            lead.user_id == admin and lead.type == "opportunity" and lead.id % 2
            and not lead.stage_id.is_won
        ))
        teams = {
            team: (team.member_ids - team.user_id - admin).sorted("id")
            for team in self.env["crm.team"].search([("member_ids", "!=", False)])
        }
        default = self.env.ref("sales_team.team_sales_department")
        owners = {}
        for i, lead in enumerate(to_assign):
            members = teams.get(lead.team_id) or teams.get(default)
            if members:
                owners[lead.id] = members[i % len(members)]
        return owners

    @api.model
    def _lead_plan(self, lead, stages, won_at, now):
        """(created, first stage, [(moved at, stage id, 'move'|'won')]) of a
        walked lead: a plausible past, the same for the same database."""
        rng = random.Random(lead.id)
        target = stages[-1] if won_at else lead.stage_id
        path = [stage for stage in stages if not target._is_before(stage)]
        if len(path) > 2 and rng.random() < 0.3:
            # sent back once to the stage before, then forward again
            path[-1:-1] = [path[-1], path[-2]]
        # some current stays outlast the usual (the benchmarks' p90): rotting deals
        end = won_at or now - timedelta(
            days=rng.uniform(0.3, 2.6) * (path[-1].rotting_threshold_days or 5)
        )
        dates = [end]
        for stage in reversed(path[:-1] if not won_at else path):
            days = (stage.rotting_threshold_days or 5) * rng.uniform(0.6, 2.0)
            dates.insert(0, dates[0] - timedelta(days=days))
        created = dates[0]
        moves = [(moved_at, stage.id, "move") for moved_at, stage in zip(dates[1:], path[1:], strict=False)]
        if won_at:
            moves.append((won_at, False, "won"))
        return created, path[0], moves

    @api.model
    def _start_leads(self, leads, plans, owners):
        """Each lead as it was created: in the first stage of its plan, with
        its salesperson of ``owners``, on the day of its plan. Stock demo data
        creates the leads in their final stage, today; the reset is not a move
        of the story, so it is written without tracking, and the history is
        rebuilt from the (empty) stage tracking by the install backfill: one
        open stay since creation."""
        # tracking still pending would compare with the reset and log it as a move
        self.env.flush_all()
        self.env.cr.flush()
        groups = defaultdict(list)
        for lead in leads:
            vals = {}
            stage = plans[lead.id][1]
            if lead.stage_id != stage:
                vals["stage_id"] = stage.id
                if lead.won_status == "won":
                    vals["probability"] = 10.0  # out of won, to be won again
            if lead.id in owners:
                vals["user_id"] = owners[lead.id].id
            if vals:
                groups[tuple(sorted(vals.items()))].append(lead.id)
        for vals, lead_ids in groups.items():
            self.env["crm.lead"].browse(lead_ids).with_context(tracking_disable=True).write(dict(vals))
        self.env.flush_all()
        rows = [(lead.id, plans[lead.id][0]) for lead in leads]
        self.env.cr.execute(SQL(
            "DELETE FROM sales_cycle_stage_history WHERE lead_id = ANY(%s)", leads.ids,
        ))
        self.env.cr.execute(SQL(
            "DELETE FROM crm_lead_cycle_phase_reached_rel WHERE lead_id = ANY(%s)", leads.ids,
        ))
        self.env.cr.execute(SQL(
            """UPDATE crm_lead l SET create_date = d.created, date_last_stage_update = d.created,
                      date_open = CASE WHEN l.user_id IS NOT NULL THEN d.created END,
                      date_closed = CASE WHEN NOT l.active THEN d.created + interval '3 days' END
                 FROM unnest(%s::int[], %s::timestamp[]) AS d(id, created) WHERE l.id = d.id""",
            *_columns(rows),
        ))
        # the lead's creation message, dated with it
        self.env.cr.execute(SQL(
            """UPDATE mail_message m SET date = d.created, create_date = d.created
                 FROM unnest(%s::int[], %s::timestamp[]) AS d(id, created)
                WHERE m.model = 'crm.lead' AND m.res_id = d.id AND m.date > d.created""",
            *_columns(rows),
        ))
        self.env.invalidate_all()
        self.env["sales.cycle.stage.history"]._backfill_from_tracking()

    @api.model
    def _replay_moves(self, moves):
        """Make ``moves`` [(moved at, lead id, stage id, kind)] as users do,
        each lead's in its order, then date each back to when it happened."""
        pending = defaultdict(list)
        for move in moves:
            pending[move[1]].append(move)
        Lead = self.env["crm.lead"]
        while pending:
            step = {lead_id: lead_moves.pop(0) for lead_id, lead_moves in pending.items()}
            pending = {lead_id: lead_moves for lead_id, lead_moves in pending.items() if lead_moves}
            groups = defaultdict(list)
            for _moved_at, lead_id, stage_id, kind in step.values():
                groups[kind, stage_id].append(lead_id)
            for (kind, stage_id), lead_ids in groups.items():
                leads = Lead.browse(lead_ids)
                marker = self._last_message_id()
                if kind == "won":
                    leads.action_set_won()
                else:
                    self._tick_exit_criteria(leads)
                    leads.write({"stage_id": stage_id})
                moved = [(lead_id, step[lead_id][0]) for lead_id in lead_ids]
                self._date_moves_back(moved, won=kind == "won")
                if kind == "won":
                    self._replan_followups(leads, marker)

    @api.model
    def _last_message_id(self):
        self.env["mail.message"].flush_model()
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_message")
        return self.env.cr.fetchone()[0]

    @api.model
    def _tick_exit_criteria(self, leads):
        """Before leaving a gated stage, the salesperson ticks its required items."""
        for stage, stage_leads in leads.grouped("stage_id").items():
            required = stage.checklist_item_ids.filtered("required")
            if stage.checklist_gate and required:
                stage_leads.write({"checklist_done_ids": [Command.link(item.id) for item in required]})

    @api.model
    def _date_moves_back(self, moved, won=False):
        """Date the stage change just written on each lead of ``moved``
        [(lead id, moved at)] back to ``moved at``: its tracking value and
        message, the stay it closed and the one it opened, the lead's last
        stage update (and closing date of a win), all to the same second, so
        that the chatter, the statusbar and the history tell the same times."""
        self.env.flush_all()
        self.env.cr.flush()  # the tracking values are written at precommit
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        moved_rows = SQL("SELECT * FROM unnest(%s::int[], %s::timestamp[]) AS m(lead_id, moved_at)",
                         *_columns(moved))
        self.env.cr.execute(SQL("""
            WITH m AS (%(moved)s),
            changes AS (
                SELECT DISTINCT ON (msg.res_id) v.id, msg.id AS message_id, m.moved_at
                  FROM mail_tracking_value v
                  JOIN mail_message msg ON msg.id = v.mail_message_id
                  JOIN m ON m.lead_id = msg.res_id
                 WHERE msg.model = 'crm.lead' AND v.field_id = %(field)s
              ORDER BY msg.res_id, v.id DESC
            ),
            tracking AS (
                UPDATE mail_tracking_value v SET create_date = c.moved_at, write_date = c.moved_at
                  FROM changes c WHERE v.id = c.id
            )
            UPDATE mail_message msg SET date = c.moved_at, create_date = c.moved_at, write_date = c.moved_at
              FROM changes c WHERE msg.id = c.message_id
        """, moved=moved_rows, field=field.id))
        self.env.cr.execute(SQL("""
            WITH m AS (%(moved)s),
            left_stay AS (
                SELECT DISTINCT ON (h.lead_id) h.id, m.moved_at
                  FROM sales_cycle_stage_history h JOIN m ON m.lead_id = h.lead_id
                 WHERE h.date_out IS NOT NULL
              ORDER BY h.lead_id, h.date_in DESC, h.id DESC
            ),
            closed AS (
                UPDATE sales_cycle_stage_history h
                   SET date_out = s.moved_at,
                       duration_days = EXTRACT(EPOCH FROM s.moved_at - h.date_in) / 86400.0,
                       max_duration_days = EXTRACT(EPOCH FROM s.moved_at - h.date_in) / 86400.0
                  FROM left_stay s WHERE h.id = s.id
            ),
            opened AS (
                UPDATE sales_cycle_stage_history h SET date_in = m.moved_at
                  FROM m WHERE h.lead_id = m.lead_id AND h.date_out IS NULL
            )
            UPDATE crm_lead l
               SET date_last_stage_update = m.moved_at,
                   date_closed = CASE WHEN %(won)s THEN m.moved_at ELSE l.date_closed END
              FROM m WHERE l.id = m.lead_id
        """, moved=moved_rows, won=won))
        self.env.invalidate_all()

    @api.model
    def _replan_followups(self, leads, marker):
        """The win planned the after-sales follow-ups from today: plan them
        again, with the same method, from the win's date it now has (with its
        note on the lead), and remove what the first planning wrote."""
        Followup = self.env["sales.followup"].sudo()
        first = Followup.search([("lead_id", "in", leads.ids)])
        first.activity_id.unlink()
        first.unlink()
        self.env["mail.message"].sudo().search([
            ("model", "=", "crm.lead"), ("res_id", "in", leads.ids), ("id", ">", marker),
            ("tracking_value_ids", "=", False),
        ]).unlink()
        marker = self._last_message_id()
        Followup._plan_for_won_leads(leads)
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """UPDATE mail_message m SET date = l.date_closed, create_date = l.date_closed
                 FROM crm_lead l WHERE m.model = 'crm.lead' AND m.res_id = l.id
                  AND l.id = ANY(%s) AND m.id > %s""",
            leads.ids, marker,
        ))
        self.env.invalidate_all()

    # ------------------------------------------------------------
    # FOLLOW-UPS
    # ------------------------------------------------------------

    @api.model
    def _generate_followups(self):
        """The past follow-ups of the won demo deals: most done with their done
        action (the activity with them), a few days after they were due; the
        satisfaction surveys sent and answered by the customers; those of the last
        twelve days left overdue, their activity still open."""
        Followup = self.env["sales.followup"]
        today = fields.Date.context_today(self)
        past = Followup.search([("state", "=", "planned"), ("date_due", "<", today)], order="date_due, id")
        scores = iter((9, 10, 6, 8, 3))
        for i, followup in enumerate(past):
            if followup.date_due >= today - timedelta(days=12):
                continue  # overdue
            marker = self._last_message_id()
            if followup.kind == "satisfaction" and followup.partner_id.email:
                followup._send_surveys()
                answer = followup.user_input_id
                answer._save_lines(followup.step_id._nps_question(), next(scores, 7))
                answer._mark_done()
            else:
                followup.action_done(self.env._("Customer reached; all good so far."))
            if followup.state != "done":
                continue
            # done a day or two after it was due, with its notes on the lead
            done_at = datetime.combine(followup.date_due + timedelta(days=i % 3), time(15))
            followup.date_done = done_at.date()
            self.env.flush_all()
            self.env.cr.execute(SQL(
                """UPDATE mail_message SET date = %s, create_date = %s
                    WHERE model = 'crm.lead' AND res_id = %s AND id > %s""",
                done_at, done_at, followup.lead_id.id, marker,
            ))
        self.env.invalidate_all()
        Followup._cron_process()

    # ------------------------------------------------------------
    # PULSE
    # ------------------------------------------------------------

    @api.model
    def _generate_pulse(self, campaign_ids):
        """Four rounds every two weeks over the last eight weeks, answered
        through the invitations' survey answers and closed by the round's own
        close. The round of four weeks ago fell in the holidays: two answers,
        under the anonymity threshold, so its results stay hidden."""
        today = fields.Date.context_today(self)
        comments = iter(PULSE_COMMENTS)
        for campaign in self.env["sales.pulse.campaign"].browse(campaign_ids):
            questions = campaign.survey_id.question_ids
            for weeks_ago in (8, 6, 4, 2):
                day = today - timedelta(weeks=weeks_ago)
                pulse_round = campaign._open_round(day, send=False)
                invitations = pulse_round.invitation_ids.sorted("id")
                answering = invitations[:2] if weeks_ago == 4 else invitations.filtered(
                    lambda inv, w=weeks_ago: (inv.id + w) % 5
                )
                for i, invitation in enumerate(answering):
                    answer = invitation._start_answer()
                    for question in questions:
                        if question == campaign.enps_question_id:
                            value = ENPS_ANSWERS[(i * 3 + weeks_ago * 2) % len(ENPS_ANSWERS)]
                            value += ENPS_TREND[weeks_ago]
                            answer._save_lines(question, str(max(0, min(value, 10))))
                        elif question.question_type == "scale":
                            answer._save_lines(question, str(1 + (i * 2 + question.sequence + weeks_ago) % 5))
                        elif question.question_type == "text_box" and (i + weeks_ago) % 3:
                            comment = next(comments, None)
                            if comment:
                                answer._save_lines(question, comment)
                    answer._mark_done()
                pulse_round._close()
                # closed when its window ended, not today
                pulse_round.date_closed = pulse_round.date_deadline
