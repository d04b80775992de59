import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { PivotRenderer } from "@web/views/pivot/pivot_renderer";
import { pivotView } from "@web/views/pivot/pivot_view";

// cycle_math.MIN_SAMPLE: the server blanks a rate or an average over fewer cases
export const MIN_SAMPLE = 5;

/**
 * The pivot of a report whose rates and averages need a minimum sample: the
 * server sends such a figure as false when its group has too few cases, and a
 * note under the table says why those cells are blank.
 */
export class SampleNotePivotRenderer extends PivotRenderer {
    static template = "sales_cycle_mgmt.SampleNotePivotRenderer";

    get hasBlankSamples() {
        return this.table.rows.some((row) =>
            row.subGroupMeasurements.some((cell) => cell.value === false)
        );
    }

    get sampleNote() {
        return _t(
            "A blank rate or average: fewer than %(count)s cases in its group, too few to rely on.",
            { count: MIN_SAMPLE }
        );
    }
}

registry.category("views").add("sales_cycle_sample_pivot", {
    ...pivotView,
    Renderer: SampleNotePivotRenderer,
});
