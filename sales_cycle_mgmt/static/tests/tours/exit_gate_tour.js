import { registry } from "@web/core/registry";

const LEAD = "SCM Gate Opportunity";

function openPlaybook() {
    return [
        {
            content: "The lead form opens on the gated opportunity",
            trigger: `.o_form_view .o_last_breadcrumb_item:contains('${LEAD}')`,
        },
        {
            content: "Open the stage playbook",
            trigger: ".o_notebook .nav-link:contains('Playbook')",
            run: "click",
        },
        {
            content: "The checklist marks what the gate requires",
            trigger: ".o_field_widget[name=checklist_done_ids] .form-check:contains('Decision maker identified') .o_sales_cycle_required:contains('Required')",
        },
        {
            trigger: ".o_field_widget[name=checklist_done_ids] .form-check:contains('Budget known') .o_sales_cycle_required",
        },
        {
            content: "...and not the optional criteria",
            trigger: ".o_field_widget[name=checklist_done_ids] .form-check:contains('Competitors known'):not(:has(.o_sales_cycle_required))",
        },
    ];
}

function staysOnNew() {
    return [
        {
            content: "The form stays on its saved stage",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('New')",
        },
        {
            content: "...showing that stage's checklist",
            trigger: ".o_field_widget[name=checklist_done_ids] .form-check:contains('Budget known')",
        },
        {
            content: "...and no negative days",
            trigger: ".o_field_widget[name=days_in_stage]:contains('0'):not(:contains('-'))",
        },
        {
            content: "...with nothing left unsaved",
            trigger: ".o_form_view .o_form_status_indicator:not(:has(.o_form_button_save:visible))",
        },
    ];
}

registry.category("web_tour.tours").add("sales_cycle_mgmt_exit_gate_refusal_tour", {
    steps: () => [
        ...openPlaybook(),
        {
            content: "Tick one required criterion, unsaved",
            trigger: ".o_field_widget[name=checklist_done_ids] .form-check:contains('Decision maker identified') input",
            run: "click",
        },
        {
            content: "Move forward with the statusbar",
            trigger: ".o_statusbar_status button:contains('Qualified')",
            run: "click",
        },
        {
            content: "The gate refuses under its own title",
            trigger: ".modal .modal-title:contains('Exit criteria missing')",
        },
        {
            content: "...naming what is still unticked, and only that",
            trigger: ".modal .modal-body:contains('Budget known'):not(:contains('Decision maker identified')):not(:contains('Competitors known'))",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        ...staysOnNew(),
        {
            content: "The tick made before the move was kept",
            trigger: ".o_field_widget[name=checklist_done_ids] .form-check:contains('Decision maker identified') input:checked",
        },
        {
            content: "...and the chatter tracks it",
            trigger: ".o-mail-Message .o-mail-Message-tracking:contains('Decision maker identified')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_cycle_mgmt_exit_gate_manager_tour", {
    steps: () => [
        ...openPlaybook(),
        {
            content: "A manager moves forward past unticked criteria",
            trigger: ".o_statusbar_status button:contains('Qualified')",
            run: "click",
        },
        {
            content: "...and is asked to confirm, with what is unticked",
            trigger: ".modal .modal-title:contains('Move past the exit criteria?')",
        },
        {
            trigger: ".modal .modal-body:contains('Budget known'):contains('Decision maker identified')",
        },
        {
            content: "Cancel: nothing moves",
            trigger: ".modal .modal-footer button:contains('Cancel')",
            run: "click",
        },
        ...staysOnNew(),
        {
            content: "Ask again",
            trigger: ".o_statusbar_status button:contains('Qualified')",
            run: "click",
        },
        {
            content: "...and confirm",
            trigger: ".modal .modal-footer button:contains('Move Anyway')",
            run: "click",
        },
        {
            content: "The lead is in the next stage",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Qualified')",
        },
        {
            content: "...and the chatter says what was not ticked",
            trigger: ".o-mail-Message-body:contains('past the exit checklist'):contains('Budget known')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_cycle_mgmt_exit_gate_kanban_tour", {
    steps: () => [
        {
            content: "The card shows the exit checklist progress",
            trigger: `.o_kanban_record:contains('${LEAD}') .o_sales_cycle_checklist_progress:contains('0%')`,
            run: "click",
        },
        {
            content: "A click opens the stage's criteria, the required ones marked",
            trigger: ".o_sales_cycle_checklist_popover .form-check:contains('Budget known') .o_sales_cycle_required",
        },
        {
            content: "Tick one from the card",
            trigger: ".o_sales_cycle_checklist_popover .form-check:contains('Budget known') input",
            run: "click",
        },
        {
            content: "The card's progress follows",
            trigger: `.o_kanban_record:contains('${LEAD}') .o_sales_cycle_checklist_progress:contains('33%')`,
        },
        {
            content: "...and the card did not open",
            trigger: ".o_kanban_view:not(:has(.o_form_view))",
        },
        {
            content: "Close the checklist",
            trigger: `.o_kanban_record:contains('${LEAD}') .o_sales_cycle_checklist_progress`,
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_sales_cycle_checklist_popover))",
        },
        {
            content: "Drag the card forward with a required criterion unticked",
            trigger: `.o_kanban_record:contains('${LEAD}')`,
            run: "drag_and_drop(.o_kanban_group:contains('Qualified'))",
        },
        {
            content: "The gate refuses under its own title",
            trigger: ".modal .modal-title:contains('Exit criteria missing')",
        },
        {
            trigger: ".modal .modal-body:contains('Decision maker identified')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The card is back in its column",
            trigger: `.o_kanban_group:contains('New') .o_kanban_record:contains('${LEAD}')`,
        },
    ],
});
