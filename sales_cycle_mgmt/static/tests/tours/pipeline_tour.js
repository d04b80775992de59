import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_pipeline_tour", {
    steps: () => [
        {
            content: "The pipeline kanban shows the rep's opportunity",
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('SCM Tour Opportunity')",
        },
        {
            content: "Its card shows the exit checklist progress",
            trigger: ".o_kanban_record:contains('SCM Tour Opportunity') .o_sales_cycle_checklist_progress",
        },
        {
            content: "Open the opportunity",
            trigger: ".o_kanban_record:contains('SCM Tour Opportunity') .fs-5:contains('SCM Tour Opportunity')",
            run: "click",
        },
        {
            content: "The lead form opens on that opportunity",
            trigger: ".o_form_view .o_last_breadcrumb_item:contains('SCM Tour Opportunity')",
        },
        {
            content: "Open the stage playbook",
            trigger: ".o_notebook .nav-link:contains('Playbook')",
            run: "click",
        },
        {
            content: "The playbook shows the cycle phase of the current stage",
            trigger: ".o_field_widget[name=cycle_phase_id]:contains('Prospecting')",
        },
        {
            content: "...and the stage's guidance",
            trigger: ".o_field_widget[name=stage_guidance]:contains('Ask who signs')",
        },
        {
            content: "Tick the required exit criterion",
            trigger: ".o_field_widget[name=checklist_done_ids] .form-check:contains('Decision maker identified') input",
            run: "click",
        },
        {
            content: "The progress follows the ticks",
            trigger: ".o_field_widget[name=checklist_progress]:contains('100')",
        },
        {
            content: "Move forward with the statusbar: the gate lets the lead through",
            trigger: ".o_statusbar_status button:contains('Qualified')",
            run: "click",
        },
        {
            content: "The lead is in the next stage and phase",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Qualified')",
        },
        {
            trigger: ".o_field_widget[name=cycle_phase_id]:contains('Qualification')",
        },
        {
            content: "The stage history button counts two stays",
            trigger: "button[name=action_view_stage_history]:contains('2')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Prospecting'):contains('First')",
        },
    ],
});
