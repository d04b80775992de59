from collections import defaultdict

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

from ..cycle_math import DETRACTOR, PASSIVE, PROMOTER, nps_bucket, nps_score


class SalesPulseRound(models.Model):
    """One run of a pulse campaign. It snapshots what it needs when it opens
    (survey, eNPS question, threshold, window), so editing the campaign changes
    the next round only. Its results are computed once, when it closes, and are
    stored only for slices answered by at least ``anonymity_threshold`` people."""

    _name = "sales.pulse.round"
    _description = "Sales Pulse Round"
    _order = "date_start desc, id desc"
    _rec_name = "display_name"

    campaign_id = fields.Many2one("sales.pulse.campaign", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    survey_id = fields.Many2one("survey.survey", required=True, readonly=True, ondelete="restrict")
    enps_question_id = fields.Many2one("survey.question", "eNPS Question", readonly=True, ondelete="set null")
    anonymity_threshold = fields.Integer(required=True, readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], required=True, default="open", readonly=True
    )
    date_start = fields.Date("Opened On", required=True, readonly=True)
    date_deadline = fields.Date("Closes On", required=True, readonly=True)
    date_reminder = fields.Date("Reminder On", readonly=True)
    reminder_sent = fields.Boolean(readonly=True)
    date_closed = fields.Date("Closed On", readonly=True)
    invitation_ids = fields.One2many("sales.pulse.invitation", "round_id", "Invitations")
    unreached_user_ids = fields.Many2many(
        "res.users", string="Not Invited (no email)", readonly=True,
        help="Members of the audience without an email address: they could not be invited.",
    )
    invited_count = fields.Integer("Invited", compute="_compute_response")
    responded_count = fields.Integer("Answered", compute="_compute_response")
    response_rate = fields.Float("Response Rate (%)", compute="_compute_response", aggregator="avg")
    # results: written at closing, and only when enough people answered
    answer_count = fields.Integer("Answers Counted", readonly=True)
    results_visible = fields.Boolean(
        "Results Shown", readonly=True,
        help="Set when the round closed with at least as many answers as the anonymity threshold.",
    )
    enps_visible = fields.Boolean(
        "eNPS Shown", readonly=True,
        help="Set when at least as many people as the anonymity threshold answered the eNPS question.",
    )
    promoter_count = fields.Integer("Promoters", readonly=True)
    passive_count = fields.Integer("Passives", readonly=True)
    detractor_count = fields.Integer("Detractors", readonly=True)
    enps = fields.Float("eNPS", readonly=True, aggregator="avg", digits=(16, 1))
    comments = fields.Text(
        readonly=True, help="Free-text answers, in alphabetical order, of the questions that at "
        "least as many people as the anonymity threshold answered.",
    )
    question_result_ids = fields.One2many("sales.pulse.round.question", "round_id", "Questions")
    team_result_ids = fields.One2many("sales.pulse.round.team", "round_id", "Teams")

    _campaign_day_unique = models.Constraint(
        "UNIQUE (campaign_id, date_start)", "A campaign opens one round per day at most.",
    )
    _one_open_round = models.UniqueIndex("(campaign_id) WHERE state = 'open'")

    @api.depends("campaign_id.name", "date_start")
    def _compute_display_name(self):
        for pulse_round in self:
            name, day = pulse_round.campaign_id.name or "", pulse_round.date_start or ""
            pulse_round.display_name = f"{name} {day}".strip()

    def _compute_response(self):
        groups = self.env["sales.pulse.invitation"].sudo()._read_group(
            [("round_id", "in", self.ids)], ["round_id", "responded"], ["__count"]
        )
        counts = defaultdict(lambda: [0, 0])
        for pulse_round, responded, count in groups:
            counts[pulse_round.id][0] += count
            if responded:
                counts[pulse_round.id][1] += count
        for pulse_round in self:
            invited, responded = counts[pulse_round.id]
            pulse_round.invited_count = invited
            pulse_round.responded_count = responded
            pulse_round.response_rate = round(100.0 * responded / invited, 1) if invited else 0.0

    def _send_reminders(self):
        for pulse_round in self:
            pulse_round.invitation_ids.filtered(lambda i: not i.responded)._send(
                "sales_cycle_mgmt.mail_template_pulse_reminder"
            )
            pulse_round.reminder_sent = True

    def _answers_sudo(self):
        return self.env["survey.user_input"].sudo().search([("sales_pulse_round_id", "in", self.ids)])

    def _scrub_answers(self, answers=None):
        """Neutral authorship and timestamps on ``answers`` (default: every answer
        of the rounds) and their lines, no messages or followers: nothing left to
        compare with the invitations. A submitted answer gets a token nobody
        knows: one captured before is dead. A submit scrubs its own answer only,
        so that invitees submitting at the same moment never wait for each other."""
        answers = self._answers_sudo() if answers is None else answers.sudo()
        if not answers:
            return
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """UPDATE survey_user_input a
                  SET create_uid = %(root)s, write_uid = %(root)s,
                      create_date = r.date_start, write_date = r.date_start,
                      start_datetime = r.date_start, end_datetime = r.date_start,
                      partner_id = NULL, email = NULL, nickname = NULL, invite_token = NULL,
                      access_token = CASE WHEN a.state = 'done' THEN gen_random_uuid()::text
                                          ELSE a.access_token END
                 FROM sales_pulse_round r
                WHERE r.id = a.sales_pulse_round_id AND a.id = ANY(%(ids)s)""",
            root=SUPERUSER_ID, ids=answers.ids,
        ))
        self.env.cr.execute(SQL(
            """UPDATE survey_user_input_line l
                  SET create_uid = %(root)s, write_uid = %(root)s,
                      create_date = a.create_date, write_date = a.create_date
                 FROM survey_user_input a
                WHERE a.id = l.user_input_id AND a.id = ANY(%(ids)s)""",
            root=SUPERUSER_ID, ids=answers.ids,
        ))
        self.env.cr.execute(SQL(
            "DELETE FROM mail_message WHERE model = 'survey.user_input' AND res_id = ANY(%s)", answers.ids
        ))
        self.env.cr.execute(SQL(
            "DELETE FROM mail_followers WHERE res_model = 'survey.user_input' AND res_id = ANY(%s)",
            answers.ids,
        ))
        self.env.invalidate_all()

    def _close(self):
        """Close the rounds: drop unfinished answers and the invitations' transient
        hashes, scrub the answers, then store the results that may be shown."""
        for pulse_round in self:
            answers = pulse_round._answers_sudo()
            answers.filtered(lambda a: a.state != "done").unlink()
            pulse_round.invitation_ids.sudo()._forget_answers()
            pulse_round._scrub_answers()
            pulse_round._compute_results()
            pulse_round.write({"state": "closed", "date_closed": fields.Date.context_today(self)})
        # the unique index on open rounds is checked by SQL: the next round may open now
        self.flush_recordset(["state"])

    def _compute_results(self):
        """Aggregates of the round, its questions and its teams. Each figure is
        stored only when the question it comes from was answered by at least
        ``anonymity_threshold`` people in its slice: the eNPS by its question's
        answers (per team, with secondary suppression), each average by its
        question's, the comments by their question's."""
        self.ensure_one()
        threshold = self.anonymity_threshold
        answers = self._answers_sudo().filtered(lambda a: a.state == "done")
        lines = answers.user_input_line_ids.filtered(lambda line: not line.skipped)
        lines_by_question = lines.grouped("question_id")
        no_lines = lines.browse()
        enps_lines = lines_by_question.get(self.enps_question_id, no_lines)
        enps_visible = len(enps_lines.user_input_id) >= threshold
        comments = []
        for question_lines in lines_by_question.values():
            texts = [
                (line.value_text_box or line.value_char_box or "").strip()
                for line in question_lines if line.answer_type in ("text_box", "char_box")
            ]
            if len([text for text in texts if text]) >= threshold:
                comments += [text for text in texts if text]
        self.write({
            **self._enps_values(enps_lines.mapped("value_scale"), enps_visible),
            "answer_count": len(answers),
            "results_visible": len(answers) >= threshold,
            "enps_visible": enps_visible,
            "comments": "\n\n".join(sorted(comments)) or False,
        })

        question_rows = []
        for question in self.survey_id.question_ids:
            question_lines = lines_by_question.get(question, no_lines)
            row = {"round_id": self.id, "question_id": question.id,
                   "answer_count": len(question_lines.user_input_id)}
            numbers = [
                line.value_scale if line.answer_type == "scale" else line.value_numerical_box
                for line in question_lines if line.answer_type in ("scale", "numerical_box")
            ]
            if numbers and row["answer_count"] >= threshold:
                row["average"] = round(sum(numbers) / len(numbers), 2)
                row["results_visible"] = True
            question_rows.append(row)
        self.env["sales.pulse.round.question"].create(question_rows)

        invited = defaultdict(lambda: [0, 0])
        for invitation in self.invitation_ids.sudo():
            invited[invitation.team_id.id][0] += 1
            invited[invitation.team_id.id][1] += invitation.responded
        scores = defaultdict(list)
        for line in enps_lines:
            scores[line.user_input_id.sales_pulse_team_id.id].append(line.value_scale)
        counted = {team_id: len(team_scores) for team_id, team_scores in scores.items()}
        shown = self._visible_slices(counted, threshold) if enps_visible else set()
        self.env["sales.pulse.round.team"].create([
            {
                "round_id": self.id,
                "team_id": team_id or False,
                "invited_count": invited[team_id][0],
                "responded_count": invited[team_id][1],
                "answer_count": counted.get(team_id, 0),
                "results_visible": team_id in shown,
                **self._enps_values(scores[team_id], team_id in shown),
            }
            for team_id in set(invited) | set(counted)
        ])

    @api.model
    def _visible_slices(self, counts, threshold):
        """Slices (keys of ``counts``, answers per slice) whose results may show.
        Under-threshold slices are hidden; when the hidden ones hold fewer than
        ``threshold`` answers together, the smallest shown slices are hidden too,
        or the round's totals minus the shown slices would reveal them."""
        shown = {key for key, count in counts.items() if count >= threshold}
        hidden_total = sum(count for key, count in counts.items() if key not in shown)
        while shown and 0 < hidden_total < threshold:
            smallest = min(shown, key=lambda key: (counts[key], str(key)))
            shown.discard(smallest)
            hidden_total += counts[smallest]
        return shown

    @api.model
    def _enps_values(self, scores, visible):
        if not visible or not scores:
            return {"promoter_count": 0, "passive_count": 0, "detractor_count": 0, "enps": False}
        buckets = [nps_bucket(int(score)) for score in scores]
        return {
            "promoter_count": buckets.count(PROMOTER),
            "passive_count": buckets.count(PASSIVE),
            "detractor_count": buckets.count(DETRACTOR),
            "enps": nps_score([int(score) for score in scores]),
        }
