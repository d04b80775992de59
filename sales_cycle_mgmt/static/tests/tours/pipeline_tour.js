import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_pipeline_tour", {
    steps: () => [
        {
            content: "The pipeline kanban shows the rep's opportunity",
            trigger: ".o_opportunity_kanban .o_kanban_record:contains('SCM Tour Opportunity')",
            run: "click",
        },
        {
            content: "The lead form opens on that opportunity",
            trigger: ".o_form_view .o_last_breadcrumb_item:contains('SCM Tour Opportunity')",
        },
    ],
});
