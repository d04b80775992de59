import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

// The main screens of each role, opened as the user opens them. tools/screenshots.py
// runs these tours on the demo database to take the Apps page's screenshots: it
// sets the flag below, and at each "screen" step the tour waits for it to take the
// picture. Without the flag (the test suite) a screen step only checks the screen.
const SCREENSHOT_FLAG = "sales_cycle_mgmt_screenshots";

function screen(name, trigger) {
    return {
        content: `screen: ${name}`,
        trigger,
        timeout: 30000, // a screen's first load brings its bundle (the spreadsheet's is large)
        async run() {
            if (!sessionStorage.getItem(SCREENSHOT_FLAG)) {
                return;
            }
            document.body.dataset.salesCycleScreenshot = name;
            for (let i = 0; i < 90 && document.body.dataset.salesCycleScreenshot; i++) {
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        },
    };
}

function open(xmlid, query = {}) {
    return {
        content: `open ${xmlid}`,
        trigger: "body",
        expectUnloadPage: true,
        async run() {
            const action = await rpc("/web/action/load", { action_id: xmlid });
            const url = new URL(`/odoo/${action.path || `action-${action.id}`}`, window.location.origin);
            for (const [key, value] of Object.entries(query)) {
                url.searchParams.set(key, value);
            }
            const debug = new URLSearchParams(window.location.search).get("debug");
            if (debug) {
                url.searchParams.set("debug", debug);
            }
            window.location.href = url.href;
        },
    };
}

registry.category("web_tour.tours").add("sales_cycle_mgmt_screens_salesperson_tour", {
    steps: () => [
        {
            content: "Open the CRM app",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        screen("pipeline", ".o_opportunity_kanban .o_kanban_record .o_sales_cycle_checklist_progress"),
        {
            content: "Open an opportunity of the pipeline",
            trigger: ".o_opportunity_kanban .o_kanban_record:has(.o_sales_cycle_checklist_progress)",
            run: "click",
        },
        {
            content: "The lead form shows the stage playbook",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Playbook')",
            run: "click",
        },
        screen("lead_playbook", ".o_form_view .o_field_widget[name=stage_guidance]"),
    ],
});

registry.category("web_tour.tours").add("sales_cycle_mgmt_screens_manager_tour", {
    steps: () => [
        open("sales_cycle_mgmt.action_sales_cycle_dashboard"),
        screen("dashboard", ".o_spreadsheet_dashboard_action .o-figure canvas"),
        open("sales_cycle_mgmt.sales_cycle_stage_report_action"),
        screen("stage_conversion", ".o_pivot .o_pivot_cell_value"),
        open("sales_cycle_mgmt.sales_pulse_round_action"),
        {
            content: "Open a closed pulse round",
            trigger: ".o_list_view .o_data_row:contains('Closed') td[name=response_rate]",
            run: "click",
        },
        screen("pulse_round", ".o_form_view .o_field_widget[name=enps]"),
        open("sales_cycle_mgmt.sales_one_on_one_session_action", { view_type: "list" }),
        {
            content: "Open a one-on-one session",
            trigger: ".o_list_view .o_data_row td[name=date]",
            run: "click",
        },
        screen("one_on_one", ".o_form_view .o_field_widget[name=topic_ids]"),
    ],
});
