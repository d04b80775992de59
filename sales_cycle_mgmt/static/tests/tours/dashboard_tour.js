import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_dashboard_tour", {
    steps: () => [
        {
            content: "The menu opens the Sales Cycle dashboard itself",
            trigger: ".o_search_panel_category_value.active .o_dashboard_name:contains('Sales Cycle')",
        },
        {
            content: "It loaded without error",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer",
        },
        {
            content: "The charts are drawn from the reports",
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
        },
    ],
});
