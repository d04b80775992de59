import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_followup_tour", {
    steps: () => [
        {
            content: "Follow-ups list shows the won deal's planned follow-ups",
            trigger: ".o_list_view .o_data_row:contains('Onboarding call'):contains('SCM Won Deal')",
        },
        {
            content: "Filter the overdue ones",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o_menu_item:contains('Overdue')",
            run: "click",
        },
        {
            content: "Only the overdue onboarding call is left",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Renewal'))) .o_data_row:contains('Onboarding call') td[name=name]",
            run: "click",
        },
        {
            content: "Mark it done",
            trigger: ".o_form_view button[name=action_done]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "Open its opportunity",
            trigger: ".o_form_view button[name=action_open_lead]",
            run: "click",
        },
        {
            content: "The After-sales tab lists the plan",
            trigger: ".o_notebook .nav-link:contains('After-sales')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=followup_ids] .o_data_row:contains('Satisfaction survey')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_cycle_mgmt_followup_lead_tour", {
    steps: () => [
        {
            content: "On the card, an overdue next follow-up is red",
            trigger: ".o_kanban_record:contains('SCM Overdue Deal') .o_sales_cycle_next_followup.text-danger",
        },
        {
            content: "A future one is not",
            trigger: ".o_kanban_record:contains('SCM Future Deal') .o_sales_cycle_next_followup.text-muted:not(.text-danger)",
        },
        {
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "In the list too",
            trigger: ".o_list_view .o_data_row:contains('SCM Future Deal') td[name=next_followup_date]:not(:has(.text-danger)):not(.text-danger)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SCM Overdue Deal') td[name=next_followup_date].text-danger",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('SCM Overdue Deal') td[name=name]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('After-sales')",
            run: "click",
        },
        {
            content: "The overdue onboarding call is the next follow-up",
            trigger: ".o_form_view .o_field_widget[name=next_followup_date].text-danger:contains('Jan 15, 2020')",
        },
        {
            content: "Open it in its popup",
            trigger: ".o_field_widget[name=followup_ids] .o_data_row:contains('Onboarding call') td[name=name]",
            run: "click",
        },
        {
            content: "Mark it done from the popup",
            trigger: ".modal .o_form_view button[name=action_done]",
            run: "click",
        },
        {
            content: "The popup closes and the opportunity shows its new next follow-up",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=next_followup_date]:not(:contains('Jan 15, 2020')):not(.text-danger)",
        },
        {
            content: "and, in its chatter, the onboarding call done",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Onboarding call')",
        },
        {
            content: "The follow-up is listed done",
            trigger: ".o_field_widget[name=followup_ids] .o_data_row:contains('Onboarding call'):contains('Done')",
        },
    ],
});
