import { rottingStatusBarDurationField, RottingStatusBarDurationField } from "@mail/js/rotting_mixin/rotting_statusbar";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ExitGateDialog } from "./exit_gate_dialog";

/**
 * The lead's statusbar, asking the exit gate before it moves: a refused move
 * leaves the form on its saved stage; a sales manager confirms a move past
 * unticked criteria, which the server then records in the chatter.
 */
export class ExitGateStatusBarField extends RottingStatusBarDurationField {
    setup() {
        super.setup();
        this.orm = useService("orm");
        this.dialog = useService("dialog");
    }

    async selectItem(item) {
        const { name, record } = this.props;
        if (record.isNew || record.data[name]?.id === item.value) {
            return super.selectItem(item);
        }
        // pending edits first (ticks included): the gate must see them
        if ((await record.isDirty()) && !(await record.save())) {
            return;
        }
        const gate = await this.orm.call(
            record.resModel,
            "sales_cycle_exit_gate_status",
            [[record.resId], item.value],
            { context: record.context }
        );
        if (!gate) {
            return super.selectItem(item);
        }
        if (!gate.can_bypass) {
            this.dialog.add(ExitGateDialog, { message: gate.message });
            return;
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Move past the exit criteria?"),
            body: _t("%(message)s\n\nMove anyway? The lead's chatter will record it.", {
                message: gate.message,
            }),
            confirmLabel: _t("Move Anyway"),
            confirmClass: "btn-warning",
            confirm: () => this.moveAnyway(item),
            cancel: () => {},
        });
    }

    async moveAnyway(item) {
        const { name, record } = this.props;
        await this.orm.write(record.resModel, [record.resId], { [name]: item.value }, {
            context: { ...record.context, sales_cycle_gate_bypass: true },
        });
        await record.load();
        this.env.bus.trigger("MAIL:RELOAD-THREAD", { model: record.resModel, id: record.resId });
    }
}

export const exitGateStatusBarField = {
    ...rottingStatusBarDurationField,
    component: ExitGateStatusBarField,
};

registry.category("fields").add("sales_cycle_exit_gate_statusbar", exitGateStatusBarField);
