import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { WarningDialog } from "@web/core/errors/error_dialogs";

/** The gate's refusal, wherever it comes from (statusbar, kanban drag, Won button). */
export class ExitGateDialog extends WarningDialog {
    inferTitle() {
        return _t("Exit criteria missing");
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.sales_cycle_mgmt.exceptions.ExitCriteriaMissing", ExitGateDialog);
