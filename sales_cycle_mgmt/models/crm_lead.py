from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..exceptions import ExitCriteriaMissing
from .cron_progress import commit_progress, try_cron_lock

# context key of a sales manager's confirmed move past an exit gate
GATE_BYPASS_KEY = "sales_cycle_gate_bypass"
# a win of one deal (the won button, a drag to a won stage) plans its follow-ups
# at once; a write that wins more leaves them to the planning cron
FOLLOWUP_INLINE_WINS = 1


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # the stage's phase; not a related field, which assigns lead by lead
    cycle_phase_id = fields.Many2one(
        "sales.cycle.phase", compute="_compute_cycle_phase_id", store=True,
        help="Phase of the lead's current stage.",
    )
    stage_guidance = fields.Html(related="stage_id.guidance", string="Stage Guidance")
    stage_checklist_item_ids = fields.One2many(related="stage_id.checklist_item_ids")
    stage_checklist_gate = fields.Boolean(related="stage_id.checklist_gate")
    checklist_done_ids = fields.Many2many(
        "sales.cycle.checklist.item",
        "crm_lead_checklist_item_done_rel",
        "lead_id",
        "item_id",
        string="Exit Criteria Ticked",
        tracking=True,
        help="Exit criteria this lead has met.",
    )
    checklist_progress = fields.Integer(
        compute="_compute_checklist_progress",
        help="Share of the current stage's exit checklist that is ticked, in percent.",
    )
    stage_history_ids = fields.One2many("sales.cycle.stage.history", "lead_id")
    stage_history_count = fields.Integer(compute="_compute_stage_history_count")
    days_in_stage = fields.Integer(
        "Days in Stage", compute="_compute_cycle_days", help="Days since the lead entered its current stage."
    )
    cycle_days = fields.Integer(
        compute="_compute_cycle_days",
        help="Days from the lead's creation to its closing, or to today while open.",
    )
    # the stay (by its start) whose rotting got its activity: one per stay
    rotting_reminded_at = fields.Datetime(readonly=True, copy=False)
    # counted move by move from what the ORM already holds (_sync_stage_history)
    # and written by the UPDATE that writes the stage: no query of their own
    cycle_stage_count = fields.Integer(
        "Stage Changes", readonly=True, copy=False,
        help="Times the lead moved to another stage, backward moves included.",
    )
    cycle_backward_count = fields.Integer(
        "Backward Moves", readonly=True, copy=False,
        help="Times the lead went back to an earlier stage.",
    )
    # written by the statement that opens each stay (_sync_stage_history)
    cycle_phase_reached_ids = fields.Many2many(
        "sales.cycle.phase", "crm_lead_cycle_phase_reached_rel", "lead_id", "phase_id",
        "Phases Reached", readonly=True, copy=False,
        help="Phases of the stages the lead has been in; the funnel counts from them.",
    )
    # the same phases as one value (their ids, ascending), which the funnel
    # groups leads by: written with the phases that writes add, mended by
    # triggers when phases go (init)
    cycle_phases_reached_key = fields.Char(readonly=True, copy=False)
    followup_ids = fields.One2many("sales.followup", "lead_id", "After-sales Follow-ups")
    # won in bulk: the planning cron plans the after-sales follow-ups
    followups_pending = fields.Boolean(
        "Follow-ups Being Planned", readonly=True, copy=False,
        help="The deal was won with many others: its after-sales follow-ups are being planned.",
    )
    next_followup_date = fields.Date(
        "Next Follow-up", compute="_compute_next_followup_date", store=True,
        help="Due date of the next planned after-sales follow-up.",
    )
    # sales content and customer questions
    suggested_content_ids = fields.Many2many(
        "sales.content", compute="_compute_suggested_content_ids",
        groups="sales_team.group_sale_salesman",
        help="Content of the current stage first, then of its phase, in the customer's "
        "language when a version exists.",
    )
    content_usage_ids = fields.One2many(
        "sales.content.usage", "lead_id", "Content Shared", groups="sales_team.group_sale_salesman"
    )
    customer_question_ids = fields.Many2many(
        "sales.customer.question", "sales_customer_question_lead_rel", "lead_id", "question_id",
        string="Customer Questions", groups="sales_team.group_sale_salesman",
    )

    # the planning cron's queue: the deals it has still to plan
    _followups_pending_idx = models.Index("(id) WHERE followups_pending")

    def init(self):
        res = super().init()
        # a deleted lead or phase, or an emptied table, takes its phases out of
        # the leads' keys in the same statement; the writes that add phases
        # write the key themselves (a move with the stage, the backfill and
        # _recompute_lead_figures with the counts): one row version per lead
        self.env.cr.execute("""
            DROP TRIGGER IF EXISTS sales_cycle_lead_phases_reached_insert
                ON crm_lead_cycle_phase_reached_rel;
            CREATE OR REPLACE FUNCTION sales_cycle_lead_phases_reached() RETURNS trigger
            LANGUAGE plpgsql AS $body$ BEGIN
                UPDATE crm_lead l SET cycle_phases_reached_key = k.phases
                  FROM (SELECT c.lead_id, string_agg(r.phase_id::text, ',' ORDER BY r.phase_id) AS phases
                          FROM (SELECT DISTINCT lead_id FROM changed) c
                     LEFT JOIN crm_lead_cycle_phase_reached_rel r ON r.lead_id = c.lead_id
                      GROUP BY c.lead_id) k
                 WHERE l.id = k.lead_id AND l.cycle_phases_reached_key IS DISTINCT FROM k.phases;
                RETURN NULL;
            END $body$;
            CREATE OR REPLACE TRIGGER sales_cycle_lead_phases_reached_delete AFTER DELETE
                ON crm_lead_cycle_phase_reached_rel REFERENCING OLD TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION sales_cycle_lead_phases_reached();
            CREATE OR REPLACE FUNCTION sales_cycle_lead_phases_reached_truncate() RETURNS trigger
            LANGUAGE plpgsql AS $body$ BEGIN
                UPDATE crm_lead SET cycle_phases_reached_key = NULL
                 WHERE cycle_phases_reached_key IS NOT NULL;
                RETURN NULL;
            END $body$;
            CREATE OR REPLACE TRIGGER sales_cycle_lead_phases_reached_truncate AFTER TRUNCATE
                ON crm_lead_cycle_phase_reached_rel
                FOR EACH STATEMENT EXECUTE FUNCTION sales_cycle_lead_phases_reached_truncate();
        """)
        # leads that reached phases before the key existed
        self.env.cr.execute("""
            UPDATE crm_lead l SET cycle_phases_reached_key = k.phases
              FROM (SELECT lead_id, string_agg(phase_id::text, ',' ORDER BY phase_id) AS phases
                      FROM crm_lead_cycle_phase_reached_rel GROUP BY lead_id) k
             WHERE l.id = k.lead_id AND l.cycle_phases_reached_key IS NULL
        """)
        return res

    @api.depends("stage_id.cycle_phase_id")
    def _compute_cycle_phase_id(self):
        # one assignment per stage: a move of 500 leads costs one, not 500
        for stage, leads in self.grouped("stage_id").items():
            leads.cycle_phase_id = stage.cycle_phase_id

    @api.depends("stage_id", "checklist_done_ids")
    def _compute_checklist_progress(self):
        for lead in self:
            items = lead.stage_id.checklist_item_ids._origin
            # _origin: in the form's onchange, ticked items are new-record wrappers
            done = items & lead.checklist_done_ids._origin
            lead.checklist_progress = round(100 * len(done) / len(items)) if items else 0

    @api.depends("followup_ids.state", "followup_ids.date_due")
    def _compute_next_followup_date(self):
        for lead in self:
            dates = [f.date_due for f in lead.followup_ids if f.state == "planned"]
            lead.next_followup_date = min(dates) if dates else False

    def _compute_stage_history_count(self):
        counts = dict(
            self.env["sales.cycle.stage.history"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.stage_history_count = counts.get(lead._origin, 0)

    def _compute_duration_tracking(self):
        """Time in each stage (the statusbar's), from the stored stage history
        in one query for the batch rather than from the chatter's tracking: right
        also for leads moved with tracking off and for leads whose chatter was
        cleaned. The open stay runs until now."""
        stored = self.filtered(lambda lead: lead._origin.id)
        durations = defaultdict(dict)
        if stored:
            # as stock counts, the first stay runs from the lead's creation (an
            # import may set an earlier creation date than the stay recorded)
            self.flush_model(["create_date"])
            self.env.cr.execute(SQL("""
                SELECT h.lead_id, h.stage_id, sum(EXTRACT(EPOCH FROM COALESCE(h.date_out, %(now)s)
                           - CASE WHEN h.direction = 'first' THEN LEAST(h.date_in, l.create_date)
                                  ELSE h.date_in END))::bigint
                  FROM sales_cycle_stage_history h
                  JOIN crm_lead l ON l.id = h.lead_id
                 WHERE h.lead_id = ANY(%(ids)s) AND h.stage_id IS NOT NULL
              GROUP BY h.lead_id, h.stage_id
            """, now=self.env.cr.now(), ids=stored._origin.ids))
            for lead_id, stage_id, seconds in self.env.cr.fetchall():
                durations[lead_id][stage_id] = max(seconds, 0)
        for lead in stored:
            lead.duration_tracking = durations[lead._origin.id]
        if self - stored:
            return super(CrmLead, self - stored)._compute_duration_tracking()
        return None

    @api.depends("date_last_stage_update", "create_date", "date_closed")
    def _compute_cycle_days(self):
        now = fields.Datetime.now()
        for lead in self:
            entered = lead.date_last_stage_update or now
            # the form's onchange stamps a stage change after this "now"
            lead.days_in_stage = max((now - entered).days, 0)
            start = lead.create_date or now
            lead.cycle_days = ((lead.date_closed or now) - start).days

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._sync_stage_history()
        if any("customer_question_ids" in vals for vals in vals_list):
            leads.sudo().customer_question_ids._note_askings()
        return leads

    def write(self, vals):
        # a team or type change can move the stage too (crm recomputes it)
        stage_moves = "stage_id" in vals or "team_id" in vals or "type" in vals
        stages_before = {lead.id: lead.stage_id for lead in self} if stage_moves else {}
        # what crm's won_status hangs on (it calls _handle_won_lost on these)
        status_moves = stage_moves or "active" in vals or "probability" in vals
        statuses_before = {lead.id: lead.won_status for lead in self} if status_moves else {}
        # linked here rather than with the log wizard: still askings
        questions_before = {lead.id: lead.customer_question_ids for lead in self.sudo()} \
            if "customer_question_ids" in vals else None
        if "checklist_done_ids" in vals and not (
            self.env.context.get("tracking_disable") or self.env.context.get("mail_notrack")
        ):
            super()._track_prepare(["checklist_done_ids"])
        if vals.get("stage_id") and "checklist_done_ids" in vals:
            # the form saves ticks and the statusbar's stage in one write: the
            # gate must see the ticks
            super().write({"checklist_done_ids": vals["checklist_done_ids"]})
            vals = {k: v for k, v in vals.items() if k != "checklist_done_ids"}
        if vals.get("stage_id"):
            new_stage = self.env["crm.stage"].browse(vals["stage_id"])
            # the gate reads the stages left, crm the stage entered: one query
            (self.stage_id | new_stage).mapped("checklist_gate")
            self._check_exit_gate(new_stage)
            moving = self.browse(lead_id for lead_id, stage in stages_before.items()
                                 if stage.id != vals["stage_id"])
            reminded = moving.filtered("rotting_reminded_at")
            if reminded:
                # rotting ends with the stay; its reminder goes too
                reminded.activity_unlink(["sales_cycle_mgmt.mail_activity_type_stalled"])
                if moving == self:
                    vals = dict(vals, rotting_reminded_at=False)
                else:
                    super(CrmLead, reminded).write({"rotting_reminded_at": False})
        res = super().write(vals)
        # the stays a move closes or opens carry the lead's new status already
        noted = self._sync_stage_history(
            stages_before, date_in=None if "stage_id" in vals else self.env.cr.now()
        ) if stage_moves else set()
        if status_moves:
            self.env["sales.cycle.stage.history"]._record_lead_statuses({
                lead.id: lead.won_status for lead in self
                if lead.id not in noted and lead.won_status != statuses_before[lead.id]
            })
        if questions_before is not None:
            self.env["sales.customer.question"].sudo().union(*(
                lead.customer_question_ids - questions_before[lead.id] for lead in self.sudo()
            ))._note_askings()
        return res

    def _handle_won_lost(self, old_status_by_lead, new_status_by_lead):
        """Every path to won (button, drag to a won stage, import, create) ends
        here: plan the after-sales follow-ups; lost after won cancels them."""
        res = super()._handle_won_lost(old_status_by_lead, new_status_by_lead)
        won, lost = self.browse(), self.browse()
        for lead in self:
            old = old_status_by_lead.get(lead.id, {"is_won": False, "is_lost": False})
            new = new_status_by_lead.get(lead.id, {"is_won": False, "is_lost": False})
            if new["is_won"] and not old["is_won"]:
                won |= lead
            elif old["is_won"] and not new["is_won"]:
                lost |= lead
        if len(won) > FOLLOWUP_INLINE_WINS:
            won._defer_followups(True)
            self.env.ref("sales_cycle_mgmt.ir_cron_followup_plan").sudo()._trigger()
        elif won:
            self.env["sales.followup"].sudo()._plan_for_won_leads(won)
        if lost:
            # not planned yet: the cron must not plan them any more
            lost.filtered("followups_pending")._defer_followups(False)
            self.env["sales.followup"].sudo()._cancel_for_lost_leads(lost)
        return res

    def _defer_followups(self, pending):
        """Flag (or unflag) the leads for the planning cron, as a plain cache
        write: it rides on the UPDATE that writes the stage."""
        with self.env.protecting([self._fields["followups_pending"]], self):
            self.followups_pending = pending

    # ------------------------------------------------------------
    # STAGE HISTORY
    # ------------------------------------------------------------

    def _sync_stage_history(self, stages_before=None, date_in=None):
        """Close the open stay and open one in the new stage for every lead of
        ``self`` that changed stage since ``stages_before`` ({lead id: stage};
        None on create, where every lead enters its first stage), with the
        history's one statement for the whole batch, whatever its size
        (``sales.cycle.stage.history._record_moves``).

        Everything a stay holds (stage, phase, team, salesperson, company,
        date, how the lead moved) comes from what the ORM already holds, so
        the statements read no table and plan in no time; the leads' counts
        grow by the stays the insert returns and ride on the UPDATE that
        writes the stage at flush.
        ``date_in`` defaults to the lead's ``date_last_stage_update``, which
        stock crm sets on every stage change, so both agree to the second.
        Returns the ids of the leads whose stays it wrote, with their status.
        """
        changed = []  # (lead, stage before, stage now)
        for lead in self:
            new = lead.stage_id
            old = stages_before[lead.id] if stages_before is not None else new.browse()
            if stages_before is None or new != old:
                changed.append((lead, old, new))
        if not changed:
            return set()
        if stages_before is not None:
            # a lead back in a stage after having none moves from its last stay
            last = self.env["sales.cycle.stage.history"]._last_stages(
                [lead.id for lead, old, new in changed if new and not old]
            )
            changed = [(lead, old or last.get(lead.id, old), new) for lead, old, new in changed]
        closes = []  # (lead id, stage now, direction, moved at, status now): stays to close
        opens = []  # (lead id, stage, phase, team, salesperson, company, date in, direction)
        for lead, old, new in changed:
            if not new or not old:
                direction = "first" if new else None
            else:
                direction = "backward" if new._is_before(old) else "forward"
            moved_at = date_in or lead.date_last_stage_update or lead.create_date
            closes.append((lead.id, new.id, direction, moved_at, lead.won_status))
            if new:
                opens.append((
                    lead.id, new.id, new.cycle_phase_id.id, lead.team_id.id, lead.user_id.id,
                    lead.company_id.id, moved_at, direction, lead.won_status,
                ))
        History = self.env["sales.cycle.stage.history"]
        opened = History._record_moves(closes if stages_before is not None else [], opens)
        History.invalidate_model()
        self.browse(row[0] for row in closes).invalidate_recordset(
            ["stage_history_ids", "cycle_phase_reached_ids"]
        )
        self._count_stage_changes(opened)
        # a lead moved onto an open stay written in bulk keeps that stay
        return {row[0] for row in closes} - {row[0] for row in opens} | {row[0] for row in opened}

    def _count_stage_changes(self, opened):
        """Add the stays just opened, [(lead id, direction, phase id)], to the
        leads' counts and their phase to the key of their phases reached, as
        ``_recompute_lead_figures`` derives them from the history: a move onto
        an open stay written in bulk already opens none, counts none."""
        counted = defaultdict(list)  # (stage changes, backward moves, phases) -> leads
        for lead_id, direction, phase_id in opened:
            lead = self.browse(lead_id)
            phases = {int(p) for p in (lead.cycle_phases_reached_key or "").split(",") if p}
            key = ",".join(str(p) for p in sorted(phases | ({phase_id} if phase_id else set()))) or False
            if direction == "first":
                changes, backward = lead.cycle_stage_count, lead.cycle_backward_count
            else:
                changes = lead.cycle_stage_count + 1
                backward = lead.cycle_backward_count + (direction == "backward")
            counted[changes, backward, key].append(lead_id)
        fnames = ["cycle_stage_count", "cycle_backward_count", "cycle_phases_reached_key"]
        with self.env.protecting([self._fields[fname] for fname in fnames], self.browse(
                row[0] for row in opened)):
            # protected: a plain cache write, flushed with the stage
            for (changes, backward, key), lead_ids in counted.items():
                leads = self.browse(lead_ids)
                for fname, value in zip(fnames, (changes, backward, key), strict=True):
                    if any(lead[fname] != value for lead in leads):
                        leads[fname] = value

    def _check_exit_gate(self, new_stage):
        """Refuse a forward move out of a gated stage while required exit
        criteria are unticked. Backward moves and lost/archive are never gated.
        A sales manager passes on confirming (``GATE_BYPASS_KEY`` in the
        context, honoured for managers only), superuser code always; the
        chatter names what was not ticked."""
        blocked = self._exit_gate_missing(new_stage)
        if not blocked:
            return
        can_bypass = self._exit_gate_can_bypass()
        if not (self.env.su or (self.env.context.get(GATE_BYPASS_KEY) and can_bypass)):
            message = self._exit_gate_message(new_stage, blocked)
            if can_bypass:
                # a drag or a mass edit cannot ask: say where they can
                message += "\n\n" + self.env._(
                    "As a sales manager, you can move a lead anyway from its form's statusbar, "
                    "after confirming."
                )
            raise ExitCriteriaMissing(message)
        for lead, missing in blocked.items():
            lead.message_post(
                body=Markup("%s<ul>%s</ul>") % (
                    self.env._(
                        "Moved to %(stage)s past the exit checklist of %(old)s; not ticked:",
                        stage=new_stage.name, old=lead.stage_id.name,
                    ),
                    Markup().join(Markup("<li>%s</li>") % item.name for item in missing),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _exit_gate_missing(self, new_stage):
        """{lead: required items not ticked} for the leads of ``self`` that a
        move to ``new_stage`` takes forward out of a gated stage."""
        if not self.stage_id.filtered("checklist_gate"):
            return {}  # the common case, without reading any lead's ticks
        blocked = {}
        for lead in self:
            stage = lead.stage_id
            if not stage.checklist_gate or stage == new_stage or new_stage._is_before(stage):
                continue
            missing = stage.checklist_item_ids.filtered("required") - lead.checklist_done_ids
            if missing:
                blocked[lead] = missing
        return blocked

    def _exit_gate_can_bypass(self):
        return self.env.user.has_group("sales_team.group_sale_manager")

    def _exit_gate_message(self, new_stage, blocked):
        if len(blocked) == 1:
            [(lead, missing)] = blocked.items()
            return self.env._(
                "Tick the required exit criteria of %(old)s before moving to %(stage)s:\n%(items)s",
                old=lead.stage_id.name,
                stage=new_stage.name,
                items="\n".join(f"- {name}" for name in missing.mapped("name")),
            )
        return self.env._(
            "Tick the required exit criteria of the current stage before moving to "
            "%(stage)s:\n%(lines)s",
            stage=new_stage.name,
            lines="\n".join(
                self.env._(
                    "%(lead)s: %(items)s", lead=lead.display_name, items=", ".join(missing.mapped("name"))
                )
                for lead, missing in blocked.items()
            ),
        )

    def sales_cycle_exit_gate_status(self, stage_id):
        """What the lead form's statusbar asks before moving the lead to
        ``stage_id``: False when the gate lets it through, else the required
        items not ticked, the message to show, and whether the user may
        confirm a move past them. Moves nothing."""
        self.ensure_one()
        self.check_access("read")
        new_stage = self.env["crm.stage"].browse(stage_id).exists()
        blocked = self._exit_gate_missing(new_stage) if new_stage else {}
        if not blocked:
            return False
        return {
            "missing": blocked[self].mapped("name"),
            "message": self._exit_gate_message(new_stage, blocked),
            "can_bypass": self._exit_gate_can_bypass(),
        }

    def _track_prepare(self, fields_iter):
        # the ticks are read for tracking by the writes that change them
        # (write()), not before every tracked write of a lead
        return super()._track_prepare(fname for fname in fields_iter if fname != "checklist_done_ids")

    def _mail_track(self, tracked_fields, initial_values):
        """Track a tick or untick as the ticks of that criterion's stage
        before and after, not as every tick of every stage."""
        fname = "checklist_done_ids"
        if fname not in initial_values or fname not in tracked_fields:
            return super()._mail_track(tracked_fields, initial_values)
        before = initial_values[fname]
        changes, tracking_values = super()._mail_track(
            tracked_fields, {key: value for key, value in initial_values.items() if key != fname}
        )
        after = self[fname]
        scope = ((before - after) | (after - before)).stage_id.checklist_item_ids
        if scope:
            changes.add(fname)
            tracking_values.append([0, 0, self.env["mail.tracking.value"]._create_tracking_values(
                before & scope, after & scope, fname, tracked_fields[fname], self,
            )])
        return changes, tracking_values

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_stage_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_cycle_mgmt.sales_cycle_stage_history_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        action["views"] = [(False, "list"), (False, "form")]
        action["view_mode"] = "list,form"
        return action

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_flag_stalled(self, batch_size=500):
        """Give each deal that starts rotting (stock ``is_rotting``: longer in
        its stage than the stage's Days to rot) one activity for its
        salesperson, once per stay. Batched and safe to run concurrently: a
        lead gets its activity from the transaction whose UPDATE marked it."""
        if not try_cron_lock(self.env, "crm.lead._cron_flag_stalled"):
            return
        activity_type = self.env.ref("sales_cycle_mgmt.mail_activity_type_stalled")
        rotting = self._search([("is_rotting", "=", True)])
        while True:
            self.env.cr.execute(SQL("""
                WITH due AS (
                    SELECT l.id FROM crm_lead l
                     WHERE l.id IN %(rotting)s
                       AND l.rotting_reminded_at IS DISTINCT FROM l.date_last_stage_update
                     ORDER BY l.id
                     LIMIT %(limit)s
                       FOR UPDATE SKIP LOCKED
                )
                UPDATE crm_lead l SET rotting_reminded_at = l.date_last_stage_update
                  FROM due WHERE l.id = due.id
                   AND l.rotting_reminded_at IS DISTINCT FROM l.date_last_stage_update
             RETURNING l.id
            """, rotting=rotting.subselect(), limit=batch_size))
            ids = [row[0] for row in self.env.cr.fetchall()]
            self.invalidate_model(["rotting_reminded_at"])
            if not ids:
                break
            self.browse(ids)._schedule_rotting_activities(activity_type)
            if not commit_progress(self.env, len(ids)) or not try_cron_lock(
                self.env, "crm.lead._cron_flag_stalled"
            ):
                break

    def _schedule_rotting_activities(self, activity_type):
        model_id = self.env["ir.model"]._get_id("crm.lead")
        today = fields.Date.context_today(self)
        vals_list = []
        for lead in self:
            user = lead.user_id or lead.team_id.user_id
            if not user:
                continue
            vals_list.append({
                "res_model_id": model_id,
                "res_id": lead.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "date_deadline": today,
                "automated": True,
                "summary": self.env._(
                    "Rotting in %(stage)s for %(days)s days (rots after %(threshold)s)",
                    stage=lead.stage_id.name,
                    days=lead.days_in_stage,
                    threshold=lead.stage_id.rotting_threshold_days,
                ),
            })
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    # ------------------------------------------------------------
    # SALES CONTENT AND CUSTOMER QUESTIONS
    # ------------------------------------------------------------

    @api.depends("stage_id", "lang_id")
    def _compute_suggested_content_ids(self):
        stages = self.stage_id._origin
        candidates = self.env["sales.content"].search([
            "|", ("stage_ids", "in", stages.ids), ("phase_ids", "in", stages.cycle_phase_id.ids),
        ]) if stages else self.env["sales.content"]
        for lead in self:
            stage = lead.stage_id._origin
            if not stage:
                lead.suggested_content_ids = False
                continue
            of_stage = candidates.filtered(lambda c, s=stage: s in c.stage_ids)
            of_phase = candidates.filtered(
                lambda c, s=stage: s.cycle_phase_id and s.cycle_phase_id in c.phase_ids
            )
            lead.suggested_content_ids = (of_stage | of_phase)._pick_versions(lead.lang_id._origin)

    def _sales_content_recipient(self):
        """The customer to send content to: the lead's contact when it has an
        email address, else the partner of the lead's email (found or created
        as the chatter does)."""
        self.ensure_one()
        if self.partner_id.email:
            return self.partner_id
        if self.email_from:
            partner = self._partner_find_from_emails_single([self.email_from])
            if partner:
                return partner
        raise UserError(self.env._(
            "%(lead)s has no email address: add one (or a customer with an email address) "
            "before sharing content.",
            lead=self.display_name,
        ))

    def action_log_customer_question(self):
        self.ensure_one()
        return {
            "name": self.env._("Log Customer Question"),
            "type": "ir.actions.act_window",
            "res_model": "sales.customer.question.log",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

