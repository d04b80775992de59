import { onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useBus } from "@web/core/utils/hooks";
import { debounce } from "@web/core/utils/timing";
import { getFieldDomain } from "@web/model/relational_model/utils";
import {
    many2ManyCheckboxesField,
    Many2ManyCheckboxesField,
} from "@web/views/fields/many2many_checkboxes/many2many_checkboxes_field";
import { useSpecialData } from "@web/views/fields/relational_utils";

/** The lead's exit checklist: checkboxes that mark the criteria the gate requires. */
export class ExitChecklistField extends Many2ManyCheckboxesField {
    static template = "sales_cycle_mgmt.ExitChecklistField";

    setup() {
        // Many2ManyCheckboxesField's, reading whether each criterion is required
        this.specialData = useSpecialData((orm, props) => {
            const { relation } = props.record.fields[props.name];
            const domain = getFieldDomain(props.record, props.name, props.domain);
            return orm.searchRead(relation, domain, ["display_name", "required", "description"], {
                context: props.context || {},
            });
        });
        this.idsToAdd = new Set();
        this.idsToRemove = new Set();
        this.debouncedCommitChanges = debounce(this.commitChanges.bind(this), 500);
        useBus(this.props.record.model.bus, "NEED_LOCAL_CHANGES", this.commitChanges.bind(this));
        onWillUnmount(this.commitChanges.bind(this));
    }

    get items() {
        return this.specialData.data.map((item) => [item.id, item.display_name, item]);
    }

    get gated() {
        return Boolean(this.props.record.data.stage_checklist_gate);
    }
}

export const exitChecklistField = {
    ...many2ManyCheckboxesField,
    component: ExitChecklistField,
    fieldDependencies: [{ name: "stage_checklist_gate", type: "boolean" }],
};

registry.category("fields").add("sales_cycle_exit_checklist", exitChecklistField);
