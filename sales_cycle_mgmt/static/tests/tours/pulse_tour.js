import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_pulse_tour", {
    steps: () => [
        {
            content: "The closed round lists its response rate",
            trigger: ".o_list_view .o_data_row:contains('Tour pulse') td[name=response_rate]",
            run: "click",
        },
        {
            content: "Its eNPS shows: enough people answered",
            trigger: ".o_form_view .o_field_widget[name=enps]:contains('14.3')",
        },
        {
            content: "Per team",
            trigger: ".o_notebook .nav-link:contains('Teams')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=team_result_ids] .o_data_row:contains('Pulse Team A'):contains('50.0')",
        },
        {
            content: "The comments, over the threshold",
            trigger: ".o_notebook .nav-link:contains('Comments')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=comments]:contains('Great team')",
        },
    ],
});
