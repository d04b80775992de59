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
