import { registry } from "@web/core/registry";

/** Fails with the labels of the column headers cut by the list's widths. */
function checkHeadersFit() {
    const cut = [...document.querySelectorAll(".o_list_view thead th span.text-truncate")]
        .filter((label) => label.scrollWidth > label.clientWidth + 1)
        .map((label) => label.innerText);
    if (cut.length) {
        throw new Error(`Truncated column headers: ${cut.join(", ")}`);
    }
}

registry.category("web_tour.tours").add("sales_cycle_mgmt_list_headers_tour", {
    steps: () => [
        {
            content: "The list has its rows",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Every column header reads in full",
            trigger: ".o_list_view thead th span.text-truncate",
            run: checkHeadersFit,
        },
    ],
});

registry.category("web_tour.tours").add("sales_cycle_mgmt_velocity_headers_tour", {
    steps: () => [
        {
            trigger: ".modal button[name=action_compute]",
            run: "click",
        },
        {
            content: "The velocity per team",
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Every column header reads in full",
            trigger: ".o_list_view thead th span.text-truncate",
            run: checkHeadersFit,
        },
    ],
});
