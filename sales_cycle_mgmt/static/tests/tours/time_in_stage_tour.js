import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_cycle_mgmt_time_in_stage_tour", {
    steps: () => [
        {
            content: "The manager's pivot lists the stages with completed stays",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains('SCM Report Stage')",
        },
        {
            content: "...with average and longest days in stage",
            trigger: ".o_pivot th:contains('Days in Stage')",
        },
        {
            trigger: ".o_pivot th:contains('Longest Stay (days)')",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
