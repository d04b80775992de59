import { registry } from "@web/core/registry";

// The test computes each figure on its own and leaves it in sessionStorage before
// the tour starts; the tour reads the figure where the user reads it and compares.
const EXPECTED_KEY = "sales_cycle_mgmt_expected_figures";

function expected() {
    return JSON.parse(sessionStorage.getItem(EXPECTED_KEY) || "{}");
}

function asNumber(text) {
    return parseFloat(String(text).replace(/[^0-9.-]/g, ""));
}

function assertShown(label, shown, want, tolerance = 0.05) {
    const got = asNumber(shown);
    if (!(Math.abs(got - want) <= tolerance)) {
        throw new Error(`${label}: the screen shows "${shown}", the test computed ${want}`);
    }
}

async function waitFor(probe, what) {
    for (let i = 0; i < 70; i++) {
        const value = probe();
        if (value !== undefined) {
            return value;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${what} never showed`);
}

// what the scorecards show below their figure (their sample), by title
const baselines = {};

function scorecards() {
    // what the dashboard draws in its scorecards (a canvas): the chart runtime
    const loader = odoo.__WOWL_DEBUG__.root.env.services.spreadsheet_dashboard_loader;
    const model = loader.getActiveDashboard()?.model;
    if (!model) {
        return undefined;
    }
    const shown = {};
    for (const sheetId of model.getters.getSheetIds()) {
        for (const chartId of model.getters.getChartIds(sheetId)) {
            if (model.getters.getChart(chartId).type !== "scorecard") {
                continue;
            }
            const runtime = model.getters.getChartRuntime(chartId);
            if (!runtime.keyValue) {
                return undefined; // still loading
            }
            // a dash: not enough data (yet, while loading); the caller waits for its figures
            shown[runtime.title.text] = runtime.keyValue;
            baselines[runtime.title.text] = runtime.baselineDisplay || "";
        }
    }
    return Object.keys(shown).length ? shown : undefined;
}

function pivotTotal(measureLabel) {
    const measures = [...document.querySelectorAll(".o_pivot thead th.o_pivot_measure_row")];
    const index = measures.findIndex((th) => th.textContent.trim() === measureLabel);
    if (index < 0) {
        throw new Error(`no "${measureLabel}" column in the pivot`);
    }
    const total = document.querySelector(".o_pivot tbody tr");
    return total.querySelectorAll("td.o_pivot_cell_value")[index].textContent.trim();
}

registry.category("web_tour.tours").add("sales_cycle_mgmt_manager_figures_tour", {
    steps: () => [
        {
            content: "The dashboard is drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-figure",
        },
        {
            content: "Every key figure on the dashboard is the one the test computed",
            trigger: ".o_spreadsheet_dashboard_action .o-figure",
            async run() {
                // the scorecards read 0 until their pivots have loaded: wait for
                // the figures to settle, then compare what is drawn
                const want = expected().dashboard;
                let shown = {};
                const settled = () => {
                    shown = scorecards() || {};
                    const same = Object.entries(want).every(
                        ([label, value]) => Math.abs(asNumber(shown[label]) - value) <= 0.05
                    );
                    return same || undefined;
                };
                try {
                    await waitFor(settled, "the dashboard's key figures");
                } catch {
                    for (const [label, value] of Object.entries(want)) {
                        if (!(label in shown)) {
                            throw new Error(`no "${label}" on the dashboard (shown: ${Object.keys(shown)})`);
                        }
                        assertShown(`dashboard "${label}"`, shown[label], value);
                    }
                }
                // figures over too small a sample: a dash, and the count below
                for (const [label, count] of Object.entries(expected().not_enough || {})) {
                    const below = baselines[label] || "";
                    if (shown[label] !== "\u2014" || !below.includes("not enough data") || asNumber(below) !== count) {
                        throw new Error(`dashboard "${label}" shows "${shown[label]}" / "${below}", ` +
                            `not a dash and "not enough data: ${count}"`);
                    }
                }
            },
        },
        {
            content: "Open the Cycle Analysis report",
            trigger: "body",
            expectUnloadPage: true,
            run() {
                window.location.href = expected().report_url;
            },
        },
        {
            content: "The report opens as a pivot",
            trigger: ".o_pivot .o_pivot_header_cell_opened:contains('Total')",
        },
        {
            content: "By status, the lost deals are too few for a win rate: the note says why it is blank",
            trigger: ".o_pivot .o_sales_cycle_sample_note:contains('fewer than 5 cases')",
        },
        {
            content: "Fold the status columns into one total",
            trigger: ".o_pivot thead .o_pivot_header_cell_opened:contains('Total')",
            run: "click",
        },
        {
            content: "The report's win rate and open opportunities are the dashboard's",
            trigger: ".o_pivot thead .o_pivot_header_cell_closed:contains('Total')",
            run() {
                const want = expected().report;
                for (const [label, value] of Object.entries(want)) {
                    assertShown(`report "${label}"`, pivotTotal(label), value);
                }
                if (document.querySelector(".o_sales_cycle_sample_note")) {
                    throw new Error("every figure is shown, yet the note on blank cells is still there");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("sales_cycle_mgmt_rep_figures_tour", {
    steps: () => [
        {
            content: "The lead form shows the current stage",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current",
        },
        {
            content: "Days in Stage and the statusbar's time per stage are the test's",
            trigger: ".o_form_view .o_field_widget[name=days_in_stage]",
            run() {
                const want = expected().lead;
                const days = document.querySelector(".o_field_widget[name=days_in_stage]");
                assertShown("Days in Stage", days.textContent.trim() || days.querySelector("input")?.value,
                    want.days_in_stage, 0);
                const current = document.querySelector(".o_statusbar_status button.o_arrow_button_current");
                if (!current.textContent.includes(want.stage)) {
                    throw new Error(`the statusbar's current stage is "${current.textContent}", not ${want.stage}`);
                }
                for (const [stage, short] of Object.entries(want.statusbar)) {
                    const button = [...document.querySelectorAll(".o_statusbar_status button")]
                        .find((b) => b.textContent.includes(stage));
                    // the current stage of a rotting deal shows its rotting days instead
                    const time = button?.querySelector("span.text-muted, span.o_mail_resource_rotting_bg")
                        ?.textContent.replace(/\s+/g, "");
                    if (time !== short) {
                        throw new Error(`statusbar "${stage}" shows "${time}", the test computed "${short}"`);
                    }
                }
            },
        },
    ],
});
