import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_content_tour", {
    steps: () => [
        {
            content: "Open the rep's opportunity from the pipeline",
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('SCM Content Opportunity')",
            run: "click",
        },
        {
            content: "Open the content panel",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Content')",
            run: "click",
        },
        {
            content: "The stage's content comes first, then the phase's",
            trigger: ".o_field_widget[name=suggested_content_ids] .o_data_row:first:contains('SCM Tour Brochure')",
        },
        {
            trigger: ".o_field_widget[name=suggested_content_ids] .o_data_row:contains('SCM Phase Article')",
        },
        {
            content: "Share the brochure",
            trigger: ".o_field_widget[name=suggested_content_ids] .o_data_row:contains('SCM Tour Brochure') button[name=action_share]",
            run: "click",
        },
        {
            content: "The mail composer opens with the link in the message",
            trigger: ".modal .o_mail_composer_form .o_field_widget[name=body]:contains('SCM Tour Brochure')",
        },
        {
            trigger: ".modal .o_mail_composer_form .o_field_widget[name=partner_ids]:contains('Tour Customer')",
        },
        {
            content: "Send it",
            trigger: ".modal .modal-footer button.o_mail_send:not([disabled])",
            run: "click",
        },
        {
            content: "The lead lists what was shared",
            trigger: ".o_field_widget[name=content_usage_ids] .o_data_row:contains('SCM Tour Brochure'):contains('Email')",
        },
        {
            content: "Log the question the customer asked",
            trigger: "button[name=action_log_customer_question]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=question_id] input",
            run: "edit Does it work offline?",
        },
        {
            content: "It is new: create it",
            trigger: ".modal .o_field_widget[name=question_id] .o_m2o_dropdown_option_create a",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=question_id] input:value(Does it work offline?)",
        },
        {
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "The question is on the lead",
            trigger: ".o_field_widget[name=customer_question_ids] .o_data_row:contains('Does it work offline?')",
        },
    ],
});
