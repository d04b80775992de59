import { Component, useState } from "@odoo/owl";
import { CheckBox } from "@web/core/checkbox/checkbox";
import { _t } from "@web/core/l10n/translation";
import { usePopover } from "@web/core/popover/popover_hook";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

export class ExitChecklistPopover extends Component {
    static template = "sales_cycle_mgmt.ExitChecklistPopover";
    static components = { CheckBox };
    static props = {
        items: Array,
        doneIds: Array,
        gated: Boolean,
        onToggle: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ doneIds: new Set(this.props.doneIds) });
    }

    async toggle(item, checked) {
        if (checked) {
            this.state.doneIds.add(item.id);
        } else {
            this.state.doneIds.delete(item.id);
        }
        await this.props.onToggle(item.id, checked);
    }
}

/**
 * The card's exit checklist progress; a click opens the stage's criteria to
 * tick, read only then, so the card itself stays light.
 */
export class ExitChecklistKanbanField extends Component {
    static template = "sales_cycle_mgmt.ExitChecklistKanbanField";
    static props = { ...standardFieldProps };

    setup() {
        this.orm = useService("orm");
        this.popover = usePopover(ExitChecklistPopover, {
            position: "bottom",
            popoverClass: "o_sales_cycle_checklist_popover",
        });
    }

    get record() {
        return this.props.record;
    }

    get title() {
        return _t("Exit checklist: tick the criteria met");
    }

    async onClick(ev) {
        if (this.popover.isOpen) {
            this.popover.close();
            return;
        }
        const target = ev.currentTarget;
        const items = await this.orm.searchRead(
            "sales.cycle.checklist.item",
            [["stage_id", "=", this.record.data.stage_id.id]],
            ["display_name", "required", "description"]
        );
        this.popover.open(target, {
            items,
            doneIds: this.record.data[this.props.name].currentIds,
            gated: Boolean(this.record.data.stage_checklist_gate),
            onToggle: (itemId, checked) => this.toggle(itemId, checked),
        });
    }

    async toggle(itemId, checked) {
        await this.orm.write(this.record.resModel, [this.record.resId], {
            [this.props.name]: [[checked ? 4 : 3, itemId]],
        });
        await this.record.load();
    }
}

export const exitChecklistKanbanField = {
    component: ExitChecklistKanbanField,
    supportedTypes: ["many2many"],
    relatedFields: [{ name: "display_name", type: "char" }],
    fieldDependencies: [
        { name: "stage_checklist_gate", type: "boolean" },
        { name: "checklist_progress", type: "integer" },
    ],
};

registry.category("fields").add("sales_cycle_exit_checklist_kanban", exitChecklistKanbanField);
