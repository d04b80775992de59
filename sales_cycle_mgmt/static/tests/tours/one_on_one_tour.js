import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_one_on_one_tour", {
    steps: () => [
        {
            content: "My One-on-ones lists the planned session with the member",
            trigger: ".o_list_view .o_data_row:contains('Tour Member') td[name=date]",
            run: "click",
        },
        {
            content: "The agenda has the topic the member added",
            trigger: ".o_form_view .o_field_widget[name=topic_ids] .o_data_row:contains('Quarter goals')",
        },
        {
            content: "Add a coaching topic",
            trigger: ".o_field_widget[name=topic_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=topic_ids] .o_selected_row [name=name] input",
            run: "edit Handling the price objection",
        },
        {
            trigger: ".o_field_widget[name=topic_ids] .o_selected_row [name=skill_id] input",
            run: "edit Objection",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Objection handling')",
            run: "click",
        },
        {
            content: "Write a private note",
            trigger: ".o_notebook .nav-link:contains('My Private Notes')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=private_note] .odoo-editor-editable",
            run: "editor Ready for the enterprise accounts",
        },
        {
            content: "Mark the session held",
            trigger: ".o_form_view button[name=action_mark_held]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Held')",
        },
    ],
});
